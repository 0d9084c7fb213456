// The main thread's side of the engine: starts the worker lazily, talks to it with comlink, and keeps
// the page working whatever happens to it. A worker that crashes or hangs is restarted once; after
// that, and whenever the engine is slow or has no model, recommendations come from a non-model
// ranking (popularity, then shop order) computed here from the catalogue.

import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import { validateCatalog } from '../core/catalog.ts';
import { fallbackRank } from '../core/rank.ts';
import { DEFAULT_MODEL_ID } from '../model/default.ts';
import type { CatalogItem } from '../core/types.ts';
import type { EngineConfig, Taxonomy } from '../worker/engine.ts';
import type { WorkerApi } from '../worker/engine.worker.ts';
import type { EngineHost, Tacit } from './sdk.ts';
import type { RecommendOptions, RecommendResult, SegmentScore } from './types.ts';
import { describe } from './warn.ts';


const TIMEOUTS = {
  /** Model download and compile can be slow on a first visit; calls wait this long for it. */
  ready: 8000,
  call: 8000,
  ping: 2000,
};

type WorkerState = 'stopped' | 'starting' | 'running' | 'failed';

/** The report sync, as the engine client sees it (src/sync.ts). */
export interface SyncHost {
  sync(): Promise<unknown>;
  inspect(): Record<string, unknown>;
  forget(): void;
}

export interface EngineClientOptions {
  /** Creates the worker; tests and unusual hosts can replace it. */
  createWorker?: () => Worker;
  /** The snippet's Trusted Types policy: on pages that enforce them, new Worker() needs a TrustedScriptURL. */
  trustedTypesPolicy?: { createScriptURL(url: string): unknown };
  timeouts?: Partial<typeof TIMEOUTS>;
}

export class EngineClient implements EngineHost {
  private worker: Worker | null = null;
  private remote: Remote<WorkerApi> | null = null;
  private state: WorkerState = 'stopped';
  private restarts = 0;
  private ready: Promise<void> | null = null;
  private fallbackItems: Promise<CatalogItem[]> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private taxonomy: Taxonomy | null = null;
  private modelReported = false;
  private readonly timeouts: typeof TIMEOUTS;
  private syncHost: SyncHost | null = null;

  constructor(
    private readonly sdk: Tacit,
    private readonly baseUrl: string,
    private readonly options: EngineClientOptions = {},
  ) {
    const configured = sdk.settings.engineTimeoutMs;
    const wait = typeof configured === 'number' && configured > 0 ? { ready: configured, call: configured } : {};
    this.timeouts = { ...TIMEOUTS, ...wait, ...options.timeouts };
  }

  attachSync(sync: SyncHost): void {
    this.syncHost = sync;
  }

  /** The engine's configuration, derived from the shop's init() config. */
  engineConfig(): EngineConfig {
    const c = this.sdk.settings;
    const model = c.model ?? {};
    return {
      catalogUrl: c.catalog ? new URL(c.catalog, pageUrl()).href : undefined,
      catalogVectorsUrl: c.catalogVectors ? new URL(c.catalogVectors, pageUrl()).href : undefined,
      model: {
        id: model.id ?? DEFAULT_MODEL_ID,
        dtype: model.dtype ?? 'q8',
        pooling: model.pooling,
        normalize: model.normalize,
        backend: model.backend ?? 'auto',
        baseUrl: sameOriginPath(new URL(model.baseUrl ?? 'models/', this.baseUrl)),
        remoteHost: model.remoteHost,
        wasmPaths: new URL('ort/', this.baseUrl).href,
      },
      ranking: c.ranking,
      segments: c.segments,
      persist: this.sdk.consentStatus === 'granted',
    };
  }

  /** Starts the worker and the model load, once (plus one restart after a crash). */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    const attempt: Promise<void> = this.launch().catch((error) => {
      // A crash during start-up may already have started the one restart: wait for that instead.
      if (this.ready !== attempt && this.ready) return this.ready;
      this.sdk.warnings.report('engine-failed', `the recommendation engine is unavailable (${describe(error)}); using popularity ranking`);
      this.stopWorker();
      this.state = 'failed';
    });
    this.ready = attempt;
    return attempt;
  }

  private async launch(): Promise<void> {
    this.state = 'starting';
    const url = new URL('worker.js', this.baseUrl).href;
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
    const onProgress = proxy((p: unknown) => this.sdk.emit('model-progress', p));
    const onWarning = proxy((message: string) => this.sdk.warnings.report('engine', message));
    await Promise.race([this.remote.init(this.engineConfig(), onProgress, onWarning), crashed]);
    this.state = 'running';
    const info = await this.remote.inspect();
    if (info.model.status === 'failed' && !this.modelReported) {
      this.modelReported = true;
      this.sdk.warnings.report('model-failed', `model "${info.model.id}" could not be loaded (${info.model.error}); using popularity ranking`);
    } else if (info.model.status === 'ready') {
      this.sdk.emit('model-ready', info.model);
    }
    if (info.catalog.error) this.sdk.warnings.report('catalog', info.catalog.error);
    else if (info.catalog.errors.length > 0) {
      this.sdk.warnings.report('catalog', `${info.catalog.errors.length} catalogue row(s) rejected, e.g. ${info.catalog.errors[0].message}`);
    }
    if (this.taxonomy) await this.remote.setTaxonomy(this.taxonomy);
  }

  private onCrash(worker: Worker, message: string): void {
    if (worker !== this.worker) return;
    this.stopWorker();
    if (this.restarts === 0) {
      this.restarts++;
      this.sdk.warnings.report('worker-restart', `the engine worker stopped (${message || 'crash'}); restarting it once`);
      this.ready = null;
      void this.start();
    } else {
      this.state = 'failed';
      this.sdk.warnings.report('engine-failed', `the engine worker stopped again (${message || 'crash'}); using popularity ranking`);
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
        this.sdk.emit('recommendations', result);
        return result as RecommendResult;
      }
    } catch (error) {
      this.sdk.warnings.report('recommend', `recommend failed in the engine (${describe(error)}); using popularity ranking`);
    }
    return this.fallback(safe);
  }

  private async fallback(options: ReturnType<typeof sanitizeRecommendOptions>): Promise<RecommendResult> {
    const items = await this.catalogOnMainThread();
    const result = fallbackRank(items, { limit: options.limit, exclude: options.exclude, contextItemId: options.context?.itemId });
    const byId = new Map(items.map((i) => [i.id, i]));
    return { items: result.items.map((r) => ({ ...r, item: byId.get(r.id) })), strategy: `fallback:${result.strategy}` };
  }

  private catalogOnMainThread(): Promise<CatalogItem[]> {
    const url = this.engineConfig().catalogUrl;
    this.fallbackItems ??= url
      ? fetch(url, { credentials: 'same-origin' })
          .then((r) => (r.ok ? r.json() : []))
          .then((json) => validateCatalog(json).items)
          .catch(() => [])
      : Promise.resolve([]);
    return this.fallbackItems;
  }

  async segments(): Promise<SegmentScore[]> {
    try {
      return (await this.call((r) => r.segments())) ?? [];
    } catch (error) {
      this.sdk.warnings.report('segments', `segments failed (${describe(error)})`);
      return [];
    }
  }

  async setTaxonomy(taxonomy: Taxonomy): Promise<void> {
    this.taxonomy = taxonomy;
    if (this.remote && this.state === 'running') await this.call((r) => r.setTaxonomy(taxonomy), 30_000);
  }

  sync(): Promise<unknown> {
    return this.syncHost ? this.syncHost.sync() : Promise.resolve({ sent: false, reason: 'no server configured' });
  }

  notifyStored(): void {
    // Coalesce bursts of events into one profile update.
    if (this.refreshTimer || this.state !== 'running') return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.call((r) => r.refresh()).catch(() => {});
    }, 250);
  }

  consentChanged(): void {
    const persist = this.sdk.consentStatus === 'granted';
    if (this.remote && this.state === 'running') void this.remote.setConsent(persist).catch(() => {});
  }

  async inspect(): Promise<Record<string, unknown>> {
    const base = { worker: this.state, restarts: this.restarts, ...(this.syncHost?.inspect() ?? {}) };
    if (!this.remote || this.state !== 'running') return base;
    const info = await settleWithin(this.remote.inspect(), this.timeouts.call);
    return info.done && !info.error ? { ...base, ...info.value } : base;
  }

  async forget(): Promise<void> {
    this.syncHost?.forget();
    // The worker holds an IndexedDB connection: it must let go before the database can be deleted.
    if (this.remote && this.state === 'running') await settleWithin(this.remote.forget(), this.timeouts.ping);
  }
}

/**
 * transformers.js only looks for local model files under a path: given an absolute http URL it silently
 * skips the tokenizer. Files on the page's origin are therefore passed as a path.
 */
function sameOriginPath(url: URL): string {
  return typeof location !== 'undefined' && url.origin === location.origin ? url.pathname : url.href;
}

function pageUrl(): string {
  return typeof location !== 'undefined' ? location.href : 'http://localhost/';
}

function sanitizeRecommendOptions(options: unknown) {
  const o = (typeof options === 'object' && options !== null ? options : {}) as RecommendOptions;
  const limit = typeof o.limit === 'number' && Number.isFinite(o.limit) ? Math.max(0, Math.min(100, Math.floor(o.limit))) : 10;
  const exclude = Array.isArray(o.exclude) ? o.exclude.filter((x) => typeof x === 'string' || typeof x === 'number').map(String).slice(0, 1000) : [];
  const ctx = o.context && typeof o.context === 'object' ? o.context : undefined;
  const context =
    ctx && (typeof ctx.itemId === 'string' || typeof ctx.itemId === 'number')
      ? { itemId: String(ctx.itemId), weight: typeof ctx.weight === 'number' && ctx.weight >= 0 && ctx.weight <= 1 ? ctx.weight : undefined }
      : undefined;
  return { limit, exclude, context };
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
