// The on-device engine: loads the catalogue and the model, keeps item vectors, follows the shopper's
// stored events into an interest profile, ranks and assigns segments. It runs in the Web Worker
// (engine.worker.ts exposes it with comlink) and, with Node's embedder and fake-indexeddb, in tests.
//
// Raw events never leave this engine: it reads them from IndexedDB itself and returns only rankings
// and segment scores.

import { openTacitDB, type TacitDatabase } from '../src/schema.ts';
import { itemText, validateCatalog } from '../core/catalog.ts';
import { contentHash } from '../core/hash.ts';
import { resolveWeights } from '../core/event-kinds.ts';
import { eventToInteractions, purchasedIds } from '../core/interactions.ts';
import { applyEvent, contributionsAt, profileFromJSON, profileToJSON, profileVector, type Profile } from '../core/profile.ts';
import { fallbackRank, rank, type RankResult } from '../core/rank.ts';
import { assignSegments, type SegmentMatch } from '../core/segments.ts';
import type { CatalogError, CatalogItem, InteractionWeights, Recommendation, StoredEvent } from '../core/types.ts';
import { decodeVecFile, vecFileMatches } from '../core/vecfile.ts';
import { VectorMatrix, quantizeRow } from '../core/vectors.ts';
import type { Embedder, EmbedderOptions, EmbedderProgress } from './embedder.ts';

export interface EngineConfig {
  catalogUrl?: string;
  catalogVectorsUrl?: string;
  model: {
    id: string;
    dtype?: EmbedderOptions['dtype'];
    pooling?: 'mean' | 'cls';
    normalize?: boolean;
    backend?: 'auto' | 'webgpu' | 'wasm';
    baseUrl?: string;
    remoteHost?: string;
    wasmPaths?: string;
    localModelPath?: string;
  };
  ranking?: { halfLifeDays?: number; weights?: Partial<InteractionWeights>; lambda?: number };
  segments?: { maxSegments?: number; threshold?: number };
  /** Consent granted: the engine may read events and keep its profile and caches in IndexedDB. */
  persist: boolean;
}

export interface TaxonomySegment {
  id: number;
  name: string;
  description: string;
}

export interface Taxonomy {
  version: number;
  segments: TaxonomySegment[];
}


export interface EngineDeps {
  createEmbedder(options: EmbedderOptions): Promise<Embedder>;
  fetch: typeof fetch;
  openDB?: () => Promise<TacitDatabase>;
  now?: () => number;
  onProgress?: (progress: EmbedderProgress) => void;
  /** A problem the page should hear about once (the engine itself keeps working). */
  onWarning?: (message: string) => void;
}

type ModelStatus = 'idle' | 'loading' | 'ready' | 'failed';

const PROFILE_KEY = 'profile';
const EMBED_BATCH = 32;

export class Engine {
  private config!: EngineConfig;
  private embedder: Embedder | null = null;
  private items: CatalogItem[] = [];
  private rowOf = new Map<string, number>();
  private matrix: VectorMatrix | null = null;
  private profile: Profile | null = null;
  private purchased = new Set<string>();
  private queryVectors = new Map<string, Float32Array>();
  private taxonomy: Taxonomy | null = null;
  private segmentMatrix: VectorMatrix | null = null;
  private db: TacitDatabase | null = null;
  private readyPromise: Promise<void> | null = null;
  private refreshing: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  readonly info = {
    status: 'idle' as ModelStatus,
    modelId: '',
    backend: '' as string,
    threads: 0,
    dim: 0,
    loadMs: 0,
    error: '' as string,
    progress: 0,
    catalog: { items: 0, errors: [] as CatalogError[], vectors: '' as 'precomputed' | 'embedded' | 'cache' | 'mixed' | '', error: '' },
    timings: { embedMs: 0, embedCount: 0, rankMs: 0, profileMs: 0, lastRecommendMs: 0, catalogMs: 0 },
    lastRecommendations: null as Recommendation[] | null,
    lastSegments: [] as SegmentMatch[],
  };

  constructor(private readonly deps: EngineDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Loads catalogue and model. Never rejects: a failed model leaves the fallback ranking working. */
  init(config: EngineConfig): Promise<void> {
    this.config = config;
    this.readyPromise ??= this.load();
    return this.readyPromise;
  }

  setConsent(persist: boolean): void {
    if (this.config) this.config.persist = persist;
    if (!persist) {
      this.resetShopperState();
      this.db?.close();
      this.db = null;
    }
  }

  private async load(): Promise<void> {
    const started = this.now();
    await this.loadCatalog();
    this.info.timings.catalogMs = this.now() - started;
    if (this.items.length === 0) return;
    const modelStart = this.now();
    this.info.status = 'loading';
    this.info.modelId = this.config.model.id;
    try {
      this.embedder = await this.deps.createEmbedder(this.embedderOptions(this.config.model.backend ?? 'auto'));
      this.info.backend = this.embedder.backend;
      this.info.threads = this.embedder.threads;
      this.info.dim = this.embedder.dim;
      this.info.loadMs = this.now() - modelStart;
      await this.loadItemVectors();
      this.info.status = 'ready';
    } catch (error) {
      this.embedder = null;
      this.matrix = null;
      this.info.status = 'failed';
      this.info.error = error instanceof Error ? error.message : String(error);
    }
  }

  private embedderOptions(backend: 'auto' | 'webgpu' | 'wasm'): EmbedderOptions {
    const m = this.config.model;
    return {
      model: m.id,
      dtype: m.dtype ?? 'q8',
      pooling: m.pooling ?? 'mean',
      normalize: m.normalize ?? true,
      backend,
      modelBaseUrl: m.baseUrl,
      localModelPath: m.localModelPath,
      allowRemote: Boolean(m.remoteHost),
      remoteHost: m.remoteHost,
      wasmPaths: m.wasmPaths,
      onProgress: (p) => {
        if (typeof p.progress === 'number') this.info.progress = p.progress;
        this.deps.onProgress?.(p);
      },
    };
  }

  /** The WebGPU device is gone: carry on with the same model on WASM (one warning). */
  private async switchToWasm(reason: string): Promise<void> {
    const previous = this.embedder;
    this.embedder = await this.deps.createEmbedder(this.embedderOptions('wasm'));
    this.info.backend = this.embedder.backend;
    this.info.threads = this.embedder.threads;
    this.deps.onWarning?.(`${reason}; continuing on WASM`);
    void previous?.dispose().catch(() => {});
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

  /** Precomputed vector file when it matches the model, else the IndexedDB cache, else embed. */
  private async loadItemVectors(): Promise<void> {
    const embedder = this.embedder!;
    const matrix = new VectorMatrix(embedder.dim, this.items.length);
    const texts = this.items.map(itemText);
    const hashes = texts.map(contentHash);
    // The cache key names the model and its precision: q8 and fp32 vectors differ.
    const keys = hashes.map((h) => `${embedder.modelId}@${embedder.dtype}:${h}`);
    const missing = new Set(this.items.map((_, i) => i));

    const file = await this.fetchVectorFile(embedder);
    if (file) {
      const rowInFile = new Map(file.ids.map((id, i) => [id, i]));
      for (const [i, item] of this.items.entries()) {
        const j = rowInFile.get(item.id);
        // A changed title or description makes the precomputed row stale: embed it again.
        if (j === undefined || file.contentHashes[j] !== hashes[i]) continue;
        matrix.setQuantized(i, file.data.subarray(j * file.dim, (j + 1) * file.dim), file.scales[j]);
        missing.delete(i);
      }
    }
    const fromFile = this.items.length - missing.size;

    const db = await this.database();
    if (db && missing.size > 0) {
      const tx = db.transaction('embeddings', 'readonly');
      tx.done.catch(() => {}); // a failed read costs embedding, nothing else
      await Promise.all(
        [...missing].map(async (i) => {
          const record = await tx.store.get(keys[i]);
          if (record && record.vector.length === embedder.dim) {
            matrix.setQuantized(i, record.vector, record.scale);
            missing.delete(i);
          }
        }),
      );
    }
    const fromCache = this.items.length - fromFile - missing.size;

    const todo = [...missing];
    for (let start = 0; start < todo.length; start += EMBED_BATCH) {
      const batch = todo.slice(start, start + EMBED_BATCH);
      const vectors = await this.embed(batch.map((i) => texts[i]));
      const records = batch.map((i, k) => {
        const { q, scale } = quantizeRow(vectors[k]);
        matrix.setQuantized(i, q, scale);
        return { key: keys[i], vector: q, scale };
      });
      if (db) {
        const tx = db.transaction('embeddings', 'readwrite');
        await Promise.all([...records.map((r) => tx.store.put(r)), tx.done]).catch(() => {
          // A full disk only costs re-embedding next time.
        });
      }
    }
    this.matrix = matrix;
    const embedded = todo.length;
    this.info.catalog.vectors =
      fromFile === this.items.length ? 'precomputed' : fromCache === this.items.length ? 'cache' : embedded === this.items.length ? 'embedded' : 'mixed';
  }

  private async fetchVectorFile(embedder: Embedder) {
    if (!this.config.catalogVectorsUrl) return null;
    try {
      const response = await this.deps.fetch(this.config.catalogVectorsUrl);
      if (!response.ok) return null;
      const file = decodeVecFile(new Uint8Array(await response.arrayBuffer()));
      return vecFileMatches(file, embedder.modelId, embedder.dim) ? file : null;
    } catch {
      return null; // a bad file costs on-device embedding, nothing else
    }
  }

  private async embed(texts: string[]): Promise<Float32Array[]> {
    const start = performance.now();
    if (this.embedder!.backend === 'webgpu' && this.embedder!.isLost()) await this.switchToWasm('the WebGPU device was lost');
    let vectors: Float32Array[];
    try {
      vectors = await this.embedder!.embed(texts, { batchSize: EMBED_BATCH });
    } catch (error) {
      if (this.embedder!.backend !== 'webgpu') throw error;
      await this.switchToWasm(`WebGPU inference failed (${error instanceof Error ? error.message : String(error)})`);
      vectors = await this.embedder!.embed(texts, { batchSize: EMBED_BATCH });
    }
    this.info.timings.embedMs = performance.now() - start;
    this.info.timings.embedCount = texts.length;
    return vectors;
  }

  private async database(): Promise<TacitDatabase | null> {
    if (!this.config.persist) return null;
    if (this.db) return this.db;
    try {
      const open = this.deps.openDB ?? (() => openTacitDB({ onVersionChange: () => (this.db = null) }));
      this.db = await open();
      return this.db;
    } catch {
      return null; // no IndexedDB in this worker: rank from memory
    }
  }

  // ── profile ────────────────────────────────────────────────────────────────────────────────

  private profileOptions() {
    const days = this.config.ranking?.halfLifeDays;
    return days && days > 0 ? { halfLifeMs: days * 24 * 3600 * 1000 } : {};
  }

  private weights(): InteractionWeights {
    try {
      return resolveWeights(this.config.ranking?.weights ?? {});
    } catch {
      return resolveWeights({});
    }
  }

  /** Applies the events stored since the profile's last update (serialised). */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.applyNewEvents()).catch(() => {});
    return this.refreshing;
  }

  private async applyNewEvents(): Promise<void> {
    if (!this.matrix || !this.embedder) return;
    const db = await this.database();
    if (!db) return;
    const start = performance.now();
    const dim = this.embedder.dim;
    if (!this.profile) {
      const saved = (await db.get('kv', PROFILE_KEY)) as { profile?: unknown; purchased?: unknown } | undefined;
      this.profile = profileFromJSON(saved?.profile, { modelId: this.embedder.modelId, dim, ...this.profileOptions() });
      this.purchased = new Set(this.profile.lastSeq > 0 && Array.isArray(saved?.purchased) ? (saved.purchased as string[]) : []);
    }
    const profile = this.profile;
    const events = (await db.getAll('events', IDBKeyRange.lowerBound(profile.lastSeq, true))) as StoredEvent[];
    if (events.length === 0) return;
    const weights = this.weights();
    // A query that cannot be embedded is skipped, never a reason to stop following the events.
    await this.embedQueries(events, weights).catch(() => {});
    const row = new Float32Array(dim);
    for (const event of events) {
      applyEvent(
        profile,
        event,
        (i) => {
          if (i.query !== undefined) return this.queryVectors.get(i.query) ?? null;
          const r = i.itemId === undefined ? undefined : this.rowOf.get(i.itemId);
          return r === undefined ? null : this.matrix!.row(r, row);
        },
        weights,
      );
    }
    for (const id of purchasedIds(events)) this.purchased.add(id);
    this.info.timings.profileMs = performance.now() - start;
    await this.persistProfile(db);
  }

  private async embedQueries(events: StoredEvent[], weights: InteractionWeights): Promise<void> {
    const queries = new Set<string>();
    for (const event of events) {
      for (const i of eventToInteractions(event, weights)) {
        if (i.query !== undefined && !this.queryVectors.has(i.query)) queries.add(i.query);
      }
    }
    if (queries.size === 0) return;
    const list = [...queries];
    const vectors = await this.embed(list);
    list.forEach((q, k) => this.queryVectors.set(q, vectors[k]));
  }

  private async persistProfile(db: TacitDatabase): Promise<void> {
    if (!this.profile) return;
    await db
      .put('kv', { profile: profileToJSON(this.profile), purchased: [...this.purchased] }, PROFILE_KEY)
      .catch(() => {});
  }

  // ── ranking and segments ─────────────────────────────────────────────────────────────────

  async recommend(options: { limit?: number; exclude?: string[]; context?: { itemId?: string; weight?: number } } = {}): Promise<{ items: Recommendation[]; strategy: string }> {
    const start = performance.now();
    await this.readyPromise;
    await this.refresh();
    const limit = clampInt(options.limit ?? 10, 0, 100);
    const exclude = Array.isArray(options.exclude) ? options.exclude.map(String) : [];
    const contextItemId = options.context?.itemId === undefined ? undefined : String(options.context.itemId);
    let result: RankResult;
    const rankStart = performance.now();
    if (this.matrix) {
      result = rank({
        matrix: this.matrix,
        items: this.items,
        profile: this.profile,
        now: this.now(),
        limit,
        exclude,
        purchased: this.purchased,
        context: contextItemId !== undefined && this.rowOf.has(contextItemId) ? { itemId: contextItemId, weight: options.context?.weight } : undefined,
        lambda: this.config.ranking?.lambda,
      });
    } else {
      result = fallbackRank(this.items, { limit, exclude, purchased: this.purchased, contextItemId });
    }
    this.info.timings.rankMs = performance.now() - rankStart;
    const items = result.items.map((r) => ({ ...r, item: this.items[this.rowOf.get(r.id)!] }));
    this.info.timings.lastRecommendMs = performance.now() - start;
    this.info.lastRecommendations = items;
    return { items, strategy: this.matrix ? result.strategy : `fallback:${result.strategy}` };
  }

  /** Installs the server's taxonomy; its descriptions are embedded once per model. */
  async setTaxonomy(taxonomy: Taxonomy): Promise<void> {
    if (this.taxonomy?.version === taxonomy.version && this.segmentMatrix) return;
    this.taxonomy = taxonomy;
    this.segmentMatrix = null;
    await this.readyPromise;
    if (!this.embedder) return;
    const vectors = await this.embed(taxonomy.segments.map((s) => `${s.name}. ${s.description}`));
    this.segmentMatrix = VectorMatrix.fromRows(vectors, this.embedder.dim);
  }

  async segments(): Promise<SegmentMatch[]> {
    await this.readyPromise;
    await this.refresh();
    if (!this.taxonomy || !this.segmentMatrix || !this.profile) return [];
    const vector = profileVector(this.profile, this.now());
    const matches = assignSegments(vector, this.segmentMatrix, this.taxonomy.segments, this.config.segments ?? {});
    this.info.lastSegments = matches;
    return matches;
  }

  /** The profile's strongest contributions, for the QA panel and export. */
  profileSummary(limit = 8): { itemId?: string; query?: string; title: string; kind: string; weight: number }[] {
    if (!this.profile) return [];
    return contributionsAt(this.profile, this.now())
      .slice(0, limit)
      .map(({ itemId, query, title, kind, weight }) => ({ itemId, query, title, kind, weight }));
  }

  inspect() {
    return {
      model: {
        id: this.info.modelId,
        status: this.info.status,
        backend: this.info.backend,
        threads: this.info.threads,
        dim: this.info.dim,
        loadMs: this.info.loadMs,
        progress: this.info.progress,
        error: this.info.error,
      },
      catalog: this.info.catalog,
      timings: this.info.timings,
      profile: { top: this.profileSummary(), interactions: this.profile?.count ?? 0 },
      segments: this.info.lastSegments,
      recommendations: this.info.lastRecommendations?.map(({ id, score, reason, item }) => ({ id, score, reason, title: item?.title, category: item?.category })) ?? null,
      taxonomyVersion: this.taxonomy?.version ?? null,
    };
  }

  /** Drops everything derived from the shopper; the catalogue and model stay loaded. */
  forget(): void {
    this.resetShopperState();
    this.db?.close();
    this.db = null;
  }

  private resetShopperState(): void {
    this.profile = null;
    this.purchased = new Set();
    this.queryVectors.clear();
    this.info.lastRecommendations = null;
    this.info.lastSegments = [];
  }
}

function clampInt(value: unknown, min: number, max: number): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : min;
  return Math.min(max, Math.max(min, n));
}
