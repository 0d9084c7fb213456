// The Tacit SDK on the main thread: a thin facade. Each public call resolves its arguments and hands
// off: validation to events.ts, the config to config.ts, writes to the recorder and the one storage
// front door (storage/), recommendations and segments to the engine client (engine/), reports to the
// report sync (reports/). The engine and the report sync are separate chunks, loaded only when needed,
// after the page is idle; they get a narrow Host (host.ts), never this class.

import { CONSENT_STATES, globalPrivacyControl, initialConsent } from './consent.ts';
import { resolveConfig, type ResolvedConfig } from './config.ts';
import type { EngineClient } from './engine/client.ts';
import { validateEvent } from './events.ts';
import type { Host } from './host.ts';
import { Listeners } from './listeners.ts';
import type { ReportSync } from './reports/sync.ts';
import { DeviceStorage } from './storage/device-storage.ts';
import { clearJournal, eventUid, saveJournal, takeJournal } from './storage/journal.ts';
import { Recorder } from './storage/recorder.ts';
import { KV_KEYS } from './storage/schema.ts';
import type {
  ConsentState,
  ExportedData,
  Properties,
  RecommendOptions,
  RecommendResult,
  SegmentScore,
  TacitConfig,
  TacitEventName,
} from './types.ts';
import { Warnings, describe } from './warn.ts';

export const VERSION = '0.1.0';

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

export class Tacit {
  readonly warnings = new Warnings();
  private readonly listeners = new Listeners(this.warnings);
  private readonly now: () => number;
  private config: Readonly<ResolvedConfig>;
  private initialized = false;
  private initDone: Promise<void> | null = null;
  private consentState: ConsentState = 'pending';
  private readonly storage: DeviceStorage;
  private readonly recorder: Recorder;
  private readonly host: Host;
  private engine: EngineClient | null = null;
  private engineLoading: Promise<EngineClient | null> | null = null;
  private reports: ReportSync | null = null;
  private reportsLoading: Promise<ReportSync | null> | null = null;

  constructor(private readonly env: SdkEnvironment = {}) {
    this.now = env.now ?? Date.now;
    this.config = this.resolve(undefined);
    const self = this;
    this.host = {
      get config() {
        return self.config;
      },
      consent: () => this.consentState,
      warn: (code, message) => this.warnings.report(code, message),
      emit: (name, detail) => this.listeners.emit(name, detail),
      now: this.now,
    };
    this.storage = new DeviceStorage(
      { warn: this.host.warn, mayWrite: () => this.consentState === 'granted', now: this.now },
      { get maxAgeMs() { return self.config.retention.maxAgeMs; }, get maxEvents() { return self.config.retention.maxEvents; } },
    );
    this.recorder = new Recorder({
      store: () => (this.consentState === 'granted' ? this.storage.current : null),
      onStored: (seqs) => {
        this.storage.writeSucceeded();
        this.listeners.emit('stored', { count: seqs.length, lastSeq: seqs[seqs.length - 1] });
        this.engine?.notifyStored();
      },
      onError: (error) => this.storage.writeFailed(error),
      onOverflow: (n) => this.warnings.report('buffer-full', `${n} event(s) dropped: more than 500 waiting for consent or storage`),
    });
    // A new store (fallback to memory, IndexedDB back again): write what waits there, tell the engine.
    this.storage.onKindChange((kind) => {
      if (kind !== 'none') this.recorder.requestFlush();
      this.engine?.storageChanged();
    });
  }

  get consentStatus(): ConsentState {
    return this.consentState;
  }

  get storageKind(): 'indexeddb' | 'memory' | 'none' {
    return this.storage.kind;
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
    if (this.consentState === 'granted' && !this.storage.current && this.initDone) {
      void this.storage.open().then(() => this.recorder.requestFlush());
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
    if (state === 'granted' && globalPrivacyControl() && this.config.privacy.respectGlobalPrivacyControl) {
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
    await this.applyConsent(this.configuredConsent());
  }

  async export(): Promise<ExportedData> {
    if (this.initDone) await this.initDone;
    if (this.consentState === 'granted') await this.storage.open();
    await this.recorder.flush();
    let events: ExportedData['events'] = [];
    let state: Record<string, unknown> = {};
    const store = this.storage.current;
    try {
      if (store) [events, state] = await Promise.all([store.events(), store.state()]);
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
    const taxonomy = await (await this.loadReports())?.taxonomy();
    return engine && taxonomy ? engine.segments(taxonomy) : [];
  }

  async sync(): Promise<unknown> {
    if (this.initDone) await this.initDone;
    const reports = await this.loadReports();
    return reports ? reports.sync() : { sent: false, reason: 'no server configured' };
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
      ...(this.reports?.inspect() ?? {}),
    };
  }

  on(name: TacitEventName, listener: (detail: unknown) => void): () => void {
    return this.listeners.on(name, listener);
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

  private resolve(input: unknown): Readonly<ResolvedConfig> {
    return resolveConfig(input, {
      pageUrl: typeof location !== 'undefined' ? location.href : 'http://localhost/',
      scriptBaseUrl: this.env.baseUrl,
      warn: (code, message) => this.warnings.report(code, message),
    });
  }

  private async start(input: TacitConfig): Promise<void> {
    this.config = this.resolve(input);
    this.warnings.onError = this.config.onError ?? undefined;
    const gpc = globalPrivacyControl();
    const decision = initialConsent({
      configured: this.config.consent,
      storedGrant: !gpc && (await this.storage.storedGrant()),
      globalPrivacyControl: gpc,
      respectGlobalPrivacyControl: this.config.privacy.respectGlobalPrivacyControl,
    });
    await this.applyConsent(decision.state);
    this.listeners.emit('ready', { consent: this.consentState, storage: this.storageKind });
    // The engine (worker, model) and the report sync start only once the page is interactive and idle,
    // or at first need.
    whenPageIdle(() => {
      void this.loadEngine();
      void this.loadReports();
    });
  }

  private configuredConsent(): ConsentState {
    return globalPrivacyControl() && this.config.privacy.respectGlobalPrivacyControl ? 'denied' : this.config.consent;
  }

  /** The engine client chunk, once; none without a catalogue. */
  private loadEngine(): Promise<EngineClient | null> {
    if (this.engine) return Promise.resolve(this.engine);
    if (!this.config.catalog) return Promise.resolve(null);
    this.engineLoading ??= import('./engine/client.ts')
      .then(({ EngineClient }) => {
        const client = new EngineClient(this.host, this.storage, { trustedTypesPolicy: this.env.trustedTypesPolicy });
        this.engine = client;
        void client.start();
        return client;
      })
      .catch((error) => {
        this.warnings.report('engine-load', `the engine could not be loaded (${describe(error)})`);
        return null;
      });
    return this.engineLoading;
  }

  /** The report sync chunk, once; none without a server. Segments come from the engine when there is one. */
  private loadReports(): Promise<ReportSync | null> {
    if (this.reports) return Promise.resolve(this.reports);
    if (!this.config.server) return Promise.resolve(null);
    this.reportsLoading ??= import('./reports/sync.ts')
      .then(({ ReportSync }) => {
        const reports = new ReportSync(this.host, this.storage, {
          segments: async (taxonomy) => (await this.loadEngine())?.segments(taxonomy) ?? [],
        });
        this.reports = reports;
        void reports.start();
        return reports;
      })
      .catch((error) => {
        this.warnings.report('reports-load', `the report sync could not be loaded (${describe(error)})`);
        return null;
      });
    return this.reportsLoading;
  }

  private async erase(): Promise<void> {
    this.recorder.discard();
    clearJournal();
    this.reports?.forget();
    try {
      await this.engine?.forget();
    } catch (error) {
      this.warnings.report('forget-engine', `forget: the engine did not reset cleanly: ${describe(error)}`);
    }
    await this.storage.erase();
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
          await (await this.storage.open()).set(KV_KEYS.consent, { state: 'granted', day: dayOf(this.now()) });
        } catch (error) {
          this.storage.writeFailed(error);
        }
      }
      this.recorder.restore(takeJournal());
      await this.writeBuffered();
    } else if (state === 'denied') {
      // Withdrawal deletes what was stored under the earlier grant.
      await this.erase();
    } else {
      await this.storage.current?.delete(KV_KEYS.consent).catch(() => {});
    }
    if (previous !== state) {
      this.engine?.consentChanged();
      this.listeners.emit('consent', { state });
    }
  }

  /** Opens the store if there is anything to write, then writes it. */
  private async writeBuffered(): Promise<void> {
    if (this.consentState !== 'granted') return;
    if (!this.storage.current && this.recorder.unsaved().length === 0) return;
    await this.storage.open();
    await this.recorder.flush();
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

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
