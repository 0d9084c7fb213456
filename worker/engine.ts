// The on-device engine: it orchestrates. The catalogue comes from core/catalog.ts, item vectors from
// item-vectors.ts, the shopper's profile from profile-store.ts, the store from engine-store.ts, the model
// from the embedder it is given; ranking and segments are core/ functions. It runs in the Web Worker
// (worker-api.ts serves it to the page) and, with Node's embedder and fake-indexeddb, in tests and the CLI.
//
// Raw events never leave this engine: it reads them from the device's storage (IndexedDB or its memory
// store) and returns only rankings and segment scores.

import { unknownContextItem, validateCatalog } from '../core/catalog.ts';
import type { Embedder } from '../core/embedder.ts';
import { contributionsAt, profileVector } from '../core/profile.ts';
import { fallbackRank, type RankResult } from '../core/popularity.ts';
import { rank } from '../core/rank.ts';
import { assignSegments, type SegmentMatch } from '../core/segments.ts';
import type { CatalogError, CatalogItem, Recommendation } from '../core/types.ts';
import { VectorMatrix } from '../core/vectors.ts';
import type { NeighbourIndex } from '../core/neighbours.ts';
import { DEFAULT_RANKING, type ResolvedRanking } from '../core/ranking-config.ts';
import { SAVED_SHELF_SIZE, type SavedShelf } from '../core/saved-shelf.ts';
import type { Taxonomy } from '../protocol/taxonomy.ts';
import { IndexedDBStore } from './storage/indexeddb-store.ts';
import type { EventLog } from './storage/store.ts';
import type { EmbedderOptions, EmbedderProgress } from './embedder.ts';
import type { ModelExtras } from './model-loader.ts';
import { fetchVectorFile, loadItemVectors, neighboursOf, shopWordsOf, type VectorSource } from './item-vectors.ts';
import { LazyModel } from './lazy-model.ts';
import { ProfileStore } from './profile-store.ts';
import { EngineStoreConnection, type EngineStore } from './engine-store.ts';

/**
 * Where the shopper's events are: in IndexedDB (read here, through the storage module), in the device
 * storage's memory store (IndexedDB could not be opened), or nowhere the engine may read (no consent).
 */
export type EventSourceKind = 'indexeddb' | 'memory' | 'none';

export interface EngineConfig {
  catalogUrl: string | null;
  catalogVectorsUrl: string | null;
  /** The embedder's settings, as the SDK's config resolved them (backend and progress are the engine's). */
  model: Omit<EmbedderOptions, 'onProgress'>;
  /** The resolved ranking settings (default: core's DEFAULT_RANKING). */
  ranking?: ResolvedRanking;
  segments?: { maxSegments?: number; threshold?: number };
  events: EventSourceKind;
}

/** What recommend() asks the engine (the SDK has checked and cut every field). */
export interface RecommendRequest {
  limit?: number;
  exclude?: string[];
  /** Leave out every item the shopper interacted with (default: the ranking config's excludeSeen). */
  excludeSeen?: boolean;
  context?: { itemId?: string; weight?: number };
  /** 'control': an experiment's control arm (core/experiments.ts), the fallback ranking with the same shelf rules. */
  strategy?: 'control';
}

/** A ranking as recommend() returns it. */
export type RankedShelf = { items: Recommendation[]; strategy: string; limitedBy?: string };

export type { EngineStore };

export interface EngineDeps {
  /** Creates the model's embedder (worker/model-loader.ts picks the static path or transformers.js). */
  createEmbedder(options: EmbedderOptions, extras?: ModelExtras): Promise<Embedder>;
  fetch: typeof fetch;
  /** Opens the device's store in this worker. Default: the storage module's IndexedDB store. */
  openStore?: () => Promise<EngineStore>;
  /** The events kept in memory, for EventSourceKind 'memory'. */
  memoryEvents?: EventLog;
  now?: () => number;
  onProgress?: (progress: EmbedderProgress) => void;
  /** A problem the page should hear about once (the engine itself keeps working). */
  onWarning?: (message: string) => void;
  /** The shopper's shelf, ranked again for the next page's first answers (core/saved-shelf.ts). */
  onShelf?: (shelf: SavedShelf) => void;
}

type ModelStatus = 'idle' | 'loading' | 'ready' | 'failed';

/** The engine only reads events and keeps its own records; retention applies where events are appended (worker/storage/). */
const READ_ONLY = { maxAgeMs: Number.POSITIVE_INFINITY, maxEvents: Number.POSITIVE_INFINITY };

export class Engine {
  private config!: EngineConfig;
  private model!: LazyModel;
  private items: CatalogItem[] = [];
  private rowOf = new Map<string, number>();
  private matrix: VectorMatrix | null = null;
  /** Co-occurrence neighbours from the shop's order log, shipped in its vector file (any model). */
  private neighbours: NeighbourIndex | null = null;
  private shopper: ProfileStore | null = null;
  private queryVectors = new Map<string, Float32Array>();
  private taxonomy: Taxonomy | null = null;
  private segmentMatrix: VectorMatrix | null = null;
  private readonly store: EngineStoreConnection;
  private readyPromise: Promise<void> | null = null;
  private refreshing: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  readonly info = {
    status: 'idle' as ModelStatus,
    modelId: '',
    error: '' as string,
    catalog: { items: 0, errors: [] as CatalogError[], vectors: '' as VectorSource | '', error: '' },
    timings: { rankMs: 0, profileMs: 0, lastRecommendMs: 0, catalogMs: 0 },
    lastRecommendations: null as Recommendation[] | null,
    lastSegments: [] as SegmentMatch[],
  };

  constructor(private readonly deps: EngineDeps) {
    this.now = deps.now ?? Date.now;
    this.store = new EngineStoreConnection(deps.openStore ?? (() => IndexedDBStore.open(READ_ONLY, this.now)));
  }

  /** Loads catalogue and model. Never rejects: a failed model leaves the fallback ranking working. */
  init(config: EngineConfig): Promise<void> {
    this.config = config;
    this.model ??= new LazyModel(config.model, { ...this.deps, now: this.now });
    this.readyPromise ??= this.load();
    return this.readyPromise;
  }

  /** Consent or the device's storage changed: read events from there from now on, starting afresh. */
  setEventSource(events: EventSourceKind): void {
    if (!this.config || this.config.events === events) return;
    this.config.events = events;
    this.forget();
  }

  private async load(): Promise<void> {
    const started = this.now();
    // The catalogue, the shop's vector file and the device's store are independent: on a warm visit each
    // is a cache or disk read, so they are asked for at once rather than one after the other.
    const vectorFile = this.config.catalogVectorsUrl ? fetchVectorFile(this.deps.fetch, this.config.catalogVectorsUrl) : Promise.resolve(null);
    void this.openStore();
    await this.loadCatalog();
    this.info.timings.catalogMs = this.now() - started;
    if (this.items.length === 0) return;
    this.info.status = 'loading';
    this.info.modelId = this.config.model.model;
    try {
      const file = await vectorFile;
      const warn = (message: string) => this.deps.onWarning?.(message);
      this.neighbours = file ? neighboursOf(file, this.items, warn) : null;
      const ours = file && file.modelId === this.config.model.model ? file : null;
      this.model.shopWords = ours ? shopWordsOf(ours, warn) : undefined;
      // With the shop's vectors made by this model, nothing needs the model yet (lazy-model.ts).
      if (ours) this.model.shape = { modelId: ours.modelId, dtype: this.config.model.dtype ?? 'q8', dim: ours.dim };
      else await this.model.load();
      const { matrix, source } = await loadItemVectors({
        items: this.items,
        embedder: this.model.shape!,
        file,
        cache: await this.openStore(),
        embed: (texts) => this.model.embed(texts),
      });
      this.matrix = matrix;
      this.info.catalog.vectors = source;
      this.info.status = 'ready';
      // The saved profile and the events since are read now, before the first call needs them; the saved
      // shelf is ranked again from this page's catalogue.
      void this.refresh().then(() => this.saveShelf());
    } catch (error) {
      this.matrix = null;
      this.info.status = 'failed';
      this.info.error = error instanceof Error ? error.message : String(error);
    }
  }

  private get ranking(): ResolvedRanking {
    return this.config.ranking ?? DEFAULT_RANKING;
  }

  private async loadCatalog(): Promise<void> {
    if (!this.config.catalogUrl) {
      this.info.catalog.error = 'no catalogue configured (init({ catalog }))';
      return;
    }
    try {
      const response = await this.deps.fetch(this.config.catalogUrl, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${this.config.catalogUrl}`);
      const { items, errors } = validateCatalog(await response.json());
      this.items = items;
      this.info.catalog.items = items.length;
      this.info.catalog.errors = errors.slice(0, 50);
      this.rowOf = new Map(items.map((item, i) => [item.id, i]));
    } catch (error) {
      this.info.catalog.error = `catalogue could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** The device's store in this worker, while the shopper's events live in IndexedDB (consent given). */
  private openStore(): Promise<EngineStore | null> {
    return this.config.events === 'indexeddb' ? this.store.get() : Promise.resolve(null);
  }

  /** Where the shopper's events are read from now, or null when the engine may not read them. */
  private async eventLog(): Promise<EventLog | null> {
    switch (this.config.events) {
      case 'indexeddb':
        return this.openStore();
      case 'memory':
        return this.deps.memoryEvents ?? null;
      default:
        return null;
    }
  }

  // ── profile ────────────────────────────────────────────────────────────────────────────────

  /** Applies the events stored since the profile's last update (serialised). */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.applyNewEvents()).catch(() => {});
    return this.refreshing;
  }

  private async applyNewEvents(): Promise<void> {
    const shape = this.model?.shape;
    if (!this.matrix || !shape) return;
    const log = await this.eventLog();
    if (!log) return;
    const start = performance.now();
    this.shopper ??= new ProfileStore({
      modelId: shape.modelId,
      dim: shape.dim,
      halfLifeMs: this.ranking.halfLifeDays * 24 * 3600 * 1000,
      weights: this.ranking.weights,
    });
    const shopper = this.shopper;
    const row = new Float32Array(shape.dim);
    const changed = await shopper.update(
      log,
      this.config.events === 'indexeddb' ? await this.openStore() : null,
      (i) => {
        if (i.query !== undefined) return this.queryVectors.get(i.query) ?? null;
        const r = i.itemId === undefined ? undefined : this.rowOf.get(i.itemId);
        return r === undefined ? null : this.matrix!.row(r, row);
      },
      async (events) => {
        const queries = shopper.queriesIn(events, (q) => this.queryVectors.has(q));
        if (queries.length === 0) return;
        const vectors = await this.model.embed(queries);
        queries.forEach((q, k) => this.queryVectors.set(q, vectors[k]));
      },
    );
    if (changed) {
      this.info.timings.profileMs = performance.now() - start;
      await this.saveShelf();
    }
  }

  // ── ranking and segments ─────────────────────────────────────────────────────────────────

  async recommend(options: RecommendRequest = {}): Promise<RankedShelf> {
    const start = performance.now();
    await this.readyPromise;
    await this.refresh();
    const answer = this.rankNow(options);
    this.info.timings.lastRecommendMs = performance.now() - start;
    this.info.lastRecommendations = answer.items;
    return answer;
  }

  /**
   * Ranks the shopper's own shelf for the next page's first answers (core/saved-shelf.ts; the page keeps
   * it): after the profile changed, and once per page after loading (the catalogue may have changed
   * since). Only where the events themselves are kept (IndexedDB), and once there is a profile.
   */
  private async saveShelf(): Promise<void> {
    if (!this.deps.onShelf || !this.matrix || !this.config.catalogUrl || !this.shopper?.profile?.count) return;
    if (!(await this.openStore())) return;
    const { items, strategy } = this.rankNow({ limit: SAVED_SHELF_SIZE });
    this.deps.onShelf({ savedAt: this.now(), catalog: this.config.catalogUrl, strategy, items });
  }

  /** Ranks for a request with the profile as it is now (the caller has loaded and refreshed). */
  private rankNow(options: RecommendRequest): RankedShelf {
    const limit = clampInt(options.limit ?? 10, 0, 100);
    const exclude = Array.isArray(options.exclude) ? options.exclude.map(String) : [];
    const contextItemId = options.context?.itemId === undefined ? undefined : String(options.context.itemId);
    if (contextItemId !== undefined && this.items.length > 0 && !this.rowOf.has(contextItemId)) this.deps.onWarning?.(unknownContextItem(contextItemId));
    const purchased = this.shopper?.purchased ?? new Set<string>();
    const inCart = this.shopper?.cart ?? new Set<string>();
    let result: RankResult;
    const rankStart = performance.now();
    if (this.matrix && options.strategy !== 'control') {
      result = rank({
        matrix: this.matrix,
        items: this.items,
        profile: this.shopper?.profile ?? null,
        now: this.now(),
        limit,
        exclude,
        purchased,
        inCart,
        seen: this.shopper?.seen,
        excludeSeen: options.excludeSeen,
        context: contextItemId !== undefined && this.rowOf.has(contextItemId) ? { itemId: contextItemId, weight: options.context?.weight } : undefined,
        ranking: this.ranking,
        neighbours: this.neighbours,
      });
    } else {
      const seen = options.excludeSeen ?? this.ranking.excludeSeen ? [...(this.shopper?.seen ?? [])] : [];
      result = fallbackRank(this.items, { limit, exclude: [...exclude, ...seen], purchased, inCart, contextItemId });
    }
    this.info.timings.rankMs = performance.now() - rankStart;
    const items = result.items.map((r) => ({ ...r, item: this.items[this.rowOf.get(r.id)!] }));
    return {
      items,
      strategy: this.matrix && options.strategy !== 'control' ? result.strategy : `fallback:${result.strategy}`,
      ...(result.limitedBy ? { limitedBy: result.limitedBy } : {}),
    };
  }

  /** Installs the server's taxonomy; its descriptions are embedded once per model. */
  async setTaxonomy(taxonomy: Taxonomy): Promise<void> {
    if (this.taxonomy?.version === taxonomy.version && this.segmentMatrix) return;
    this.taxonomy = taxonomy;
    this.segmentMatrix = null;
    await this.readyPromise;
    const shape = this.model.shape;
    if (!shape || !this.matrix) return;
    // The first segment list may be what loads the model (when the shop's vector file spared it so far).
    const vectors = await this.model.embed(taxonomy.segments.map((s) => `${s.name}. ${s.description}`));
    this.segmentMatrix = VectorMatrix.fromRows(vectors, shape.dim);
  }

  async segments(): Promise<SegmentMatch[]> {
    await this.readyPromise;
    await this.refresh();
    const profile = this.shopper?.profile;
    if (!this.taxonomy || !this.segmentMatrix || !profile) return [];
    const vector = profileVector(profile, this.now());
    const matches = assignSegments(vector, this.segmentMatrix, this.taxonomy.segments, this.config.segments ?? {});
    this.info.lastSegments = matches;
    return matches;
  }

  /** The profile's strongest contributions, for the QA panel and export. */
  profileSummary(limit = 8): { itemId?: string; query?: string; title: string; kind: string; weight: number }[] {
    const profile = this.shopper?.profile;
    if (!profile) return [];
    return contributionsAt(profile, this.now())
      .slice(0, limit)
      .map(({ itemId, query, title, kind, weight }) => ({ itemId, query, title, kind, weight }));
  }

  inspect() {
    return {
      model: {
        id: this.info.modelId,
        status: this.info.status,
        /** False while the shop's vector file spares the model (it loads at the first query or segment list). */
        loaded: this.model?.info.loaded ?? false,
        backend: this.model?.info.backend ?? '',
        threads: this.model?.info.threads ?? 0,
        dim: this.model?.shape?.dim ?? 0,
        loadMs: this.model?.info.loadMs ?? 0,
        progress: this.model?.info.progress ?? 0,
        error: this.info.error || this.model?.info.error || '',
      },
      catalog: this.info.catalog,
      timings: { ...this.info.timings, embedMs: this.model?.info.embedMs ?? 0, embedCount: this.model?.info.embedCount ?? 0 },
      profile: { top: this.profileSummary(), interactions: this.shopper?.profile?.count ?? 0 },
      segments: this.info.lastSegments,
      recommendations: this.info.lastRecommendations?.map(({ id, score, reason, item }) => ({ id, score, reason, title: item?.title, category: item?.category })) ?? null,
      taxonomyVersion: this.taxonomy?.version ?? null,
    };
  }

  /** Drops everything derived from the shopper and lets go of the database; the catalogue and model stay loaded. */
  forget(): void {
    this.shopper?.reset();
    this.queryVectors.clear();
    this.info.lastRecommendations = null;
    this.info.lastSegments = [];
    this.store.close();
  }
}

function clampInt(value: unknown, min: number, max: number): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : min;
  return Math.min(max, Math.max(min, n));
}
