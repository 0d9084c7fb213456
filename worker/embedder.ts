// Text embeddings with transformers.js' feature-extraction pipeline, in the browser worker and in Node.
//
// transformers.js keeps its settings in one global `env`; createEmbedder() sets every field it relies
// on before loading, so embedders created one after another never inherit each other's settings
// (but do not create two with different settings concurrently).
//
// Browser: model files come from `<modelBaseUrl>/<model>/...` (env.localModelPath), each fetched once
// and by its served name (model-fetch.ts); ORT's runtime from `wasmPaths`, the build the backend needs
// (backend.ts), its .wasm fetched and compiled by ORT itself from the URL (streaming, so the browser
// keeps the compiled code for the next visit). Nothing is fetched from the Hugging Face hub or a CDN
// unless `allowRemote` is set. Model files are kept in Cache Storage ('transformers-cache') so later
// pages reuse them. Node: onnxruntime-node on the CPU; `model` may be a folder holding config.json.
//
// No Node-only module is imported on the browser path: Node built-ins are loaded with dynamic imports
// inside Node-only branches, behind a variable specifier that bundlers leave alone.

import { EmbedderError, type EmbedOptions, type Embedder, type EmbedderDtype, type Pooling } from '../core/embedder.ts';
import { browserBackendEnvironment, ortRuntimeFiles, selectBackend } from './backend.ts';
import type { Backend, BackendChoice } from './backend.ts';
import { checkTokenizerMatchesModel, describeLoadError, describeRunError } from './embedder-errors.ts';
import { createModelFetch, servedNameCache, type EmbedderProgress, type ModelFetch } from './model-fetch.ts';
import { DTYPE_SUFFIX, isNode, loadTransformers, nodeModule, type FeatureExtractor, type Tensor } from './transformers.ts';

export type { EmbedderProgress };

/** transformers.js' Cache Storage name (also in core/storage-names.ts CACHE_NAMES, which forget() deletes). */
const MODEL_CACHE = 'transformers-cache';

export interface EmbedderOptions {
  /** Model id (a folder under modelBaseUrl / localModelPath) or, in Node, a folder path. */
  model: string;
  /** Which ONNX file: q8 → onnx/model_quantized.onnx, fp32 → onnx/model.onnx. Default 'q8'. */
  dtype?: EmbedderDtype;
  /** Default 'mean' (over attended tokens). 'none' returns each text's token vectors, concatenated. */
  pooling?: Pooling;
  /** Scale each vector to unit length. Default true. */
  normalize?: boolean;
  /** Browser: URL path under which `<model>/config.json` lives, e.g. '/tacit/models/'. Default '/models/'. */
  modelBaseUrl?: string;
  /** Node: folder holding `<model>/config.json`. */
  localModelPath?: string;
  /**
   * Node, static models only: where each of the model's files is, by its name in the model folder
   * ('config.json', 'onnx/…'), when they are not under those names: the tacit-sdk package carries the
   * default model once, in the served folder, under content-hashed names.
   */
  files?: Readonly<Record<string, string>>;
  /** Allow downloading missing files from `remoteHost` (default the Hugging Face hub). Default false. */
  allowRemote?: boolean;
  remoteHost?: string;
  /**
   * Browser: the folder ORT's runtime files are served from, e.g. '/tacit/ort/' (the backend picks the
   * build: plain SIMD for WASM, asyncify for WebGPU), or explicit `{ mjs, wasm }` URLs of one build.
   * Required in the browser unless allowRemote, because the default is a CDN.
   */
  wasmPaths?: string | { mjs: string; wasm: string };
  /** Browser backend; Node always runs onnxruntime-node on the CPU. Default 'auto'. */
  backend?: BackendChoice;
  /** Browser: keep model files in Cache Storage. Default true (where Cache Storage exists). */
  browserCache?: boolean;
  onProgress?(progress: EmbedderProgress): void;
  /**
   * Browser: the once-per-load fetch to use (model-fetch.ts), when the caller already read some of the
   * model's files with it (model-loader.ts reads config.json), so no file is fetched twice.
   */
  modelFetch?: ModelFetch;
}

export async function createEmbedder(options: EmbedderOptions): Promise<Embedder> {
  const model = options?.model;
  if (typeof model !== 'string' || model.trim() === '') {
    throw new EmbedderError('Embedder: options.model must be a non-empty model id or folder', String(model));
  }
  const dtype = options.dtype ?? 'q8';
  if (!(dtype in DTYPE_SUFFIX)) {
    throw new EmbedderError(`Embedder: unknown dtype '${dtype}' (expected ${Object.keys(DTYPE_SUFFIX).join(', ')})`, model);
  }
  const pooling = options.pooling ?? 'mean';
  if (!['mean', 'cls', 'none'].includes(pooling)) {
    throw new EmbedderError(`Embedder: unknown pooling '${pooling}' (expected mean, cls or none)`, model);
  }
  const normalize = options.normalize ?? true;
  const allowRemote = options.allowRemote ?? false;
  const onnxFile = `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;

  let loaded: Awaited<ReturnType<typeof loadTransformers>>;
  try {
    loaded = await loadTransformers();
  } catch (error) {
    throw new EmbedderError(`Embedder: cannot load model '${model}': ${error instanceof Error ? error.message : String(error)}`, model, undefined, { cause: error });
  }
  const { module, defaults } = loaded;
  const { env } = module;

  // Where files come from. Every field is set, so nothing leaks from an earlier embedder.
  env.allowLocalModels = true;
  env.allowRemoteModels = allowRemote;
  env.remoteHost = allowRemote && options.remoteHost ? options.remoteHost : defaults.remoteHost;
  env.useCustomCache = false;
  env.customCache = null;
  // ORT fetches and compiles its .wasm itself, by streaming from the URL (see TransformersEnv).
  env.useWasmCache = false;
  // Browser: model files go through model-fetch.ts during the load (env.fetch is put back after it).
  let modelFetch: ModelFetch | null = null;
  const envFetch = env.fetch;

  let modelPath = model;
  let device: string;
  let backend: Backend | 'cpu';
  let threads: number;
  const sessionOptions: Record<string, unknown> = {};

  if (isNode) {
    if (options.backend && options.backend !== 'auto') {
      throw new EmbedderError(`Embedder: backend '${options.backend}' is browser-only; Node runs onnxruntime-node on the CPU`, model);
    }
    const os = await nodeModule<typeof import('node:os')>('os');
    const path = await nodeModule<typeof import('node:path')>('path');
    const fs = await nodeModule<typeof import('node:fs')>('fs');
    env.localModelPath = options.localModelPath ? path.resolve(options.localModelPath) + path.sep : defaults.localModelPath;
    env.useBrowserCache = false;
    env.useFSCache = allowRemote; // only downloads are worth caching; local files are read in place
    // A folder path (rather than an id under localModelPath) is loaded from where it is.
    if (!options.localModelPath && fs.existsSync(path.join(model, 'config.json'))) modelPath = path.resolve(model);
    device = 'cpu';
    backend = 'cpu';
    threads = Math.min(4, os.availableParallelism());
    sessionOptions.intraOpNumThreads = threads;
    sessionOptions.interOpNumThreads = 1;
  } else {
    const modelBaseUrl = options.modelBaseUrl ?? '/models/';
    env.localModelPath = modelBaseUrl;
    env.useBrowserCache = false;
    env.useFSCache = false;
    if ((options.browserCache ?? true) && typeof caches !== 'undefined') {
      env.useCustomCache = true;
      env.customCache = servedNameCache(MODEL_CACHE, modelBaseUrl);
    }
    modelFetch = options.modelFetch ?? createModelFetch({ modelBaseUrl, model, fetch: envFetch, onProgress: options.onProgress });
    if (!options.wasmPaths && !allowRemote) {
      throw new EmbedderError(
        "Embedder: set wasmPaths to where onnxruntime-web's .wasm files are served (e.g. '/tacit/ort/'); " +
          'the default would fetch them from cdn.jsdelivr.net',
        model,
      );
    }
    // ORT needs WebAssembly for every backend. Where a CSP forbids compiling it, ORT would fail with a
    // burst of console errors; an 8-byte empty module fails the same way, silently, and names the fix.
    try {
      new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    } catch (error) {
      throw new EmbedderError(
        `Embedder: WebAssembly is blocked by the Content Security Policy (add 'wasm-unsafe-eval' to script-src of the worker's response)`,
        model,
        undefined,
        { cause: error },
      );
    }
    let selection;
    try {
      selection = await selectBackend(options.backend ?? 'auto', browserBackendEnvironment());
    } catch (error) {
      throw new EmbedderError(`Embedder: ${(error as Error).message}`, model, undefined, { cause: error });
    }
    backend = selection.backend;
    threads = selection.threads;
    device = backend;
    // Read by ORT when it first initialises wasm: effective for the first session of the page/worker.
    const wasm = env.backends.onnx.wasm;
    if (wasm) {
      wasm.numThreads = threads;
      if (options.wasmPaths) wasm.wasmPaths = ortRuntimeFiles(backend, options.wasmPaths);
    }
  }

  let pipe: FeatureExtractor;
  if (modelFetch) env.fetch = modelFetch.fetch;
  try {
    pipe = await module.pipeline('feature-extraction', modelPath, {
      dtype,
      device,
      session_options: sessionOptions,
      // In the browser, progress comes from model-fetch.ts: given a callback, transformers.js would GET
      // every file twice (once for its size).
      ...(options.onProgress && !modelFetch ? { progress_callback: options.onProgress } : {}),
    });
  } catch (error) {
    throw await describeLoadError(error, model, modelPath, dtype, onnxFile);
  } finally {
    modelFetch?.clear();
    env.fetch = envFetch;
  }
  if (modelFetch) options.onProgress?.({ status: 'ready', task: 'feature-extraction', model });

  const config = pipe.model.config;
  try {
    checkTokenizerMatchesModel(pipe, model);
  } catch (error) {
    await pipe.dispose();
    throw error;
  }

  let disposed = false;
  const run = async (batch: string[]): Promise<Float32Array[]> => {
    let output: Tensor;
    try {
      output = await pipe(batch, { pooling, normalize });
    } catch (error) {
      throw describeRunError(error, model, onnxFile);
    }
    const data = output.data as Float32Array;
    if (pooling !== 'none') {
      const width = output.dims[output.dims.length - 1]!;
      return batch.map((_, i) => zeroIfUndefined(data.slice(i * width, (i + 1) * width)));
    }
    // [batch, padded length, hidden]: keep each text's attended tokens only, so a text gives the same
    // result whatever it is batched with.
    const [, length, width] = output.dims as [number, number, number];
    const mask = pipe.tokenizer(batch, { padding: true, truncation: true }).attention_mask.data as BigInt64Array;
    return batch.map((_, i) => {
      const tokens: Float32Array[] = [];
      for (let t = 0; t < length; t++) {
        if (mask[i * length + t] === 1n) tokens.push(data.subarray((i * length + t) * width, (i * length + t + 1) * width));
      }
      const out = new Float32Array(tokens.length * width);
      tokens.forEach((token, k) => out.set(token, k * width));
      return out;
    });
  };

  let dim = typeof config.hidden_size === 'number' ? config.hidden_size : 0;
  if (!dim) {
    const [probe] = await run(['']);
    dim = pooling === 'none' ? 0 : probe!.length;
  }

  // ORT keeps the WebGPU device it created on its env (shared with transformers.js' env.backends.onnx).
  let lost = false;
  if (backend === 'webgpu') {
    const device = (env.backends.onnx as { webgpu?: { device?: { lost?: Promise<unknown> } } }).webgpu?.device;
    device?.lost?.then(() => (lost = true));
  }

  return {
    isLost: () => lost,
    modelId: model,
    dtype,
    pooling,
    dim,
    backend,
    threads,
    async embed(texts: readonly string[], embedOptions: EmbedOptions = {}): Promise<Float32Array[]> {
      if (disposed) throw new EmbedderError(`Embedder: model '${model}' was disposed`, model);
      if (!Array.isArray(texts)) throw new EmbedderError('Embedder: embed() takes an array of strings', model);
      const bad = texts.findIndex((t) => typeof t !== 'string');
      if (bad >= 0) throw new EmbedderError(`Embedder: texts[${bad}] is not a string (${typeof texts[bad]})`, model);
      const batchSize = embedOptions.batchSize ?? 32;
      if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
        throw new EmbedderError(`Embedder: batchSize must be a positive integer, got ${batchSize}`, model);
      }
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        vectors.push(...(await run(texts.slice(start, start + batchSize))));
      }
      return vectors;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await pipe.dispose();
    },
  };
}

/**
 * A text whose tokens all have zero vectors (empty text in a static-embedding model, whose special
 * tokens are zero) pools to a zero vector, which transformers.js normalises into 0/0 = NaN. Such a text
 * carries no information: return it as the zero vector, which scores 0 against everything.
 */
function zeroIfUndefined(vector: Float32Array): Float32Array {
  for (let k = 0; k < vector.length; k++) {
    if (Number.isNaN(vector[k])) return vector.fill(0);
  }
  return vector;
}

