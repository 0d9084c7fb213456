// The Tacit SDK on the main thread: validation, consent, storage. It stays small; the engine (worker,
// model) and the report sync are separate chunks loaded only when needed, after the page is idle.

import { CONSENT_KEY, globalPrivacyControl, initialConsent, readStoredGrant } from './consent.ts';
import { validateEvent } from './events.ts';
import { clearJournal, eventUid, saveJournal, takeJournal } from './journal.ts';
import { MemoryStore } from './memory-store.ts';
import { Recorder } from './recorder.ts';
import { DEFAULT_RETENTION, IndexedDBStore, deleteDatabase, type Retention, type Store } from './store.ts';
import type {
  ConsentState,
  ExportedData,
  Properties,
  RecommendOptions,
  RecommendResult,
  SegmentScore,
  TacitApi,
  TacitConfig,
  TacitEventName,
} from './types.ts';
import { Warnings, describe } from './warn.ts';

export const VERSION = '0.1.0';

const CONSENT_STATES: readonly ConsentState[] = ['granted', 'denied', 'pending'];

/** A Trusted Types policy that turns Tacit's own script URLs into TrustedScriptURLs. */
export interface TrustedUrlPolicy {
  createScriptURL(url: string): unknown;
}

export interface SdkEnvironment {
  now?: () => number;
  trustedTypesPolicy?: TrustedUrlPolicy;
  /** Where the SDK's own files are served (worker, ORT wasm, models). */
  baseUrl?: string;
}

/** Extension points filled by lazily loaded chunks (engine, sync). */
export interface EngineHost {
  recommend(options: RecommendOptions): Promise<RecommendResult>;
  segments(): Promise<SegmentScore[]>;
  sync(): Promise<unknown>;
  notifyStored(): void;
  inspect(): Promise<Record<string, unknown>>;
  forget(): Promise<void>;
  consentChanged(): void;
}

export class Tacit {
  readonly warnings = new Warnings();
  private config: TacitConfig = {};
  private initialized = false;
  private initDone: Promise<void> | null = null;
  private consentState: ConsentState = 'pending';
  private store: Store | null = null;
  private storeOpening: Promise<Store> | null = null;
  private recoveryTimer: ReturnType<typeof setTimeout> | null = null;
  private writeFailures = 0;
  private listeners = new Map<string, Set<(detail: unknown) => void>>();
  private readonly recorder: Recorder;
  private readonly now: () => number;
  private retention: Retention = DEFAULT_RETENTION;
  engine: EngineHost | null = null;
  private engineLoading: Promise<EngineHost | null> | null = null;

  constructor(private readonly env: SdkEnvironment = {}) {
    this.now = env.now ?? Date.now;
    this.recorder = new Recorder({
      store: () => (this.consentState === 'granted' ? this.store : null),
      onStored: (seqs) => {
        this.writeFailures = 0;
        this.emit('stored', { count: seqs.length, lastSeq: seqs[seqs.length - 1] });
        this.engine?.notifyStored();
      },
      onError: (error) => this.handleWriteError(error),
      onOverflow: (n) => this.warnings.report('buffer-full', `${n} event(s) dropped: more than 500 waiting for consent or storage`),
    });
  }

  get consentStatus(): ConsentState {
    return this.consentState;
  }

  get storageKind(): 'indexeddb' | 'memory' | 'none' {
    return this.store?.kind ?? 'none';
  }

  get settings(): Readonly<TacitConfig> {
    return this.config;
  }

  /** The store (opened on demand) while consent allows writing to it, else null. */
  async writableStore(): Promise<Store | null> {
    return this.consentState === 'granted' ? this.openStore() : null;
  }

  // ── public API ────────────────────────────────────────────────────────────────────────────────

  init(config: TacitConfig = {}): Promise<void> {
    if (this.initialized) {
      this.warnings.report('init-twice', 'init() was called more than once; the first configuration stays');
      return this.initDone ?? Promise.resolve();
    }
    this.initialized = true;
    this.initDone = this.start(config).catch((error) => this.warnings.report('init-failed', `init failed: ${describe(error)}`));
    return this.initDone;
  }

  track(event: string, properties?: Properties): Promise<void> {
    const result = validateEvent(event, properties);
    if (!result.ok) {
      this.warnings.report('invalid-event', result.error);
      return Promise.resolve();
    }
    for (const warning of result.warnings) this.warnings.report('event-cleaned', warning);
    if (this.consentState === 'denied') return Promise.resolve();
    this.recorder.push({ uid: eventUid(), ts: this.now(), event: result.event, properties: result.properties });
    if (this.consentState === 'granted' && !this.store && this.initDone) {
      void this.openStore().then(() => this.recorder.requestFlush());
    }
    return Promise.resolve();
  }

  page(properties: Properties = {}): Promise<void> {
    // The path only: query strings and fragments can carry e-mail addresses or tokens.
    const path = typeof location !== 'undefined' ? location.pathname : undefined;
    return this.track('Page Viewed', { path, ...(isObject(properties) ? properties : {}) });
  }

  async consent(state: ConsentState): Promise<ConsentState> {
    if (!CONSENT_STATES.includes(state)) {
      this.warnings.report('invalid-consent', `consent(state): state must be 'granted', 'denied' or 'pending', not ${JSON.stringify(state)}`);
      return this.consentState;
    }
    if (this.initDone) await this.initDone;
    if (state === 'granted' && globalPrivacyControl() && this.respectGpc()) {
      this.warnings.report(
        'gpc',
        'Global Privacy Control is on: consent stays denied (set privacy.respectGlobalPrivacyControl: false to let a grant override it)',
      );
      return this.consentState;
    }
    await this.applyConsent(state, { byShopper: true });
    return this.consentState;
  }

  /**
   * Deletes every byte Tacit stored, then starts over as on a first visit: consent returns to the
   * configured default (so with `consent: 'granted'` tracking continues into a fresh, empty store).
   */
  async forget(): Promise<void> {
    await this.erase();
    const initial = globalPrivacyControl() && this.respectGpc() ? 'denied' : (this.config.consent ?? 'pending');
    await this.applyConsent(initial);
  }

  private async erase(): Promise<void> {
    this.recorder.discard();
    clearJournal();
    try {
      await this.engine?.forget();
    } catch (error) {
      this.warnings.report('forget-engine', `forget: the engine did not reset cleanly: ${describe(error)}`);
    }
    // The current store, then the database itself (even when this page fell back to memory), then the
    // model cache: each step runs whatever happened to the one before.
    try {
      if (this.store) await this.store.clear();
    } catch (error) {
      this.warnings.report('forget-failed', `forget: could not clear ${this.store?.kind ?? 'storage'} (${describe(error)}); deleting the database`);
    }
    this.store?.close();
    this.store = null;
    this.storeOpening = null;
    if (this.recoveryTimer) clearTimeout(this.recoveryTimer);
    this.recoveryTimer = null;
    await deleteDatabase();
    await deleteCaches();
  }

  async export(): Promise<ExportedData> {
    if (this.initDone) await this.initDone;
    if (this.consentState === 'granted') await this.openStore();
    await this.recorder.flush();
    let events: ExportedData['events'] = [];
    let state: Record<string, unknown> = {};
    try {
      if (this.store) [events, state] = await Promise.all([this.store.events(), this.store.state()]);
    } catch (error) {
      this.warnings.report('export-failed', `export: could not read storage: ${describe(error)}`);
    }
    return {
      format: 'tacit-export/1',
      exportedAt: new Date(this.now()).toISOString(),
      consent: this.consentState,
      storage: this.storageKind,
      events,
      state,
    };
  }

  async recommend(options: RecommendOptions = {}): Promise<RecommendResult> {
    if (this.initDone) await this.initDone;
    const engine = await this.loadEngine();
    if (!engine) return { items: [], strategy: 'unavailable' };
    return engine.recommend(options);
  }

  async segments(): Promise<SegmentScore[]> {
    if (this.initDone) await this.initDone;
    const engine = await this.loadEngine();
    return engine ? engine.segments() : [];
  }

  async sync(): Promise<unknown> {
    if (this.initDone) await this.initDone;
    const engine = await this.loadEngine();
    return engine ? engine.sync() : { sent: false, reason: 'no catalogue configured' };
  }

  async inspect(): Promise<Record<string, unknown>> {
    if (this.initDone) await this.initDone;
    const data = await this.export();
    const engine = this.engine ? await this.engine.inspect() : {};
    return {
      version: VERSION,
      consent: this.consentState,
      storage: this.storageKind,
      events: data.events,
      unsavedEvents: this.recorder.pending.length,
      state: data.state,
      ...engine,
    };
  }

  on(name: TacitEventName, listener: (detail: unknown) => void): () => void {
    if (typeof listener !== 'function') {
      this.warnings.report('invalid-listener', `on("${String(name)}", listener): listener must be a function`);
      return () => {};
    }
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  emit(name: TacitEventName, detail: unknown): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        listener(detail);
      } catch (error) {
        this.warnings.report('listener-threw', `a listener for "${name}" threw: ${describe(error)}`);
      }
    }
  }

  /** Writes everything buffered now. */
  flush(): Promise<void> {
    return this.writeBuffered();
  }

  /** The page is going away (or hidden): journal what is unsaved, synchronously, then try to write it. */
  onPageHide(): void {
    if (this.consentState === 'granted') saveJournal(this.recorder.unsaved());
    void this.recorder.flush().catch(() => {});
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────

  private async start(config: TacitConfig): Promise<void> {
    this.config = normalizeConfig(config, this.warnings);
    this.warnings.onError = this.config.onError;
    const retention = this.config.retention ?? {};
    this.retention = {
      maxAgeMs: (retention.maxAgeDays ?? 90) * 24 * 3600 * 1000,
      maxEvents: retention.maxEvents ?? 5000,
    };
    const gpc = globalPrivacyControl();
    const decision = initialConsent({
      configured: this.config.consent ?? 'pending',
      storedGrant: !gpc && (await readStoredGrant()),
      globalPrivacyControl: gpc,
      respectGlobalPrivacyControl: this.respectGpc(),
    });
    await this.applyConsent(decision.state);
    this.emit('ready', { consent: this.consentState, storage: this.storageKind });
    // The engine (worker, model) starts only once the page is interactive and idle, or at first need.
    whenPageIdle(() => void this.loadEngine());
  }

  /** Loads the engine chunk (and the report sync when a server is configured), once. */
  private loadEngine(): Promise<EngineHost | null> {
    if (this.engine) return Promise.resolve(this.engine);
    if (!this.config.catalog) return Promise.resolve(null);
    this.engineLoading ??= (async () => {
      const { EngineClient } = await import('./engine-client.ts');
      const baseUrl = this.config.baseUrl ?? this.env.baseUrl ?? new URL('/tacit/', pageUrl()).href;
      const client = new EngineClient(this, new URL(baseUrl, pageUrl()).href, { trustedTypesPolicy: this.env.trustedTypesPolicy });
      this.engine = client;
      void client.start();
      if (this.config.server) {
        const { ReportSync } = await import('./sync.ts');
        const sync = new ReportSync(this, this.config.server, {
          store: () => this.writableStore(),
          segments: () => client.segments(),
          setTaxonomy: (taxonomy) => client.setTaxonomy(taxonomy),
        });
        client.attachSync(sync);
        void sync.refreshState().then(() => sync.start());
      }
      return client;
    })().catch((error) => {
      this.warnings.report('engine-load', `the engine could not be loaded (${describe(error)})`);
      return null;
    });
    return this.engineLoading;
  }

  private respectGpc(): boolean {
    return this.config.privacy?.respectGlobalPrivacyControl !== false;
  }

  /**
   * `byShopper`: the shopper's own choice (through the shop's consent call), which is remembered; a
   * configured default is not. The database is created only when there is something to write.
   */
  private async applyConsent(state: ConsentState, { byShopper = false } = {}): Promise<void> {
    const previous = this.consentState;
    this.consentState = state;
    if (state === 'granted') {
      if (byShopper) {
        try {
          await (await this.openStore()).set(CONSENT_KEY, { state: 'granted', day: dayOf(this.now()) });
        } catch (error) {
          this.handleWriteError(error);
        }
      }
      this.recorder.restore(takeJournal());
      await this.writeBuffered();
    } else if (state === 'denied') {
      // Withdrawal deletes what was stored under the earlier grant.
      await this.erase();
    } else if (this.store) {
      await this.store.delete(CONSENT_KEY).catch(() => {});
    }
    if (previous !== state) {
      this.engine?.consentChanged();
      this.emit('consent', { state });
    }
  }

  /** Opens the store if there is anything to write, then writes it. */
  private async writeBuffered(): Promise<void> {
    if (this.consentState !== 'granted') return;
    if (!this.store && this.recorder.unsaved().length === 0) return;
    await this.openStore();
    await this.recorder.flush();
  }

  private openStore(): Promise<Store> {
    if (this.store) return Promise.resolve(this.store);
    this.storeOpening ??= IndexedDBStore.open(this.retention, this.now)
      .catch((error): Store => {
        this.warnings.report('storage-fallback', `IndexedDB is unavailable (${describe(error)}); Tacit keeps data in memory for this page only`);
        this.scheduleRecovery();
        return new MemoryStore(this.retention, this.now);
      })
      .then((store) => (this.store = store));
    return this.storeOpening;
  }

  /**
   * While on the memory store, try IndexedDB again now and then (a blocking tab may close, a hiccup may
   * pass). When it opens, move what memory holds into it, so the page's events outlive the page.
   */
  private scheduleRecovery(delayMs = 1000): void {
    if (this.recoveryTimer || typeof indexedDB === 'undefined') return;
    this.recoveryTimer = setTimeout(async () => {
      this.recoveryTimer = null;
      const memory = this.store;
      if (!memory || memory.kind !== 'memory' || this.consentState !== 'granted') return;
      try {
        const database = await IndexedDBStore.open(this.retention, this.now);
        if (this.store !== memory) return database.close(); // forgotten or replaced meanwhile
        await database.append(await memory.events(), { skipExisting: true });
        for (const [key, value] of Object.entries(await memory.state())) await database.set(key, value);
        this.store = database;
        this.storeOpening = Promise.resolve(database);
        this.writeFailures = 0;
        this.recorder.requestFlush();
      } catch {
        this.scheduleRecovery(Math.min(60_000, delayMs * 2));
      }
    }, delayMs);
  }

  private handleWriteError(error: unknown): void {
    const store = this.store;
    this.warnings.report('storage-write', `could not write to ${store?.kind ?? 'storage'}: ${describe(error)}`);
    // A database that keeps failing (deleted under us, corrupted) is replaced by memory, so the page keeps
    // its data; one hiccup is not enough: the recorder retries first.
    if (store && store.kind === 'indexeddb' && !isTransient(error) && ++this.writeFailures >= 3) {
      this.store = new MemoryStore(this.retention, this.now);
      this.storeOpening = Promise.resolve(this.store);
      this.warnings.report('storage-fallback', 'IndexedDB failed; Tacit keeps data in memory for this page only');
      this.scheduleRecovery(5000);
    }
  }
}

function pageUrl(): string {
  return typeof location !== 'undefined' ? location.href : 'http://localhost/';
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

function isTransient(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || name === 'TransactionInactiveError' || name === 'AbortError';
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Cache Storage entries Tacit (through transformers.js) created: model files. */
export const CACHE_NAMES = ['transformers-cache', 'tacit-models'];

async function deleteCaches(): Promise<void> {
  try {
    if (typeof caches === 'undefined') return;
    await Promise.all(CACHE_NAMES.map((name) => caches.delete(name)));
  } catch {
    // Cache Storage can be unavailable (opaque origins, blocked storage): then nothing was cached.
  }
}

/** Keeps only well-typed settings; each bad one is reported and replaced by its default. */
export function normalizeConfig(input: unknown, warnings: Warnings): TacitConfig {
  if (!isObject(input)) {
    if (input !== undefined) warnings.report('invalid-config', 'init(config): config must be an object; using defaults');
    return {};
  }
  const config = { ...input } as TacitConfig & Record<string, unknown>;
  const bad = (key: string, why: string) => {
    warnings.report('invalid-config', `init(config): ${key} ${why}; using the default`);
    delete config[key];
  };
  for (const key of ['catalog', 'catalogVectors', 'server', 'baseUrl'] as const) {
    if (config[key] !== undefined && typeof config[key] !== 'string') bad(key, 'must be a URL string');
  }
  if (config.consent !== undefined && config.consent !== 'granted' && config.consent !== 'pending') {
    bad('consent', "must be 'granted' or 'pending'");
  }
  if (config.onError !== undefined && typeof config.onError !== 'function') bad('onError', 'must be a function');
  if (config.engineTimeoutMs !== undefined && !(typeof config.engineTimeoutMs === 'number' && config.engineTimeoutMs > 0)) {
    bad('engineTimeoutMs', 'must be a number of milliseconds > 0');
  }
  if (config.retention !== undefined) {
    const r = config.retention;
    const positive = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v > 0);
    if (!isObject(r) || !positive(r.maxAgeDays) || !positive(r.maxEvents)) {
      bad('retention', 'must be { maxAgeDays?: number > 0, maxEvents?: number > 0 }');
    }
  }
  for (const key of ['model', 'ranking', 'privacy', 'segments'] as const) {
    if (config[key] !== undefined && !isObject(config[key])) bad(key, 'must be an object');
  }
  return config;
}
