// The lazily loaded parts of the SDK: the engine client (worker, model), the report sync, and the main
// thread's popularity fallback, each its own chunk, fetched only when needed. The engine and the report
// sync exist only while consent is granted: a withdrawal or forget() stops them, a grant starts them
// again (when the page is idle, or at first need). They get the narrow Host, never the facade.

import type { EngineClient } from './engine/client.ts';
import type { MainThreadFallback } from './engine/fallback.ts';
import type { ExperimentArms } from './experiments/arms.ts';
import type { Host } from './host.ts';
import type { ReportSync } from './reports/sync.ts';
import type { DeviceStorage } from './storage/device-storage.ts';
import { describe } from './warn.ts';

export class LazyParts {
  private engineClient: EngineClient | null = null;
  private engineLoading: Promise<EngineClient | null> | null = null;
  private reportSync: ReportSync | null = null;
  private reportsLoading: Promise<ReportSync | null> | null = null;
  private fallbackLoading: Promise<MainThreadFallback> | null = null;
  private armsLoading: Promise<ExperimentArms | null> | null = null;

  constructor(
    private readonly host: Host,
    private readonly storage: DeviceStorage,
    private readonly trustedTypesPolicy?: { createScriptURL(url: string): unknown },
    /** records an event as track() does (an experiment's shelf impressions) */
    private readonly record: (event: string, properties: Record<string, unknown>) => void = () => {},
  ) {}

  /** The engine client if it runs, without starting it. */
  get runningEngine(): EngineClient | null {
    return this.engineClient;
  }

  /** The report sync if it runs, without starting it. */
  get runningReports(): ReportSync | null {
    return this.reportSync;
  }

  private granted(): boolean {
    return this.host.consent() === 'granted';
  }

  /** Starts the engine and the report sync once the page is interactive and idle (they check consent then). */
  startWhenIdle(): void {
    whenPageIdle(() => {
      if (!this.granted()) return;
      void this.engine();
      void this.reports();
    });
  }

  /** The main thread's popularity ranking, in its own small chunk. */
  fallback(): Promise<MainThreadFallback> {
    this.fallbackLoading ??= import('./engine/fallback.ts').then(
      ({ MainThreadFallback }) => new MainThreadFallback(this.host.config.catalog, (message) => this.host.warn('catalog', message)),
    );
    return this.fallbackLoading;
  }

  /** The experiment's arms, in their own chunk; none when the shop runs no experiment. */
  experiments(): Promise<ExperimentArms | null> {
    if (!this.host.config.experiment) return Promise.resolve(null);
    this.armsLoading ??= import('./experiments/arms.ts')
      .then(({ ExperimentArms }) => new ExperimentArms(this.host, this.storage, this.record))
      .catch((error) => {
        this.host.warn('experiment-load', `the experiment could not be loaded (${describe(error)}); recommendations as without one`);
        this.armsLoading = null;
        return null;
      });
    return this.armsLoading;
  }

  /** The engine client, once; none without a catalogue or without consent. */
  engine(): Promise<EngineClient | null> {
    if (this.engineClient) return Promise.resolve(this.engineClient);
    if (!this.host.config.catalog || !this.granted()) return Promise.resolve(null);
    this.engineLoading ??= Promise.all([import('./engine/client.ts'), this.fallback()])
      .then(([{ EngineClient }, fallback]) => {
        if (!this.granted()) return null; // withdrawn while the chunk loaded
        const client = new EngineClient(this.host, this.storage, fallback, { trustedTypesPolicy: this.trustedTypesPolicy });
        this.engineClient = client;
        void client.start();
        return client;
      })
      .catch((error) => {
        this.host.warn('engine-load', `the engine could not be loaded (${describe(error)})`);
        return null;
      });
    return this.engineLoading;
  }

  /** The report sync, once; none without a server or without consent. Segments come from the engine when there is one. */
  reports(): Promise<ReportSync | null> {
    if (this.reportSync) return Promise.resolve(this.reportSync);
    if (!this.host.config.server || !this.granted()) return Promise.resolve(null);
    this.reportsLoading ??= import('./reports/sync.ts')
      .then(({ ReportSync }) => {
        if (!this.granted()) return null;
        const reports = new ReportSync(this.host, this.storage, {
          segments: async (taxonomy) => (await this.engine())?.segments(taxonomy) ?? [],
        });
        this.reportSync = reports;
        void reports.start();
        return reports;
      })
      .catch((error) => {
        this.host.warn('reports-load', `the report sync could not be loaded (${describe(error)})`);
        return null;
      });
    return this.reportsLoading;
  }

  /** Stops the engine (the worker lets go of the database first) and the report sync. */
  async stop(): Promise<void> {
    this.reportSync?.stop();
    this.reportSync = null;
    this.reportsLoading = null;
    const engine = this.engineClient;
    this.engineClient = null;
    this.engineLoading = null;
    await engine?.stop();
  }
}

/** Runs `task` after the load event, when the browser is idle (never before the page is interactive). */
function whenPageIdle(task: () => void): void {
  if (typeof document === 'undefined' || typeof addEventListener !== 'function') return;
  const idle = () => {
    const ric = (globalThis as { requestIdleCallback?: (cb: () => void, o: { timeout: number }) => number }).requestIdleCallback;
    if (ric) ric(task, { timeout: 5000 });
    else setTimeout(task, 1000);
  };
  if (document.readyState === 'complete') idle();
  else addEventListener('load', idle, { once: true });
}
