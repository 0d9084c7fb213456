// Public types of the Tacit SDK. Everything here is what a shop developer sees.

export type ConsentState = 'granted' | 'denied' | 'pending';

export type Properties = Record<string, unknown>;

/** One behaviour event as stored on the device. `seq` is unique and increasing across tabs. */
export interface StoredEvent {
  seq: number;
  /** Random per event (not per device): recognises an event saved twice around a navigation. */
  uid?: string;
  ts: number;
  event: string;
  properties: Properties;
}

export interface RetentionConfig {
  /** Events older than this are deleted. Default 90. */
  maxAgeDays?: number;
  /** At most this many events are kept, oldest evicted first. Default 5000. */
  maxEvents?: number;
}

export interface ModelConfig {
  /** transformers.js model id, e.g. 'Xenova/all-MiniLM-L6-v2'. Default: Tacit's embedded model. */
  id?: string;
  dtype?: 'q8' | 'fp32' | 'fp16' | 'q4';
  pooling?: 'mean' | 'cls';
  normalize?: boolean;
  /** 'auto' picks WebGPU when an adapter exists, else WASM. */
  backend?: 'auto' | 'webgpu' | 'wasm';
  /** Where `<id>/config.json` is served. Default `<baseUrl>models/`. */
  baseUrl?: string;
  /** Remote model host (e.g. the Hugging Face hub). Never contacted unless set. */
  remoteHost?: string;
}

export interface RankingConfig {
  halfLifeDays?: number;
  weights?: Partial<Record<'order' | 'addToCart' | 'click' | 'view' | 'search', number>>;
  /** MMR trade-off between relevance (1) and diversity (0). Default 0.7. */
  lambda?: number;
}

export interface PrivacyConfig {
  /** Refuse to report if the server asks for a larger per-epoch ε than this. Default 4. */
  maxEpsilon?: number;
  /** Honour navigator.globalPrivacyControl as a denial. Default true. */
  respectGlobalPrivacyControl?: boolean;
}

export interface TacitConfig {
  /** URL of the shop's candidate catalogue (JSON). */
  catalog?: string;
  /** URL of a precomputed vector file written by `tacit embed-catalog`. */
  catalogVectors?: string;
  /** Base URL of the aggregation server. Without it nothing is ever sent. */
  server?: string;
  /** Consent before the shopper chooses. Default 'pending': nothing is stored. */
  consent?: 'granted' | 'pending';
  /** Where Tacit's own files (worker, ORT wasm, models) are served. Default: next to tacit.js. */
  baseUrl?: string;
  retention?: RetentionConfig;
  model?: ModelConfig;
  ranking?: RankingConfig;
  privacy?: PrivacyConfig;
  segments?: { maxSegments?: number; threshold?: number };
  /**
   * How long recommend() and segments() wait for the engine (model load, inference) before answering
   * with the fallback ranking. Default 8000 ms.
   */
  engineTimeoutMs?: number;
  /** Called for every problem Tacit reports (invalid call, storage fallback...). */
  onError?: (error: TacitError) => void;
  /** Keep detailed timings for the QA panel. */
  debug?: boolean;
}

export interface TacitError {
  code: string;
  message: string;
}

export interface RecommendOptions {
  limit?: number;
  exclude?: string[];
  context?: { itemId?: string; weight?: number };
}

export interface Explanation {
  kind: 'profile' | 'similar' | 'blend' | 'popular' | 'shop-order';
  text: string;
  because: { itemId?: string; title: string; event: string }[];
}

/** A candidate item as the shop's catalogue describes it (validated by the engine). */
export type { CatalogItem } from '../core/types.ts';
import type { CatalogItem } from '../core/types.ts';

export interface Recommendation {
  id: string;
  score: number;
  reason: Explanation;
  /** The catalogue entry, so the shop can render the card without a lookup. */
  item?: CatalogItem;
}

export interface RecommendResult {
  items: Recommendation[];
  strategy: string;
}

export interface SegmentScore {
  id: number;
  name: string;
  score: number;
}

export type TacitEventName =
  | 'ready'
  | 'consent'
  | 'stored'
  | 'model-progress'
  | 'model-ready'
  | 'recommendations'
  | 'report'
  | 'error';

export interface ExportedData {
  format: 'tacit-export/1';
  exportedAt: string;
  consent: ConsentState;
  storage: 'indexeddb' | 'memory' | 'none';
  events: StoredEvent[];
  state: Record<string, unknown>;
}

/** The public API: `window.tacit` and the npm entry expose exactly this. */
export interface TacitApi {
  init(config?: TacitConfig): Promise<void>;
  track(event: string, properties?: Properties): Promise<void>;
  page(properties?: Properties): Promise<void>;
  consent(state: ConsentState): Promise<ConsentState>;
  forget(): Promise<void>;
  export(): Promise<ExportedData>;
  recommend(options?: RecommendOptions): Promise<RecommendResult>;
  segments(): Promise<SegmentScore[]>;
  sync(): Promise<unknown>;
  inspect(): Promise<Record<string, unknown>>;
  on(name: TacitEventName, listener: (detail: unknown) => void): () => void;
}
