// What debug.ts notes and hands to the debug log (debug-log.ts, a lazy chunk): apart from both, so that
// the log can name them without importing the module that loads it.

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
