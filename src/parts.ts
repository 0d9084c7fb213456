// The lazily loaded parts of the SDK: the client of the worker (the device's engine: storage, ranking,
// experiment arms, reports) and the main thread's popularity fallback, each its own chunk, fetched only
// when needed. The worker exists only while consent is granted: a withdrawal or forget() stops it, a
// grant starts it (at init for a grant found then, else when the page is idle or at first need). They
// get the narrow Host, never the facade.

import type { EngineClient, EngineClientOptions } from './engine/client.ts';
import type { MainThreadFallback } from './engine/fallback.ts';
import type { Host } from './host.ts';
import type { EventSink } from './storage/recorder.ts';
import { describe } from './warn.ts';

export class LazyParts {
  private engineClient: EngineClient | null = null;
  private engineLoading: Promise<EngineClient | null> | null = null;
  private fallbackLoading: Promise<MainThreadFallback> | null = null;
  /** Counts stop()s: a client whose chunk was still loading when the worker was stopped is not started. */
  private generation = 0;

  constructor(
    private readonly host: Host,
    private readonly trustedTypesPolicy?: { createScriptURL(url: string): unknown },
    /** What the worker tells the page besides warnings and events: its storage kind, the saved shelf. */
    private readonly callbacks: Pick<EngineClientOptions, 'onStorage' | 'onShelf'> = {},
  ) {}

  /** The engine client if it runs, without starting it. */
  get runningEngine(): EngineClient | null {
    return this.engineClient;
  }

  /** Where the page's events go now: the worker, unless it is not started yet or failed for good. */
  sink(): EventSink | null {
    return this.engineClient?.usable ? this.engineClient : null;
  }

  private granted(): boolean {
    return this.host.consent() === 'granted';
  }

  /** Starts the worker once the page is interactive and idle (it checks consent then). */
  startWhenIdle(): void {
    whenPageIdle(() => {
      if (this.granted()) void this.engine();
    });
  }

  /** The main thread's popularity ranking, in its own small chunk. */
  fallback(): Promise<MainThreadFallback> {
    this.fallbackLoading ??= import('./engine/fallback.ts').then(
      ({ MainThreadFallback }) => new MainThreadFallback(this.host.config.catalog, (message) => this.host.warn('catalog', message)),
    );
    return this.fallbackLoading;
  }

  /**
   * The engine client, once, its worker starting; none without consent. It starts with or without a
   * catalogue or a server: the worker keeps the device's data either way.
   */
  engine(): Promise<EngineClient | null> {
    if (this.engineClient) return Promise.resolve(this.engineClient);
    if (!this.granted()) return Promise.resolve(null);
    const generation = this.generation;
    // The fallback's chunk (and the catalogue code in it) is fetched only if the worker cannot answer.
    // The client's own import (recommend-options, shared with the fallback) is asked for beside it, not
    // after it: on a loading page each chunk request waits its turn behind the shop's images.
    this.engineLoading ??= Promise.all([import('./engine/client.ts'), import('./engine/recommend-options.ts')])
      .then(([{ EngineClient }]) => {
        if (!this.granted() || generation !== this.generation) return null; // withdrawn or forgotten while the chunk loaded
        const client = new EngineClient(this.host, () => this.fallback(), { trustedTypesPolicy: this.trustedTypesPolicy, ...this.callbacks });
        this.engineClient = client;
        void client.start();
        return client;
      })
      .catch((error) => {
        this.host.warn('engine-load', `the engine could not be loaded (${describe(error)})`);
        this.engineLoading = null;
        return null;
      });
    return this.engineLoading;
  }

  /** Stops the worker (it first lets go of the database). */
  async stop(): Promise<void> {
    this.generation++;
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
