// The Tacit SDK on the main thread: a thin facade. Each public call resolves its arguments and hands off:
// validation to events.ts, the config to config.ts, consent to consent.ts, events to the recorder
// (storage/recorder.ts: a buffer in memory, and the sessionStorage journal for pagehide), everything else
// to the worker, the device's engine, through its client (engine/client.ts): storing, ranking, the
// experiment's arm, segments, reports. The client is a separate chunk (parts.ts), loaded only after a
// grant: at init for a grant found then, else at first need; it gets a narrow Host (host.ts), never this
// class. Until the engine has loaded, the saved shelf answers (storage/saved-shelf.ts). Before a grant
// (and after a denial) no worker starts: recommend() answers popularity on the main thread
// (engine/fallback.ts), and nothing is stored or sent. forget() deletes the database from here
// (storage/page-database.ts), worker or not.

import { followPageViews } from './auto-page.ts';
import { CONSENT_STATES, ConsentChannel, dayOf, globalPrivacyControl, initialConsent, readConsentRecord, writeConsentRecord } from './consent.ts';
import { isObject, resolveConfig, type ResolvedConfig } from './config.ts';
import { validateEvent } from './events.ts';
import { Debug } from './debug.ts';
import type { Host } from './host.ts';
import { Listeners } from './listeners.ts';
import { PageShelves } from '../core/page-shelves.ts';
import { LazyParts } from './parts.ts';
import { clearJournal, eventUid, saveJournal, takeJournal } from './storage/journal.ts';
import { dropStoredGrant, eraseDeviceData, storedGrant } from './storage/page-database.ts';
import { PageSavedShelf, storedSavedShelf, writeSavedShelf } from './storage/saved-shelf.ts';
import { Recorder } from './storage/recorder.ts';
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
import { VERSION } from './version.ts';
import { Warnings, describe } from './warn.ts';

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
  readonly version = VERSION;
  readonly warnings = new Warnings();
  private readonly listeners = new Listeners(this.warnings);
  private readonly now: () => number;
  private config: Readonly<ResolvedConfig>;
  private initialized = false;
  private initDone: Promise<void> | null = null;
  private consentState: ConsentState = 'pending';
  private readonly recorder: Recorder;
  private readonly host: Host;
  private readonly parts: LazyParts;
  private readonly shelves = new PageShelves();
  /** The engine's shelf from an earlier page (storage/saved-shelf.ts). */
  private readonly savedShelf = new PageSavedShelf();
  private channel: ConsentChannel | null = null;
  /** debug: true's notes (calls, decisions, events) and the QA panel (debug.ts). */
  readonly debug: Debug;

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
    this.warnings.onReport = (error) => this.listeners.emit('error', error);
    this.debug = new Debug(() => this.config, this.listeners, this, this.host.warn);
    // A store in the worker (opened, failed over to memory, IndexedDB back again): write what waits.
    this.parts = new LazyParts(this.host, env.trustedTypesPolicy, {
      onStorage: (kind) => {
        if (kind !== 'none') this.recorder.requestFlush();
      },
      onShelf: (shelf) => {
        if (this.mayWrite()) writeSavedShelf(shelf);
      },
    });
    this.recorder = new Recorder({
      sink: () => (this.mayWrite() ? this.parts.sink() : null),
      onStored: (seqs) => this.listeners.emit('stored', { count: seqs.length, lastSeq: seqs[seqs.length - 1] }),
      // The worker warns about its storage itself; a worker that is not running has warned already.
      onError: () => {},
      onOverflow: (n) => this.warnings.report('buffer-full', `${n} event(s) dropped: more than 500 waiting for consent or storage`),
    });
  }

  get consentStatus(): ConsentState {
    return this.consentState;
  }

  get storageKind(): 'indexeddb' | 'memory' | 'none' {
    return this.parts.runningEngine?.storageKind ?? 'none';
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
    if (this.consentState !== 'granted') this.debug.decision(this.consentState === 'denied' ? 'track-dropped' : 'track-held', [result.event]);
    if (this.consentState === 'denied') return Promise.resolve();
    this.recorder.push({ uid: eventUid(), ts: this.now(), event: result.event, properties: result.properties });
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
    writeConsentRecord(null, this.now());
    await this.erase();
    await this.applyConsent(this.configuredConsent(), { forgotten: true });
  }

  async export(): Promise<ExportedData> {
    if (this.initDone) await this.initDone;
    // With consent the worker starts (if it has not yet) to read what earlier pages stored.
    const engine = this.mayWrite() ? await this.parts.engine() : null;
    await engine?.start();
    await this.recorder.flush();
    let events: ExportedData['events'] = [];
    let state: Record<string, unknown> = {};
    try {
      if (engine?.usable) ({ events, state } = await engine.exportData());
    } catch (error) {
      this.warnings.report('export-failed', `export: could not read storage: ${describe(error)}`);
    }
    const savedShelf = storedSavedShelf(); // kept for the next page (storage/saved-shelf.ts): stored data too
    return {
      format: 'tacit-export/1',
      exportedAt: new Date(this.now()).toISOString(),
      consent: this.consentState,
      storage: this.storageKind,
      events,
      state: savedShelf ? { ...state, savedShelf } : state,
    };
  }

  async recommend(options: RecommendOptions = {}): Promise<RecommendResult> {
    if (this.initDone) await this.initDone;
    if (!this.config.catalog) return { items: [], strategy: 'unavailable' };
    // Shelves of one page do not repeat each other: "Similar items" (a context) and the shopper's own.
    const page = typeof location !== 'undefined' ? location.href.split('#')[0] : '';
    const saved = this.answerFromSavedShelf(options, page);
    if (saved) return saved;
    // After a grant the worker answers (the main thread's fallback chunk is not even fetched); before, the fallback.
    const engine = await this.parts.engine();
    const fallback = engine ? null : await this.parts.fallback();
    const safe = (engine ?? fallback!).sanitize(options, (message) => this.warnings.report('invalid-options', message));
    const shelf = safe.context ? `similar:${safe.context.itemId}` : 'profile';
    const request = { ...safe, exclude: this.shelves.excludeFor(page, shelf, safe.exclude) };
    // In an experiment the worker answers with the arm's strategy and says the arm
    // (worker/experiments/arms.ts). No consent: no worker, no arm; popularity from the catalogue, here, at once.
    this.debug.decision(engine ? 'recommend-engine' : 'recommend-main-thread', { consent: this.consentState, request });
    const result = engine ? await engine.recommend({ ...request, page }) : await fallback!.recommend(request);
    this.shelves.record(page, shelf, result.items.map((r) => r.id));
    return engine || this.config.experiments.length === 0 ? result : { ...result, experiment: null };
  }

  async segments(): Promise<SegmentScore[]> {
    if (this.initDone) await this.initDone;
    const engine = await this.parts.engine();
    return engine ? engine.segments() : [];
  }

  async sync(): Promise<unknown> {
    if (this.initDone) await this.initDone;
    if (!this.config.server) return { sent: false, reason: 'no server configured' };
    const engine = await this.parts.engine();
    return engine ? engine.sync() : { sent: false, reason: 'no consent' };
  }

  async inspect(): Promise<Record<string, unknown>> {
    if (this.initDone) await this.initDone;
    const data = await this.export();
    const engine = (await this.parts.runningEngine?.inspect()) ?? {};
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

  /** Until the engine has loaded on this page, with consent, the saved shelf answers what it can exactly. */
  private answerFromSavedShelf(options: unknown, page: string): RecommendResult | null {
    if (this.parts.runningEngine?.loaded || !this.mayWrite()) return null;
    const answer = this.savedShelf.answer(options, this.shelves, page);
    if (answer) this.debug.decision('recommend-saved', { savedAt: answer.savedAt, options });
    return answer;
  }

  on(name: TacitEventName, listener: (detail: unknown) => void): () => void {
    return this.listeners.on(name, listener);
  }

  /** Writes everything buffered now. */
  flush(): Promise<void> {
    return this.writeBuffered();
  }

  /**
   * The page is hidden, or going away (`unloading`): journal what is unsaved, synchronously, then try to
   * write it; the worker sends a due report while an answer can still arrive.
   */
  onPageHide(unloading = false): void {
    if (this.consentState === 'granted') saveJournal(this.recorder.unsaved());
    void this.recorder.flush().catch(() => {});
    this.parts.runningEngine?.pageHidden(unloading);
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
    // The page view first, before the consent lookup below waits for anything: the page's own calls made
    // meanwhile come after it, as they happened. (Held in memory until consent is known, like any event.)
    if (this.config.autoPage) {
      void this.page();
      followPageViews(() => void this.page());
    }
    const gpc = globalPrivacyControl();
    const decision = initialConsent({
      configured: this.config.consent,
      remembered: gpc ? null : (readConsentRecord()?.state ?? ((await storedGrant()) ? 'granted' : null)),
      globalPrivacyControl: gpc,
      respectGlobalPrivacyControl: this.config.privacy.respectGlobalPrivacyControl,
    });
    this.debug.decision('configuration', this.config);
    this.debug.decision('consent', decision);
    this.channel = new ConsentChannel((state, forgotten) => void this.fromOtherTab(state, forgotten));
    await this.applyConsent(decision.state);
    // A grant found at init (remembered, or the shop's default) starts the worker now, while the page
    // loads, and reads the shelf the engine saved on the last page, which answers until it has loaded.
    if (this.consentState === 'granted') {
      if (this.config.catalog && this.config.experiments.length === 0) this.savedShelf.read(this.config.catalog);
      void this.parts.engine();
    }
    this.listeners.emit('ready', { consent: this.consentState, storage: this.storageKind });
  }

  /**
   * Whether writing is allowed now: consent granted here, and no other tab denied meanwhile. The
   * remembered decision is read again on every call (a tab frozen while another denied never got the
   * message); a denial found here is applied at once.
   */
  private mayWrite(): boolean {
    if (this.consentState !== 'granted') return false;
    if (readConsentRecord()?.state === 'denied') {
      void this.fromOtherTab('denied');
      return false;
    }
    return true;
  }

  /**
   * Another tab of this shop changed consent, or forgot everything: follow it, without remembering or
   * announcing it again. After a forget, what this tab still holds in memory (unsaved events, the
   * engine's profile) goes too, or it would write forgotten history back.
   */
  private async fromOtherTab(state: ConsentState, forgotten = false): Promise<void> {
    if (state === this.consentState && !forgotten) return;
    if (this.initDone) await this.initDone;
    if (forgotten) {
      this.savedShelf.drop();
      this.recorder.discard();
      clearJournal();
      await this.parts.stop();
    }
    await this.applyConsent(state, { fromOtherTab: true });
  }

  private configuredConsent(): ConsentState {
    return globalPrivacyControl() && this.config.privacy.respectGlobalPrivacyControl ? 'denied' : this.config.consent;
  }

  /** Deletes everything stored and stops the worker (a grant starts it again), from this page: worker or not. */
  private async erase(): Promise<void> {
    this.savedShelf.drop(true);
    this.recorder.discard();
    clearJournal();
    try {
      // The worker holds an IndexedDB connection: it lets go before the database is deleted.
      await this.parts.stop();
    } catch (error) {
      this.warnings.report('forget-engine', `forget: the engine did not stop cleanly: ${describe(error)}`);
    }
    await eraseDeviceData();
  }

  /**
   * `byShopper`: the shopper's own choice (through the shop's consent call), which is remembered and
   * announced to the other tabs; a configured default is not remembered. `fromOtherTab`: followed, not
   * remembered or announced again. The database is created only when there is something to write.
   */
  private async applyConsent(state: ConsentState, { byShopper = false, fromOtherTab = false, forgotten = false } = {}): Promise<void> {
    const previous = this.consentState;
    this.consentState = state;
    if (byShopper) {
      // Remembered before anything else happens, so a tab that checks before writing sees it at once.
      writeConsentRecord(state === 'pending' ? null : state, this.now());
    }
    if (byShopper || forgotten) this.channel?.announce(state, forgotten);
    if (state === 'granted') {
      if (byShopper) {
        // Also inside Tacit's own database, for browsers that block localStorage (the worker starts now).
        const day = dayOf(this.now());
        void this.parts.engine().then((engine) => engine?.rememberGrant(day)).catch(() => {});
      }
      // The previous page's unsaved events; written with the rest once the worker runs.
      this.recorder.restore(takeJournal());
      // (Again after a forget(): it stopped the worker.)
      if (this.initDone) this.parts.startWhenIdle();
    } else if (state === 'denied') {
      // Withdrawal deletes what was stored under the earlier grant, in this tab and (through the
      // announcement above) in every other.
      await this.erase();
    } else {
      // Pending: nothing is stored or sent; what was tracked waits in memory for a grant.
      await this.parts.stop().catch(() => {});
      // A grant remembered in the database is dropped when consent goes back to pending; at init there
      // is none (it would have granted), and no database is opened for nothing.
      if (previous !== 'pending') await dropStoredGrant();
    }
    if (previous !== state) this.listeners.emit('consent', { state, ...(fromOtherTab ? { fromOtherTab: true } : {}) });
  }

  /** Starts the worker (with consent) if there is anything to write, and writes it. */
  private async writeBuffered(): Promise<void> {
    if (!this.mayWrite() || (!this.parts.runningEngine && this.recorder.unsaved().length === 0)) return;
    await (await this.parts.engine())?.start();
    await this.recorder.flush();
  }
}
