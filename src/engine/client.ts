// The main thread's side of the engine: starts the worker lazily, talks to it with comlink, and keeps
// the page working whatever happens to it. A worker that crashes or hangs is restarted once; after
// that, and whenever the engine is slow or has no model, recommendations come from a non-model
// ranking (popularity, then shop order) computed here from the catalogue (fallback.ts).
//
// The worker reads the shopper's events itself, through the same storage module as this page, when
// they are in IndexedDB; when this page had to fall back to memory, it reads them from this page.

import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import { builtFile } from '../../core/built-files.ts';
import type { Taxonomy } from '../../protocol/taxonomy.ts';
import type { EngineConfig } from '../../worker/engine.ts';
import type { WorkerApi } from '../../worker/engine.worker.ts';
import type { Host } from '../host.ts';
import type { DeviceStorage } from '../storage/device-storage.ts';
import type { RecommendOptions, RecommendResult, SegmentScore } from '../types.ts';
import { describe } from '../warn.ts';
import type { MainThreadFallback } from './fallback.ts';
import { sanitizeRecommendOptions } from './recommend-options.ts';
import { catalogProblem } from '../../core/catalog.ts';


const TIMEOUTS = {
  /** Model download and compile can be slow on a first visit; calls wait this long for it. */
  ready: 8000,
  call: 8000,
  ping: 2000,
};

type WorkerState = 'stopped' | 'starting' | 'running' | 'failed';

export interface EngineClientOptions {
  /** Creates the worker; tests and unusual hosts can replace it. */
  createWorker?: () => Worker;
  /** The snippet's Trusted Types policy: on pages that enforce them, new Worker() needs a TrustedScriptURL. */
  trustedTypesPolicy?: { createScriptURL(url: string): unknown };
  timeouts?: Partial<typeof TIMEOUTS>;
}

export class EngineClient {
  private worker: Worker | null = null;
  private remote: Remote<WorkerApi> | null = null;
  private state: WorkerState = 'stopped';
  private restarts = 0;
  private ready: Promise<void> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private taxonomy: Taxonomy | null = null;
  private modelReported = false;
  private readonly timeouts: typeof TIMEOUTS;

  constructor(
    private readonly host: Host,
    private readonly storage: DeviceStorage,
    private readonly fallback: MainThreadFallback,
    private readonly options: EngineClientOptions = {},
  ) {
    const configured = host.config.engineTimeoutMs;
    this.timeouts = { ...TIMEOUTS, ready: configured, call: configured, ...options.timeouts };
  }

  /** The engine's configuration: the resolved config's engine part, as it is, and where events are. */
  engineConfig(): EngineConfig {
    const c = this.host.config;
    return {
      catalogUrl: c.catalog,
      catalogVectorsUrl: c.catalogVectors,
      model: c.model,
      ranking: c.ranking,
      segments: c.segments,
      events: this.eventSource(),
    };
  }

  /** Where the worker finds the shopper's events: none without consent, else where this page keeps them. */
  private eventSource(): EngineConfig['events'] {
    if (this.host.consent() !== 'granted') return 'none';
    return this.storage.kind === 'memory' ? 'page' : 'indexeddb';
  }

  /** Starts the worker and the model load, once (plus one restart after a crash). */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    const attempt: Promise<void> = this.launch().catch((error) => {
      // A crash during start-up may already have started the one restart: wait for that instead.
      if (this.ready !== attempt && this.ready) return this.ready;
      this.host.warn('engine-failed', `the recommendation engine is unavailable (${describe(error)}); using popularity ranking`);
      this.stopWorker();
      this.state = 'failed';
    });
    this.ready = attempt;
    return attempt;
  }

  private async launch(): Promise<void> {
    this.state = 'starting';
    const url = new URL(builtFile('worker.js'), this.host.config.baseUrl).href;
    const scriptUrl = this.options.trustedTypesPolicy ? this.options.trustedTypesPolicy.createScriptURL(url) : url;
    const worker = this.options.createWorker ? this.options.createWorker() : new Worker(scriptUrl as string, { type: 'module', name: 'tacit' });
    this.worker = worker;
    const crashed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (e) => {
        e.preventDefault?.(); // keep the worker's error out of the page's console as an uncaught error
        // A worker that never started (CSP worker-src, worker.js missing or not JavaScript) would fail the
        // same way again: no restart, start()'s one warning says why. A running one that dies restarts once.
        if (this.state === 'running') this.onCrash(worker, e.message);
        else reject(new Error(e.message || 'the engine worker could not start (blocked by CSP worker-src, or worker.js missing or not served as JavaScript)'));
      });
    });
    crashed.catch(() => {});
    this.remote = wrap<WorkerApi>(worker);
    const page = proxy({
      progress: (p: unknown) => this.host.emit('model-progress', p),
      warning: (message: string) => this.host.warn('engine', message),
      // Only asked while this page keeps the events in memory (IndexedDB unavailable).
      events: async (afterSeq: number) => (this.storage.current?.kind === 'memory' ? this.storage.current.events(afterSeq) : []),
    });
    await Promise.race([this.remote.init(this.engineConfig(), page), crashed]);
    this.state = 'running';
    const info = await this.remote.inspect();
    if (info.model.status === 'failed' && !this.modelReported) {
      this.modelReported = true;
      this.host.warn('model-failed', `model "${info.model.id}" could not be loaded (${info.model.error}); using popularity ranking`);
    } else if (info.model.status === 'ready') {
      this.host.emit('model-ready', info.model);
    }
    const catalog = info.catalog.error || catalogProblem(info.catalog.items, info.catalog.errors);
    if (catalog) this.host.warn('catalog', catalog);
    if (this.taxonomy) await this.remote.setTaxonomy(this.taxonomy);
  }

  private onCrash(worker: Worker, message: string): void {
    if (worker !== this.worker) return;
    this.stopWorker();
    if (this.restarts === 0) {
      this.restarts++;
      this.host.warn('worker-restart', `the engine worker stopped (${message || 'crash'}); restarting it once`);
      this.ready = null;
      void this.start();
    } else {
      this.state = 'failed';
      this.host.warn('engine-failed', `the engine worker stopped again (${message || 'crash'}); using popularity ranking`);
    }
  }

  private stopWorker(): void {
    this.remote?.[releaseProxy]();
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
    this.state = 'stopped';
  }

  /**
   * Runs a call on the worker within a time limit. A call that times out while the worker still answers
   * a ping is just slow (we answer without it this time); no answer to the ping means hung: restart once.
   */
  private async call<T>(fn: (remote: Remote<WorkerApi>) => Promise<T>, limit = this.timeouts.call): Promise<T | undefined> {
    const ready = await settleWithin(this.start(), this.timeouts.ready);
    if (!ready.done || !this.remote || this.state !== 'running') return undefined;
    const remote = this.remote;
    const result = await settleWithin(fn(remote), limit);
    if (result.done) {
      if (result.error) throw result.error;
      return result.value;
    }
    const ping = await settleWithin(remote.ping(), this.timeouts.ping);
    if (!ping.done && this.worker) this.onCrash(this.worker, 'it stopped answering');
    return undefined;
  }

  // ── EngineHost ───────────────────────────────────────────────────────────────────────────

  async recommend(options: RecommendOptions): Promise<RecommendResult> {
    const safe = sanitizeRecommendOptions(options);
    try {
      const result = await this.call((r) => r.recommend(safe));
      if (result) {
        this.host.emit('recommendations', result);
        return result as RecommendResult;
      }
    } catch (error) {
      this.host.warn('recommend', `recommend failed in the engine (${describe(error)}); using popularity ranking`);
    }
    return this.fallback.recommend(safe);
  }

  /** The shopper's segments in this taxonomy (embedded by the worker once per model and version). */
  async segments(taxonomy: Taxonomy): Promise<SegmentScore[]> {
    try {
      if (this.taxonomy?.version !== taxonomy.version) {
        this.taxonomy = taxonomy;
        await this.call((r) => r.setTaxonomy(taxonomy), 30_000);
      }
      return (await this.call((r) => r.segments())) ?? [];
    } catch (error) {
      this.host.warn('segments', `segments failed (${describe(error)})`);
      return [];
    }
  }

  notifyStored(): void {
    // Coalesce bursts of events into one profile update.
    if (this.refreshTimer || this.state !== 'running') return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.call((r) => r.refresh()).catch(() => {});
    }, 250);
  }

  /** This page's store changed (memory fallback, IndexedDB back, deleted by another tab): tell the worker where events are now. */
  storageChanged(): void {
    if (this.remote && this.state === 'running') void this.remote.setEventSource(this.eventSource()).catch(() => {});
  }

  async inspect(): Promise<Record<string, unknown>> {
    const base = { worker: this.state, restarts: this.restarts };
    if (!this.remote || this.state !== 'running') return base;
    const info = await settleWithin(this.remote.inspect(), this.timeouts.call);
    return info.done && !info.error ? { ...base, ...info.value } : base;
  }

  /**
   * Ends the worker (consent withdrawn, forget): it first lets go of its IndexedDB connection, so the
   * database can be deleted, then it is terminated. A grant starts a new client.
   */
  async stop(): Promise<void> {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    if (this.remote && this.state === 'running') await settleWithin(this.remote.forget(), this.timeouts.ping);
    this.stopWorker();
    this.state = 'failed'; // never restarted: this client is done
  }

}

type Settled<T> = { done: true; value?: T; error?: unknown } | { done: false };

/** Waits for a promise at most `ms`; never rejects. */
function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ done: false }), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ done: true, value });
      },
      (error) => {
        clearTimeout(timer);
        resolve({ done: true, error });
      },
    );
  });
}
