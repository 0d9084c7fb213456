// What the worker offers the page: the device's engine, whole. It keeps the shopper's data (storage/:
// IndexedDB, or memory for the page's life), follows it into the profile and ranks (engine.ts), draws
// and labels the experiment's arm (experiments/arms.ts), and sends the epoch's report (reports/sync.ts)
// from the segments it computes here. The page keeps only what must be synchronous or must work without
// a worker: validating and buffering events, the sessionStorage journal, consent, the popularity
// fallback, deleting everything (src/). engine.worker.ts serves this object to the page (rpc.ts); tests
// run it in-process.
//
// The worker exists only after a grant: the page starts it then and ends it on a denial or forget().
// Another tab's denial or forget() reaches it on the consent channel too, and stops every write here at
// once, before its own page has passed the news on.

import { catalogProblem } from '../core/catalog.ts';
import { armStrategy } from '../core/experiment-definition.ts';
import type { SavedShelf } from '../core/saved-shelf.ts';
import { KV_KEYS } from '../core/storage-names.ts';
import type { StoredEvent } from '../core/types.ts';
import { CONSENT_CHANNEL } from '../src/consent.ts';
import { eventUid } from '../src/storage/journal.ts';
import type { ConsentState, RecommendResult, SegmentScore, TacitEventName } from '../src/types.ts';
import { describe } from '../src/warn.ts';
import { Engine, type EngineConfig, type EngineDeps, type EventSourceKind, type RecommendRequest } from './engine.ts';
import { ExperimentArms } from './experiments/arms.ts';
import type { WorkerConfig, WorkerHost, WorkerSettings } from './host.ts';
import { ReportSync } from './reports/sync.ts';
import { checkSettings } from './settings.ts';
import { DeviceStorage } from './storage/device-storage.ts';
import type { NewEvent, Store } from './storage/store.ts';

export type { WorkerSettings } from './host.ts';
export type StorageKind = Store['kind'] | 'none';

/** What the worker tells the page (one-way messages, rpc.ts). */
export interface PageCallbacks {
  warn(code: string, message: string): void;
  emit(name: TacitEventName, detail: unknown): void;
  /** The device's storage changed: opened, failed over to memory, back on IndexedDB, let go. */
  storage(kind: StorageKind): void;
  /** The shopper's shelf as ranked now, for the page to keep for the next page (core/saved-shelf.ts). */
  shelf(shelf: SavedShelf): void;
}

/** The page's callbacks as one-way messages (rpc.ts pageMessenger); the page's client reads them by name. */
export function pageCallbacksOver(send: (event: string, ...args: unknown[]) => void): PageCallbacks {
  return {
    warn: (code, message) => send('warn', code, message),
    emit: (name, detail) => send('emit', name, detail),
    storage: (kind) => send('storage', kind),
    shelf: (shelf) => send('shelf', shelf),
  };
}

/** recommend() as the page asks it: the checked options, and the page (one shelf impression per page). */
export type WorkerRecommendRequest = RecommendRequest & { page?: string };

export type WorkerDeps = Pick<EngineDeps, 'createEmbedder' | 'fetch'> & {
  now?: () => number;
  random?: () => number;
};

type SyncResult = { sent: boolean; reason?: string; [key: string]: unknown };

/** Bursts of stored events become one profile update. */
const REFRESH_DELAY_MS = 250;

export function createWorkerApi(deps: WorkerDeps, page: PageCallbacks) {
  // Read through Date.now each time (not a captured reference), so a test can move the worker's clock.
  const now = deps.now ?? (() => Date.now());
  let consent: ConsentState = 'granted';
  let settings: WorkerConfig | null = null;
  let storage: DeviceStorage | null = null;
  let reports: ReportSync | null = null;
  let arms: ExperimentArms | null = null;
  let engineReady: Promise<void> = Promise.resolve();
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;

  const warn = (code: string, message: string) => page.warn(code, message);
  const emit = (name: TacitEventName, detail: unknown) => page.emit(name, detail);

  const engine = new Engine({
    ...deps,
    now,
    // The events while they are kept in memory (IndexedDB could not be opened here).
    memoryEvents: { events: async (afterSeq = 0) => (storage?.current?.kind === 'memory' ? storage.current.events(afterSeq) : []) },
    onProgress: (p) => emit('model-progress', p),
    onWarning: (message) => warn('engine', message),
    // (Not after a denial or forget(): stop() has cut the engine from the events by then.)
    onShelf: (shelf) => {
      if (consent === 'granted') page.shelf(shelf);
    },
  });

  const eventSource = (kind: StorageKind): EventSourceKind => (consent !== 'granted' || kind === 'none' ? 'none' : kind);

  const scheduleRefresh = () => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void engine.refresh();
    }, REFRESH_DELAY_MS);
  };

  /** The store, while consent holds (opened on first need), else an error the page's recorder retries on. */
  const openStore = async (): Promise<Store> => {
    if (consent !== 'granted' || !storage) throw new Error('no consent');
    return storage.open();
  };

  /** Appends in one transaction (events whose uid is stored already are skipped); their seqs. */
  const append = async (events: NewEvent[]): Promise<number[]> => {
    const store = await openStore();
    try {
      const seqs = await store.append(events, { skipExisting: true });
      storage!.writeSucceeded();
      scheduleRefresh();
      return seqs;
    } catch (error) {
      storage!.writeFailed(error);
      throw error;
    }
  };

  const segmentsIn = async (taxonomy: Parameters<Engine['setTaxonomy']>[0]) => {
    await engine.setTaxonomy(taxonomy);
    return engine.segments();
  };

  /** Stops everything that reads or writes the shopper's data; what is in memory goes with it. */
  const stop = () => {
    consent = consent === 'granted' ? 'denied' : consent;
    reports?.stop();
    reports = null;
    arms = null;
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = null;
    engine.setEventSource('none');
    engine.forget();
    storage?.close();
  };

  // A denial or forget() in any tab stops this worker at once (its page then ends it).
  try {
    if (typeof BroadcastChannel === 'function') {
      new BroadcastChannel(CONSENT_CHANNEL).onmessage = (event: MessageEvent) => {
        const data = event.data as { state?: string; forgotten?: boolean } | null;
        if (data?.state !== 'granted' || data.forgotten) stop();
      };
    }
  } catch {
    // no BroadcastChannel here: the page tells the worker itself
  }

  return {
    /**
     * Checks the settings only the worker uses (settings.ts), opens the device's storage, starts loading
     * the catalogue and the model, and starts the report sync when a server is configured. Resolves once
     * storage is usable (the engine keeps loading: engineReady()), with the settings' problems for the
     * page to warn about (once: a restarted worker finds them again).
     */
    async start(given: WorkerSettings): Promise<{ storage: StorageKind; configProblems: string[] }> {
      const { config, problems } = checkSettings(given);
      settings = config;
      const host: WorkerHost = { config, consent: () => consent, warn, emit, now };
      storage = new DeviceStorage({ warn, mayWrite: () => consent === 'granted', now }, config.retention);
      storage.onKindChange((kind) => {
        engine.setEventSource(eventSource(kind));
        page.storage(kind);
      });
      const kind = (await storage.open()).kind;
      const engineConfig: EngineConfig = {
        catalogUrl: config.catalog,
        catalogVectorsUrl: config.catalogVectors,
        model: config.model,
        ranking: config.ranking,
        segments: config.segments,
        events: eventSource(kind),
      };
      engineReady = engine.init(engineConfig);
      if (config.experiment) arms = new ExperimentArms(host, storage, (event, properties) => void append([{ uid: eventUid(), ts: now(), event, properties }]).catch(() => {}), deps.random);
      // Reports need no catalogue: without one the device has no segments and reports "none" in each slot.
      if (config.server) {
        reports = new ReportSync(host, storage, { segments: segmentsIn, fetch: deps.fetch, now, ...(deps.random ? { random: deps.random } : {}) });
        void reports.start().catch((error) => warn('report', `the report sync could not start: ${describe(error)}`));
      }
      return { storage: kind, configProblems: problems };
    },

    /**
     * Once the catalogue and the model are loaded (or failed): what the page warns about. The catalogue's
     * problem is worded here, so that the page needs no catalogue code while the worker runs.
     */
    async engineReady() {
      await engineReady;
      const info = engine.inspect();
      return { model: info.model, catalogProblem: info.catalog.error || catalogProblem(info.catalog.items, info.catalog.errors) };
    },

    append: (events: NewEvent[]) => append(events),

    /** The shopper granted consent: remembered here too, for browsers that block localStorage. */
    async rememberGrant(day: string): Promise<void> {
      const store = await openStore();
      try {
        await store.set(KV_KEYS.consent, { state: 'granted', day });
      } catch (error) {
        storage!.writeFailed(error);
      }
    },

    /** What export() shows: every stored event and state record. */
    async exportData(): Promise<{ storage: StorageKind; events: StoredEvent[]; state: Record<string, unknown> }> {
      const store = await openStore();
      const [events, state] = await Promise.all([store.events(), store.state()]);
      return { storage: store.kind, events, state };
    },

    /** The shelf: the arm's strategy when the device is in the experiment, labelled with its arm. */
    async recommend(request: WorkerRecommendRequest): Promise<RecommendResult> {
      const { page: pageUrl = '', ...options } = request;
      const assignment = arms ? await arms.assignment() : null;
      const control = assignment !== null && armStrategy(assignment.arm) === 'control';
      const result = (await engine.recommend(control ? { ...options, strategy: 'control' } : options)) as RecommendResult;
      // Configured but not taking part (consent came after the arm was due, or no valid experiment): null.
      return arms ? arms.label(result, assignment, pageUrl) : settings?.experiments.length ? { ...result, experiment: null } : result;
    },

    /** The shopper's segments in the server's taxonomy (none without a server or before its parameters). */
    async segments(): Promise<SegmentScore[]> {
      const taxonomy = await reports?.taxonomy();
      return taxonomy ? ((await segmentsIn(taxonomy)) as SegmentScore[]) : [];
    },

    /** tacit.sync(): what is due now (never early). */
    async sync(): Promise<SyncResult> {
      if (!reports) return { sent: false, reason: settings?.server ? 'no consent' : 'no server configured' };
      return (await reports.sync()) as SyncResult;
    },

    /** The page is hidden or going away: a due report goes out now (reports/sync.ts). */
    pageHidden(unloading: boolean): void {
      void reports?.pageHidden(unloading).catch(() => {});
    },

    inspect: () => ({ ...engine.inspect(), ...(reports?.inspect() ?? {}) }),

    /**
     * Consent withdrawn or forget(): stop reading and writing, drop everything held in memory and let go
     * of the database (the page deletes it, then ends this worker).
     */
    forget(): void {
      stop();
    },

    /** For fault tests and the watchdog: answers as soon as the worker's event loop is free. */
    ping: () => 'pong' as const,
  };
}

export type WorkerApi = ReturnType<typeof createWorkerApi>;
