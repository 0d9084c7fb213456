// What the debug recorder (debug.ts) hands to the lazily loaded console log (debug-log.ts) and the QA
// panel: in a file of its own, so the log's chunk needs nothing from the recorder back.

import type { PanelApi } from './panel/actions.ts';
import type { DebugPanel } from './types.ts';

export interface DebugEntry {
  kind: 'call' | 'decision' | 'event';
  /** The method, the decision's code (debug-log.ts DECISIONS), or the event's name. */
  title: string;
  detail?: unknown;
  /** A call's answer, once it settles. */
  result?: Promise<unknown>;
  /** performance.now() when it happened. */
  at: number;
}

/** What the debug log and the panel get: the events, the public calls, a way to warn. */
export interface DebugHost {
  /** Hands the mounted panel to the shop's 'panel' listeners, later ones included. */
  panelMounted(panel: DebugPanel): void;
  /** The public calls the panel makes. */
  panelApi: PanelApi;
  warn(code: string, message: string): void;
}
