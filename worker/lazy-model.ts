// The engine's model, loaded once, on first need. When the shop's vector file was made with this model,
// the profile and ranking need no model at all (the file has every item's vector); it then loads at the
// first search query, the first segment list, or for an item the file lacks. A WebGPU device that is
// lost (or fails) is replaced by the same model on WASM, with one warning.

import type { Embedder, EmbedderDtype } from '../core/embedder.ts';
import type { ExtraWords } from '../core/static-embedder.ts';
import type { EmbedderOptions, EmbedderProgress } from './embedder.ts';
import type { ModelExtras } from './model-loader.ts';

export const EMBED_BATCH = 32;

/** Model id, precision and dimension: what item vectors and the profile must agree on. */
export interface ModelShape {
  modelId: string;
  dtype: EmbedderDtype;
  dim: number;
}

export interface LazyModelDeps {
  createEmbedder(options: EmbedderOptions, extras?: ModelExtras): Promise<Embedder>;
  onProgress?: (progress: EmbedderProgress) => void;
  onWarning?: (message: string) => void;
  now: () => number;
}

export class LazyModel {
  private embedder: Embedder | null = null;
  private loading: Promise<Embedder> | null = null;
  /** Known from the shop's vector file before the model loads, or from the model. */
  shape: ModelShape | null = null;
  /** The shop's own words (its vector file's words section), handed to a static model. */
  shopWords: ExtraWords | undefined;

  readonly info = {
    /** False while the shop's vector file spares the model. */
    loaded: false,
    backend: '' as string,
    threads: 0,
    dim: 0,
    loadMs: 0,
    progress: 0,
    error: '',
    embedMs: 0,
    embedCount: 0,
  };

  constructor(
    private readonly settings: Omit<EmbedderOptions, 'onProgress'>,
    private readonly deps: LazyModelDeps,
  ) {}

  /** The model, loaded once (never twice at once); its dimension must agree with a shape already known. */
  load(): Promise<Embedder> {
    this.loading ??= (async () => {
      const start = this.deps.now();
      const embedder = await this.deps.createEmbedder(this.options(this.settings.backend ?? 'auto'), { extraWords: this.shopWords });
      if (this.shape && embedder.dim !== this.shape.dim) {
        throw new Error(`model '${embedder.modelId}' makes ${embedder.dim}-dim vectors, the shop's vector file ${this.shape.dim}`);
      }
      this.use(embedder);
      this.shape ??= { modelId: embedder.modelId, dtype: embedder.dtype, dim: embedder.dim };
      this.info.loadMs = this.deps.now() - start;
      return embedder;
    })();
    this.loading.catch((error) => {
      this.loading = null; // a later need tries again
      this.info.error = error instanceof Error ? error.message : String(error);
    });
    return this.loading;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const start = performance.now();
    let embedder = await this.load();
    if (embedder.backend === 'webgpu' && embedder.isLost()) embedder = await this.switchToWasm('the WebGPU device was lost');
    let vectors: Float32Array[];
    try {
      vectors = await embedder.embed(texts, { batchSize: EMBED_BATCH });
    } catch (error) {
      if (embedder.backend !== 'webgpu') throw error;
      embedder = await this.switchToWasm(`WebGPU inference failed (${error instanceof Error ? error.message : String(error)})`);
      vectors = await embedder.embed(texts, { batchSize: EMBED_BATCH });
    }
    this.info.embedMs = performance.now() - start;
    this.info.embedCount = texts.length;
    return vectors;
  }

  private options(backend: 'auto' | 'webgpu' | 'wasm'): EmbedderOptions {
    return {
      ...this.settings,
      backend,
      onProgress: (p) => {
        if (typeof p.progress === 'number') this.info.progress = p.progress;
        this.deps.onProgress?.(p);
      },
    };
  }

  private use(embedder: Embedder): void {
    this.embedder = embedder;
    this.loading = Promise.resolve(embedder);
    this.info.loaded = true;
    this.info.backend = embedder.backend;
    this.info.threads = embedder.threads;
    this.info.dim = embedder.dim;
  }

  /** The WebGPU device is gone: carry on with the same model on WASM (one warning). */
  private async switchToWasm(reason: string): Promise<Embedder> {
    const previous = this.embedder;
    const embedder = await this.deps.createEmbedder(this.options('wasm'), { extraWords: this.shopWords });
    this.use(embedder);
    this.deps.onWarning?.(`${reason}; continuing on WASM`);
    void previous?.dispose().catch(() => {});
    return embedder;
  }
}
