// The slice of transformers.js Tacit uses, typed here (its own .d.ts types are very wide), and loading
// it on first use (it is large). Node built-ins are imported only on Node paths, behind a variable
// specifier that bundlers leave alone, so nothing Node-only reaches the browser bundle.

import type { EmbedderDtype, Pooling } from '../core/embedder.ts';

export interface Tensor {
  data: Float32Array | BigInt64Array;
  dims: number[];
}
export interface Tokenizer {
  (texts: string[], options: { padding: boolean; truncation: boolean }): { attention_mask: Tensor };
  get_vocab(): Map<string, number>;
  readonly model_max_length: number;
}
export interface FeatureExtractor {
  (texts: string[], options: { pooling: Pooling; normalize: boolean }): Promise<Tensor>;
  tokenizer: Tokenizer;
  model: { config: Record<string, unknown> };
  dispose(): Promise<void>;
}
export interface OnnxWasmEnv {
  wasmPaths?: string | { mjs?: string; wasm?: string };
  numThreads?: number;
}
/** The part of the Web Cache API transformers.js uses for `env.customCache`. */
export interface ModelCache {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
}
export interface TransformersEnv {
  allowLocalModels: boolean;
  allowRemoteModels: boolean;
  remoteHost: string;
  localModelPath: string;
  useBrowserCache: boolean;
  useFSCache: boolean;
  useCustomCache: boolean;
  customCache: ModelCache | null;
  /**
   * On (the default), transformers.js reads ORT's .wasm from Cache Storage and hands ORT the bytes, which
   * ORT then compiles with WebAssembly.instantiate(bytes): Chromium keeps compiled code only for streaming
   * compiles of a URL, so every page would compile it again.
   */
  useWasmCache: boolean;
  /** Every model file request goes through it (not ORT's .wasm, which ORT fetches itself). */
  fetch: typeof fetch;
  backends: { onnx: { wasm?: OnnxWasmEnv } };
}
export interface Transformers {
  env: TransformersEnv;
  pipeline(task: 'feature-extraction', model: string, options: object): Promise<FeatureExtractor>;
}

type Defaults = Pick<TransformersEnv, 'localModelPath' | 'remoteHost'>;
let transformers: Promise<{ module: Transformers; defaults: Defaults }> | undefined;

/** Loaded on first use (it is large); its defaults are remembered before anything changes them. */
export function loadTransformers() {
  transformers ??= import('@huggingface/transformers').then(
    (m) => {
      const module = m as unknown as Transformers;
      const { localModelPath, remoteHost } = module.env;
      return { module, defaults: { localModelPath, remoteHost } };
    },
    (error: unknown) => {
      transformers = undefined;
      // In Node (the tacit-sdk command), transformers.js is an optional peer dependency: only transformer
      // models need it, never the default static model.
      if (isNode && (error as { code?: string } | null)?.code === 'ERR_MODULE_NOT_FOUND') {
        throw new Error('this model runs on transformers.js, which is not installed: npm install @huggingface/transformers (the default model needs nothing)', { cause: error });
      }
      throw error;
    },
  );
  return transformers;
}

export const isNode = typeof process !== 'undefined' && process.release?.name === 'node';

/** Node built-ins, imported only on Node paths; the variable specifier keeps bundlers from following it. */
export async function nodeModule<T>(name: string): Promise<T> {
  const specifier = `node:${name}`;
  return (await import(/* @vite-ignore */ specifier)) as T;
}

export const DTYPE_SUFFIX: Record<EmbedderDtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};
export const JSON_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

