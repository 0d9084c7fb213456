// The main thread's side of the worker, which is the device's engine (worker/worker-api.ts): it keeps
// the shopper's data, ranks, draws the experiment's arm and sends the reports. This client starts the
// worker lazily, calls it by name (worker/rpc.ts), and keeps the page working whatever happens to it. A worker
// that crashes or hangs is restarted once; after that, and whenever the engine is slow or has no model,
// recommendations come from a non-model ranking (popularity, then shop order) computed here from the
// catalogue (fallback.ts), and the page's events wait in its memory (src/storage/recorder.ts).

import { builtFile } from '../../core/built-files.ts';
import type { SavedShelf } from '../../core/saved-shelf.ts';
import { RpcClient } from '../../worker/rpc.ts';
import type { NewEvent } from '../../worker/storage/store.ts';
import type { StorageKind, WorkerApi, WorkerRecommendRequest, WorkerSettings } from '../../worker/worker-api.ts';
import type { TacitEventName } from '../types.ts';
import type { Host } from '../host.ts';
import type { EventSink } from '../storage/recorder.ts';
import type { ExportedData, RecommendResult, SegmentScore } from '../types.ts';
import { describe } from '../warn.ts';
import type { MainThreadFallback } from './fallback.ts';
import { sanitizeRecommendOptions, type SafeRecommendOptions } from './recommend-options.ts';

const TIMEOUTS = {
  /** Model download and compile can be slow on a first visit; calls wait this long for it. */
  ready: 8000,
  call: 8000,
  ping: 2000,
  /** A report may wait for a token exchange and a relay (each given up by the worker within 25 s). */
  sync: 60_000,
};

type WorkerState = 'stopped' | 'starting' | 'running' | 'failed';

export interface EngineClientOptions {
  /** Creates the worker; tests and unusual hosts can replace it. */
  createWorker?: () => Worker;
  /** The snippet's Trusted Types policy: on pages that enforce them, new Worker() needs a TrustedScriptURL. */
  trustedTypesPolicy?: { createScriptURL(url: string): unknown };
  timeouts?: Partial<typeof TIMEOUTS>;
  /** The worker's storage changed kind (the page then writes what waits, and reports the kind). */
  onStorage?: (kind: StorageKind) => void;
  /** The engine ranked the shopper's shelf again: the page keeps it for the next page (core/saved-shelf.ts). */
  onShelf?: (shelf: SavedShelf) => void;
}

export class EngineClient implements EventSink {
  private worker: Worker | null = null;
  private remote: Remote | null = null;
  private state: WorkerState = 'stopped';
  private restarts = 0;
  private ready: Promise<void> | null = null;
  /** Settles when the worker's catalogue and model are loaded (or failed). */
  private engineLoaded: Promise<void> = Promise.resolve();
  private modelReported = false;
  private engineIsLoaded = false;
  private readonly timeouts: typeof TIMEOUTS;
  /** Where the device's data is kept now, as the worker last said. */
  storageKind: StorageKind = 'none';

  constructor(
    private readonly host: Host,
    /** The main thread's popularity ranking (its own chunk, loaded only when the worker cannot answer). */
    private readonly fallback: () => Promise<MainThreadFallback>,
    private readonly options: EngineClientOptions = {},
  ) {
    const configured = host.config.engineTimeoutMs;
    this.timeouts = { ...TIMEOUTS, ready: configured, call: configured, ...options.timeouts };
  }

  /** Whether the worker's engine has loaded its catalogue (and model or vector file) on this page. */
  get loaded(): boolean {
    return this.engineIsLoaded;
  }

  /** Whether it can take events: started or starting, not failed for good. */
  get usable(): boolean {
    return this.state !== 'failed';
  }

  /** The worker's settings: the resolved config, less the shop's onError (a function stays on the page). */
  private settings(): WorkerSettings {
    const { onError: _onError, ...settings } = this.host.config;
    return settings;
  }

  /** Starts the worker, once (plus one restart after a crash); resolves when its storage is usable. */
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
    // What the worker tells the page (worker/worker-api.ts PageCallbacks).
    const remote: Remote = new RpcClient(worker, (name, args) => {
      if (name === 'warn') this.host.warn(String(args[0]), String(args[1]));
      else if (name === 'emit') this.host.emit(args[0] as TacitEventName, args[1]);
      else if (name === 'storage') this.storageChanged(args[0] as StorageKind);
      else if (name === 'shelf') this.options.onShelf?.(args[0] as SavedShelf);
    });
    this.remote = remote;
    const started = await Promise.race([remote.call('start', this.settings()), crashed]);
    this.state = 'running';
    // The settings only the worker checks (worker/settings.ts): warned about once, not again on a restart.
    if (this.restarts === 0) for (const problem of started.configProblems) this.host.warn('invalid-config', problem);
    this.storageChanged(started.storage);
    this.engineLoaded = remote.call('engineReady').then((info) => this.reportEngine(info), () => {});
  }

  /** What the page hears once the catalogue and the model are loaded: a ready model, or why not. */
  private reportEngine(info: Awaited<ReturnType<WorkerApi['engineReady']>>): void {
    this.engineIsLoaded = true;
    if (info.model.status === 'failed' && !this.modelReported) {
      this.modelReported = true;
      this.host.warn('model-failed', `model "${info.model.id}" could not be loaded (${info.model.error}); using popularity ranking`);
    } else if (info.model.status === 'ready') {
      this.host.emit('model-ready', info.model);
    }
    // Without a catalogue (a shop that only reports) there is nothing to warn about.
    if (!this.host.config.catalog) return;
    if (info.catalogProblem) this.host.warn('catalog', info.catalogProblem);
  }

  private storageChanged(kind: StorageKind): void {
    this.storageKind = kind;
    this.options.onStorage?.(kind);
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
    this.remote?.close(new Error('the engine worker stopped'));
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
    this.storageChanged('none');
    this.state = 'stopped';
  }

  /**
   * Runs a call on the worker within a time limit. A call that times out while the worker still answers
   * a ping is just slow (we answer without it this time); no answer to the ping means hung: restart once.
   * `engine`: the call needs the catalogue and model, which may still be loading (the wait for them counts
   * against the `ready` limit, as on a first visit).
   */
  private async call<T>(fn: (remote: Remote) => Promise<T>, { limit = this.timeouts.call, engine = false } = {}): Promise<Settled<T>> {
    const ready = await settleWithin(engine ? this.start().then(() => this.engineLoaded) : this.start(), this.timeouts.ready);
    if (!ready.done || !this.remote || this.state !== 'running') return { done: false };
    const remote = this.remote;
    const result = await settleWithin(fn(remote), limit);
    if (result.done) return result;
    const ping = await settleWithin(remote.call('ping'), this.timeouts.ping);
    if (!ping.done && this.worker && this.remote === remote) this.onCrash(this.worker, 'it stopped answering');
    return result;
  }

  /** A call whose failure the caller must see (a write, an export): an error instead of undefined. */
  private async must<T>(what: string, fn: (remote: Remote) => Promise<T>): Promise<T> {
    const result = await this.call(fn);
    if (!result.done) throw new Error(`${what}: the engine worker is ${this.state === 'running' ? 'not answering' : 'not running'}`);
    if ('error' in result) throw result.error;
    return result.value as T;
  }

  // ── storage (EventSink) ──────────────────────────────────────────────────────────────────

  /** Stores a batch of events (one transaction in the worker; events already stored are skipped). */
  append(events: NewEvent[]): Promise<number[]> {
    return this.must('storing events', (r) => r.call('append', events));
  }

  rememberGrant(day: string): Promise<void> {
    return this.must('remembering the grant', (r) => r.call('rememberGrant', day));
  }

  exportData(): Promise<Pick<ExportedData, 'storage' | 'events' | 'state'>> {
    return this.must('reading storage', (r) => r.call('exportData'));
  }

  // ── engine ─────────────────────────────────────────────────────────────────────────────

  /** recommend()'s options as the engine expects them, each bad one warned (as MainThreadFallback.sanitize). */
  sanitize(options: unknown, warn: (message: string) => void): SafeRecommendOptions {
    return sanitizeRecommendOptions(options, warn);
  }

  async recommend(options: WorkerRecommendRequest): Promise<RecommendResult> {
    const safe = { ...sanitizeRecommendOptions(options), ...(options.page === undefined ? {} : { page: options.page }) };
    const result = await this.call((r) => r.call('recommend', safe), { engine: true });
    if (result.done && !('error' in result)) {
      this.host.emit('recommendations', result.value);
      return result.value as RecommendResult;
    }
    if (result.done) this.host.warn('recommend', `recommend failed in the engine (${describe(result.error)}); using popularity ranking`);
    const fallback = await (await this.fallback()).recommend(safe);
    // Answered without the worker: no arm this time (worker/experiments/arms.ts).
    return this.host.config.experiments.length > 0 ? { ...fallback, experiment: null } : fallback;
  }

  /** The shopper's segments in the server's taxonomy (embedded by the worker once per model and version). */
  async segments(): Promise<SegmentScore[]> {
    const result = await this.call((r) => r.call('segments'), { limit: 30_000, engine: true });
    if (result.done && 'error' in result) this.host.warn('segments', `segments failed (${describe(result.error)})`);
    return result.done && !('error' in result) ? (result.value as SegmentScore[]) : [];
  }

  async sync(): Promise<unknown> {
    const result = await this.call((r) => r.call('sync'), { limit: this.timeouts.sync });
    if (result.done) return 'error' in result ? { sent: false, reason: describe(result.error) } : result.value;
    return { sent: false, reason: `the engine worker is ${this.state === 'running' ? 'not answering' : 'not running'}` };
  }

  /** The page is hidden or going away: the worker sends a due report while it still can. */
  pageHidden(unloading: boolean): void {
    if (this.remote && this.state === 'running') void this.remote.call('pageHidden', unloading).catch(() => {});
  }

  async inspect(): Promise<Record<string, unknown>> {
    const base = { worker: this.state, restarts: this.restarts };
    if (!this.remote || this.state !== 'running') return base;
    const info = await settleWithin(this.remote.call('inspect'), this.timeouts.call);
    return info.done && !('error' in info) ? { ...base, ...info.value } : base;
  }

  /**
   * Ends the worker (consent withdrawn, forget): it first stops and lets go of its IndexedDB connection,
   * so the database can be deleted, then it is terminated. A grant starts a new client.
   */
  async stop(): Promise<void> {
    if (this.remote && this.state === 'running') await settleWithin(this.remote.call('forget'), this.timeouts.ping);
    this.stopWorker();
    this.state = 'failed'; // never restarted: this client is done
  }
}

type Remote = RpcClient<WorkerApi>;

type Settled<T> = { done: true; value: T } | { done: true; error: unknown } | { done: false };

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
