// init({ debug: true }): what Tacit does, for the shop developer. This is the small part inside tacit.js:
// while debug is on it notes every call (api.ts), every decision (sdk.ts, as a code and its inputs) and
// every event, and loads debug-log.ts, which prints one collapsed console group for each and opens the
// QA panel (panel/) when the page asks for it with ?tacit-debug. With debug off it notes nothing and
// loads nothing.

import type { ResolvedConfig } from './config.ts';
import type { Listeners } from './listeners.ts';
import type { DebugEntry, DebugHost } from './debug-types.ts';
import type { PanelApi } from './panel/actions.ts';

export class Debug {
  private show: ((entry: DebugEntry) => void) | null = null;
  private waiting: DebugEntry[] = [];
  private loading = false;

  private readonly host: DebugHost;

  constructor(
    private readonly config: () => Readonly<ResolvedConfig>,
    listeners: Listeners,
    panelApi: PanelApi,
    warn: (code: string, message: string) => void,
  ) {
    this.host = { panelMounted: (panel) => listeners.emit('panel', panel, { sticky: true }), panelApi, warn };
    listeners.tap = (name, detail) => this.note({ kind: 'event', title: name, detail, at: performance.now() });
  }

  /** A public call and its answer (api.ts). */
  call(method: string, args: unknown[], result: unknown): void {
    this.note({ kind: 'call', title: method, detail: args, result: Promise.resolve(result), at: performance.now() });
  }

  /** A choice Tacit made: its code (worded by debug-log.ts) and what it was made from. */
  decision(code: string, detail?: unknown): void {
    this.note({ kind: 'decision', title: code, detail, at: performance.now() });
  }

  private note(entry: DebugEntry): void {
    if (!this.config().debug) return;
    if (this.show) return this.show(entry);
    this.waiting.push(entry);
    if (this.loading) return;
    this.loading = true;
    import('./debug-log.ts')
      .then(({ startDebugLog }) => {
        this.show = startDebugLog(this.host);
        for (const waiting of this.waiting.splice(0)) this.show(waiting);
      })
      .catch((error: unknown) => this.host.warn('debug', `the debug log could not be loaded (${String(error)})`));
  }
}
