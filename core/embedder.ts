// What every text embedder offers, whatever runs it: transformers.js + ONNX Runtime (worker/embedder.ts)
// or a static lookup model. The engine, the CLI and the benchmarks depend on this, not on a runtime.

export type EmbedderDtype = 'q8' | 'fp32' | 'fp16' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';
export type Pooling = 'mean' | 'cls' | 'none';
/** Where inference runs: ONNX Runtime on WebGPU or WASM (browser), onnxruntime-node ('cpu'), or plain JavaScript ('js'). */
export type EmbedderBackend = 'webgpu' | 'wasm' | 'cpu' | 'js';

export interface EmbedOptions {
  /** Texts per inference call. Default 32. */
  batchSize?: number;
}

export interface Embedder {
  modelId: string;
  dtype: EmbedderDtype;
  pooling: Pooling;
  /** Length of one vector (the model's hidden size). */
  dim: number;
  backend: EmbedderBackend;
  threads: number;
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** WebGPU only: the GPU device was lost (driver reset, tab backgrounded on some systems); recreate on WASM. */
  isLost(): boolean;
  dispose(): Promise<void>;
}

export class EmbedderError extends Error {
  override name = 'EmbedderError';
  constructor(
    message: string,
    readonly model: string,
    /** The model file at fault, relative to the model folder, when known. */
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

