// Text embeddings with transformers.js' feature-extraction pipeline, in the browser worker and in Node.
//
// transformers.js keeps its settings in one global `env`; createEmbedder() sets every field it relies
// on before loading, so embedders created one after another never inherit each other's settings
// (but do not create two with different settings concurrently).
//
// Browser: model files come from `<modelBaseUrl>/<model>/...` (env.localModelPath), ORT's wasm from
// `wasmPaths`; nothing is fetched from the Hugging Face hub or a CDN unless `allowRemote` is set.
// Model files are kept in Cache Storage ('transformers-cache') so later pages reuse them.
// Node: onnxruntime-node on the CPU; `model` may be a folder holding config.json.
//
// No Node-only module is imported on the browser path: Node built-ins are loaded with dynamic imports
// inside Node-only branches, behind a variable specifier that bundlers leave alone.

import { browserBackendEnvironment, selectBackend } from './backend.ts';
import type { Backend, BackendChoice } from './backend.ts';

export type EmbedderDtype = 'q8' | 'fp32' | 'fp16' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';
export type Pooling = 'mean' | 'cls' | 'none';

/** transformers.js' progress events, forwarded unchanged. */
export interface EmbedderProgress {
  status: 'initiate' | 'download' | 'progress' | 'progress_total' | 'done' | 'ready';
  /** Model id or folder. */
  name?: string;
  /** File inside the model folder, e.g. 'onnx/model_quantized.onnx'. */
  file?: string;
  /** 0–100. */
  progress?: number;
  loaded?: number;
  total?: number;
  task?: string;
  model?: string;
}

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
  /** Allow downloading missing files from `remoteHost` (default the Hugging Face hub). Default false. */
  allowRemote?: boolean;
  remoteHost?: string;
  /**
   * Browser: where ORT's .wasm/.mjs files are served, e.g. '/tacit/ort/' (a prefix: ORT picks the file of
   * its build), or `{ mjs, wasm }` URLs (then transformers.js also keeps them in Cache Storage).
   * Required in the browser unless allowRemote, because the default is a CDN.
   */
  wasmPaths?: string | { mjs: string; wasm: string };
  /** Browser backend; Node always runs onnxruntime-node on the CPU. Default 'auto'. */
  backend?: BackendChoice;
  /** Browser: keep model files in Cache Storage. Default true (where Cache Storage exists). */
  browserCache?: boolean;
  onProgress?(progress: EmbedderProgress): void;
}

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
  /** 'cpu' is onnxruntime-node. */
  backend: Backend | 'cpu';
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

// ---------------------------------------------------------------------------------------------------
// The slice of transformers.js this module uses (typed here: its own .d.ts types are very wide).

interface Tensor {
  data: Float32Array | BigInt64Array;
  dims: number[];
}
interface Tokenizer {
  (texts: string[], options: { padding: boolean; truncation: boolean }): { attention_mask: Tensor };
  get_vocab(): Map<string, number>;
  readonly model_max_length: number;
}
interface FeatureExtractor {
  (texts: string[], options: { pooling: Pooling; normalize: boolean }): Promise<Tensor>;
  tokenizer: Tokenizer;
  model: { config: Record<string, unknown> };
  dispose(): Promise<void>;
}
interface OnnxWasmEnv {
  wasmPaths?: string | { mjs?: string; wasm?: string };
  numThreads?: number;
}
interface TransformersEnv {
  allowLocalModels: boolean;
  allowRemoteModels: boolean;
  remoteHost: string;
  localModelPath: string;
  useBrowserCache: boolean;
  useFSCache: boolean;
  backends: { onnx: { wasm?: OnnxWasmEnv } };
}
interface Transformers {
  env: TransformersEnv;
  pipeline(task: 'feature-extraction', model: string, options: object): Promise<FeatureExtractor>;
}

let transformers: Promise<{ module: Transformers; defaults: Pick<TransformersEnv, 'localModelPath' | 'remoteHost'> }> | undefined;

/** Loaded on first use (it is large); its defaults are remembered before anything changes them. */
function loadTransformers() {
  transformers ??= import('@huggingface/transformers').then((m) => {
    const module = m as unknown as Transformers;
    return { module, defaults: { localModelPath: module.env.localModelPath, remoteHost: module.env.remoteHost } };
  });
  return transformers;
}

const isNode = typeof process !== 'undefined' && process.release?.name === 'node';

/** Node built-ins, imported only on Node paths; the variable specifier keeps bundlers from following it. */
async function nodeModule<T>(name: string): Promise<T> {
  const specifier = `node:${name}`;
  return (await import(/* @vite-ignore */ specifier)) as T;
}

const DTYPE_SUFFIX: Record<EmbedderDtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};
const JSON_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

// ---------------------------------------------------------------------------------------------------

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

  const { module, defaults } = await loadTransformers();
  const { env } = module;

  // Where files come from. Every field is set, so nothing leaks from an earlier embedder.
  env.allowLocalModels = true;
  env.allowRemoteModels = allowRemote;
  env.remoteHost = allowRemote && options.remoteHost ? options.remoteHost : defaults.remoteHost;

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
    env.localModelPath = options.modelBaseUrl ?? '/models/';
    env.useBrowserCache = (options.browserCache ?? true) && typeof caches !== 'undefined';
    env.useFSCache = false;
    const wasm = env.backends.onnx.wasm;
    if (options.wasmPaths) {
      if (wasm) wasm.wasmPaths = options.wasmPaths;
    } else if (!allowRemote) {
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
    if (wasm) wasm.numThreads = threads;
  }

  let pipe: FeatureExtractor;
  try {
    pipe = await module.pipeline('feature-extraction', modelPath, {
      dtype,
      device,
      session_options: sessionOptions,
      ...(options.onProgress ? { progress_callback: options.onProgress } : {}),
    });
  } catch (error) {
    throw await describeLoadError(error, model, modelPath, dtype, onnxFile);
  }

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

// ---------------------------------------------------------------------------------------------------
// Errors that name the model and the file.

/** Token ids the tokenizer can produce must exist in the model's embedding table, and fit its positions. */
function checkTokenizerMatchesModel(pipe: FeatureExtractor, model: string): void {
  if (!pipe.tokenizer) {
    // transformers.js decides whether a model has a tokenizer by looking for tokenizer_config.json.
    throw new EmbedderError(
      `Embedder: model '${model}' has no tokenizer: tokenizer_config.json is missing`,
      model,
      'tokenizer_config.json',
    );
  }
  const config = pipe.model.config;
  const vocabSize = config.vocab_size;
  const tokenizerSize = pipe.tokenizer.get_vocab().size;
  if (typeof vocabSize === 'number' && tokenizerSize > vocabSize) {
    throw new EmbedderError(
      `Embedder: tokenizer mismatch in model '${model}': tokenizer.json has ${tokenizerSize} tokens but ` +
        `config.json's vocab_size is ${vocabSize}`,
      model,
      'tokenizer.json',
    );
  }
  const positions = config.max_position_embeddings;
  const maxLength = pipe.tokenizer.model_max_length;
  if (typeof positions === 'number' && Number.isFinite(maxLength) && maxLength > positions) {
    throw new EmbedderError(
      `Embedder: tokenizer mismatch in model '${model}': tokenizer_config.json's model_max_length ${maxLength} ` +
        `exceeds config.json's max_position_embeddings ${positions}`,
      model,
      'tokenizer_config.json',
    );
  }
}

async function describeLoadError(
  error: unknown,
  model: string,
  modelPath: string,
  dtype: EmbedderDtype,
  onnxFile: string,
): Promise<EmbedderError> {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = `Embedder: cannot load model '${model}' (dtype ${dtype})`;
  const fail = (text: string, file?: string) => new EmbedderError(`${prefix}: ${text}`, model, file, { cause: error });

  const missing =
    /not found locally at "([^"]+)"/.exec(message) ??
    /Local file missing at "([^"]+)"/.exec(message) ??
    /Could not locate file: "([^"]+)"/.exec(message) ??
    /ENOENT[^']*'([^']+)'/.exec(message);
  if (missing) {
    const where = missing[1]!;
    const file = [onnxFile, ...JSON_FILES].find((f) => where.endsWith(f));
    return fail(`file ${file ?? where} is missing (looked for "${where}")`, file);
  }
  const remote = /attempted to load a remote file from: (\S+)/.exec(message);
  if (remote) return fail(`remote loading is disabled (allowRemote: false), but ${remote[1]} is remote`);

  if (error instanceof SyntaxError || /JSON/.test(message)) {
    const file = isNode ? await findInvalidJson(modelPath) : undefined;
    return fail(`${file ?? `one of ${JSON_FILES.join(', ')}`} is not valid JSON (${message})`, file);
  }
  if (/protobuf|onnx|Load model|InferenceSession|graph|opset/i.test(message)) {
    return fail(`${onnxFile} is not a valid ONNX model (${message})`, onnxFile);
  }
  return fail(message);
}

/** Node: which of the model folder's JSON files does not parse. */
async function findInvalidJson(modelPath: string): Promise<string | undefined> {
  const fs = await nodeModule<typeof import('node:fs')>('fs');
  const path = await nodeModule<typeof import('node:path')>('path');
  const { env } = (await loadTransformers()).module;
  const dir = fs.existsSync(modelPath) ? modelPath : path.join(env.localModelPath, modelPath);
  for (const file of JSON_FILES) {
    try {
      JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (error) {
      if (error instanceof SyntaxError) return file;
    }
  }
  return undefined;
}

function describeRunError(error: unknown, model: string, onnxFile: string): EmbedderError {
  const message = error instanceof Error ? error.message : String(error);
  if (/indices|out of (range|bounds)|Gather/i.test(message)) {
    return new EmbedderError(
      `Embedder: model '${model}' rejected the tokenizer's output (tokenizer.json does not match ${onnxFile}?): ${message}`,
      model,
      onnxFile,
      { cause: error },
    );
  }
  return new EmbedderError(`Embedder: inference failed for model '${model}' (${onnxFile}): ${message}`, model, onnxFile, {
    cause: error,
  });
}
