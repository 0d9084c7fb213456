// The Web Worker entry: exposes the engine to the main thread with comlink. Everything heavy
// (transformers.js, onnxruntime-web, the model) lives here, off the page's main thread.

import { expose } from 'comlink';
import { createEmbedder, type EmbedderProgress } from './embedder.ts';
import { Engine, type EngineConfig, type Taxonomy } from './engine.ts';

let progressListener: ((p: EmbedderProgress) => void) | null = null;
let warningListener: ((message: string) => void) | null = null;

const engine = new Engine({
  createEmbedder,
  fetch: (input, init) => fetch(input, init),
  onProgress: (p) => progressListener?.(p),
  onWarning: (message) => warningListener?.(message),
});

export const workerApi = {
  init(config: EngineConfig, onProgress?: (p: EmbedderProgress) => void, onWarning?: (message: string) => void) {
    progressListener = onProgress ?? null;
    warningListener = onWarning ?? null;
    return engine.init(config);
  },
  setConsent: (persist: boolean) => engine.setConsent(persist),
  refresh: () => engine.refresh(),
  recommend: (options: Parameters<Engine['recommend']>[0]) => engine.recommend(options),
  setTaxonomy: (taxonomy: Taxonomy) => engine.setTaxonomy(taxonomy),
  segments: () => engine.segments(),
  inspect: () => engine.inspect(),
  forget: () => engine.forget(),
  /** For fault tests and the watchdog: answers as soon as the worker's event loop is free. */
  ping: () => 'pong' as const,
};

export type WorkerApi = typeof workerApi;

expose(workerApi);
