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

/** The ranking settings (each documented, with its default and why, in core/ranking-config.ts). */
export type { RankingConfig, RankingChannels } from '../core/ranking-config.ts';
import type { RankingConfig } from '../core/ranking-config.ts';

export interface PrivacyConfig {
  /** Refuse to report if the server asks for a larger ε per report than this. Default 4. */
  maxEpsilon?: number;
  /**
   * Refuse to report if the server's epochs are shorter than this (seconds): at most one report per
   * this long. Default 604800 (7 days). Lower it only for demos and tests.
   */
  minEpochSeconds?: number;
  /** Largest ε this device spends in any 365 days. Default: maxEpsilon × (reports a year at minEpochSeconds + 2). */
  maxEpsilonPerYear?: number;
  /** Honour navigator.globalPrivacyControl as a denial. Default true. */
  respectGlobalPrivacyControl?: boolean;
  /**
   * Send the report through an Oblivious HTTP relay (RFC 9458), run by someone other than the shop: the
   * relay sees the shopper's address but not the report, the server the report but not the address.
   * `relay`: the relay's URL (https; plain http only on localhost); `keyConfig`: base64url of the
   * server's key configuration (the server prints it at start), shipped in this config so that every
   * device encrypts to the same key. Without it reports go straight to the server. An invalid value
   * turns reports off (never sent straight instead). Parameters and tokens still come from the server.
   */
  ohttp?: { relay: string; keyConfig: string };
}

/**
 * A private A/B test of recommendations (docs/experiments.md). Each device that consents draws one arm
 * at random, once, with the split; recommend() then shows that arm's strategy: 'control' the fallback
 * ranking (popularity, then the shop's order), 'personal' Tacit's ranking. An arm may carry a label
 * ('personal-b'). The first arm is the baseline.
 */
export interface ExperimentConfig {
  /** 1–64 letters, digits, '.', '_' or '-'; the server's TACIT_EXPERIMENT must name the same. */
  id: string;
  /** 2–4 arms, e.g. ['control', 'personal']. */
  arms: string[];
  /** Weights of the arms (≥ 0, not all 0). Default: equal. */
  split?: number[];
  /** What devices report, a subset of 'impression', 'click', 'cart', 'order', 'revenue'. Default: all. */
  outcomes?: string[];
  /** Ascending revenue boundaries in the shop's currency. Default [25, 100, 250]. */
  revenueBuckets?: number[];
}

export interface TacitConfig {
  /** URL of the shop's candidate catalogue (JSON). */
  catalog?: string;
  /** URL of a precomputed vector file written by `tacit-sdk embed-catalog`. */
  catalogVectors?: string;
  /** Base URL of the aggregation server. Without it nothing is ever sent. */
  server?: string;
  /** Consent before the shopper chooses. Default 'pending': nothing is stored. */
  consent?: 'granted' | 'pending';
  /** Where Tacit's own files (worker, ORT wasm, models) are served. Default: next to tacit.js. */
  baseUrl?: string;
  retention?: RetentionConfig;
  model?: ModelConfig;
  /** Checked by the worker when consent starts it: a bad value is warned about then, and its default kept. */
  ranking?: RankingConfig;
  privacy?: PrivacyConfig;
  segments?: { maxSegments?: number; threshold?: number };
  /**
   * A/B tests; one runs at a time (the first valid entry). Nothing is drawn or measured without consent;
   * the entries are checked by the worker when consent starts it, and a bad one is warned about then.
   */
  experiments?: ExperimentConfig[];
  /**
   * How long recommend() and segments() wait for the engine (model load, inference) before answering
   * with the fallback ranking. Default 8000 ms.
   */
  engineTimeoutMs?: number;
  /** Called for every problem Tacit reports (invalid call, storage fallback...). */
  onError?: (error: TacitError) => void;
  /**
   * Log every call and every decision in collapsed console groups, and let `?tacit-debug` in the page's
   * URL open the QA panel (for the rest of the tab's session; `?tacit-debug=off` ends it). Default false.
   */
  debug?: boolean;
  /**
   * Single-page apps: record 'Page Viewed' (the path only) at init and whenever the history moves to a
   * new path (pushState, replaceState, back/forward). Then the shop does not call page(). Default false.
   */
  autoPage?: boolean;
}

export interface TacitError {
  code: string;
  message: string;
}

export interface RecommendOptions {
  /** How many items, 0…100. Default 10. */
  limit?: number;
  /** Item ids never to recommend in this answer. */
  exclude?: string[];
  /** Leave out every item the shopper interacted with (default: the ranking config's, off). */
  excludeSeen?: boolean;
  /** The item on screen: "similar items", blended with the shopper's interests. */
  context?: { itemId?: string; weight?: number };
}

export interface RecommendResult {
  /** Best first; each score is a 0…1 relevance, so scores fall in rank order. */
  items: Recommendation[];
  strategy: string;
  /**
   * Set when fewer items than asked came back on purpose: 'min-similarity' means the rest of the
   * catalogue was not similar enough to the item on screen to call it "similar" (no padding).
   */
  limitedBy?: string;
  /**
   * Only when the answer is the shelf the engine saved on an earlier page (ms since the epoch it was
   * ranked then): the engine was still loading on this page. The page's later calls come from it.
   */
  savedAt?: number;
  /**
   * Only when the shop configured an experiment: this device's arm, or null when it takes no part
   * (no consent, or no IndexedDB to remember its arm in: it then sees what it would without one).
   */
  experiment?: { id: string; arm: string } | null;
  /**
   * Only when the device is in an experiment: pass it as `list_id` with `Product Clicked` and
   * `Product Added` from this shelf, so clicks, carts and orders are measured (docs/experiments.md).
   */
  listId?: string;
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
  | 'error'
  /** The QA panel opened (debug: true and ?tacit-debug): the detail is a DebugPanel, to add tabs to. */
  | 'panel';

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

/** `window.tacit` once tacit.js has loaded, and what `createTacit()` returns. */
export type PublicTacit = TacitApi & { readonly loaded: true; readonly version: string };

/** A tab a shop adds to the QA panel (tacit.on('panel', (panel) => panel.addTab(tab))). */
export interface PanelTab {
  /** A word (letters, digits, -): the tab's button is data-testid="panel-tab-<id>". */
  id: string;
  label: string;
  /** Called once with the tab's empty <section>, to fill and wire. */
  render(section: HTMLElement): void;
}

/** The QA panel, as the 'panel' event hands it over. */
export interface DebugPanel {
  addTab(tab: PanelTab): void;
  open(tab?: string): void;
  close(): void;
}
