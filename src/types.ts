// Public types of the Tacit SDK. Everything here is what a shop developer sees.

import type { InteractionWeights } from '../core/event-kinds.ts';
import type { Recommendation, StoredEvent } from '../core/types.ts';

export type ConsentState = 'granted' | 'denied' | 'pending';

export type Properties = Record<string, unknown>;

export type { Because, CatalogItem, Explanation, ReasonKind, Recommendation, StoredEvent } from '../core/types.ts';
export type { InteractionKind, InteractionWeights, KnownEventName } from '../core/event-kinds.ts';

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
  /** Weight of each interaction kind in the profile (defaults: core/event-kinds.ts). */
  weights?: Partial<InteractionWeights>;
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
