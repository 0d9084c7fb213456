// The benchmark's Web Worker: the real worker/embedder.ts, timed inside the worker (no message
// overhead in the figures). Built by bench/embed.ts with vite into bench/results/tmp/embed-worker/.
//
// Protocol: the page posts { id, method, args } and gets { id, result } or { id, error }.

import { createEmbedder } from '../../worker/embedder.ts';
import { type Embedder } from '../../core/embedder.ts';

/**
 * Every WebAssembly compile in this worker, timed until the module is ready: streaming (instantiateStreaming
 * / compileStreaming, from the response's arrival: the browser may answer from its code cache) or of
 * bytes (instantiate / compile of an ArrayBuffer: compiled afresh every time). ORT's .wasm is one.
 */
interface CompileRecord {
  api: string;
  url: string;
  ms: number;
}
const compiles: CompileRecord[] = [];
const wasm = WebAssembly as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
for (const api of ['instantiateStreaming', 'compileStreaming', 'instantiate', 'compile']) {
  const original = wasm[api]!.bind(WebAssembly);
  wasm[api] = async (source: unknown, ...rest: unknown[]) => {
    // Streaming APIs take a Response (or a promise of one): its URL names the file.
    const response = api.endsWith('Streaming') ? await (source as Promise<Response> | Response) : null;
    const start = performance.now();
    const result = await original(response ?? source, ...rest);
    // instantiate(module) instantiates an already compiled module (ORT's pthread workers do): no compile.
    if (!(source instanceof WebAssembly.Module)) compiles.push({ api, url: response?.url ?? '', ms: performance.now() - start });
    return result;
  };
}

interface LoadOptions {
  model: string;
  modelBaseUrl: string;
  backend: 'wasm' | 'webgpu';
  /** ORT wasm threads: the embedder takes min(4, hardwareConcurrency) when crossOriginIsolated. */
  threads: number;
}

let embedder: Embedder | null = null;

const methods = {
  async load(options: LoadOptions) {
    // The embedder derives its thread count from the scope's hardwareConcurrency; pin it to the count
    // under test (the worker is fresh, so ORT reads numThreads for the first time).
    Object.defineProperty(self.navigator, 'hardwareConcurrency', { value: options.threads, configurable: true });
    const start = performance.now();
    embedder = await createEmbedder({
      model: options.model,
      modelBaseUrl: options.modelBaseUrl,
      wasmPaths: '/tacit/ort/',
      backend: options.backend,
      browserCache: false,
    });
    await embedder.embed(['warm up']);
    return {
      loadMs: performance.now() - start,
      dim: embedder.dim,
      backend: embedder.backend,
      threads: embedder.threads,
      isolated: (self as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated,
    };
  },
  /** The WebAssembly compiles so far (see CompileRecord). */
  compiles: async () => compiles,
  /** ms of each pass over all texts, in batches of `batchSize` (one warm-up pass first, not returned). */
  async time(texts: string[], batchSize: number, passes: number, warmUp: boolean) {
    if (!embedder) throw new Error('load() first');
    if (warmUp) await embedder.embed(texts.slice(0, batchSize), { batchSize });
    const out: number[] = [];
    for (let p = 0; p < passes; p++) {
      const start = performance.now();
      if (batchSize === 1) for (const text of texts) await embedder.embed([text], { batchSize: 1 });
      else await embedder.embed(texts, { batchSize });
      out.push(performance.now() - start);
    }
    return out;
  },
};

self.onmessage = async (event: MessageEvent<{ id: number; method: keyof typeof methods; args: unknown[] }>) => {
  const { id, method, args } = event.data;
  try {
    const result = await (methods[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    self.postMessage({ id, result });
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
};
