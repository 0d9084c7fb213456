// Which runtime a model needs, decided by its own config.json: a static model (the default,
// tacit-wordnet-v2, config.json `tacit.static_model`) is a table of int8 rows read by
// core/static-embedder.ts in plain JavaScript — no ONNX Runtime, no WebAssembly, one file; anything else
// is a transformer run by transformers.js on ONNX Runtime (embedder.ts). Works in the worker (fetch, same
// origin paths) and in Node (files), like embedder.ts.

import { createStaticEmbedder, type ExtraWords } from '../core/static-embedder.ts';
import { EmbedderError, type Embedder } from '../core/embedder.ts';
import { createEmbedder, type EmbedderOptions } from './embedder.ts';
import { createModelFetch, servedModelUrl, type ModelFetch } from './model-fetch.ts';
import { isNode, nodeModule } from './transformers.ts';

export interface ModelExtras {
  /** The shop's own words, from its vector file (static models only). */
  extraWords?: ExtraWords;
}

interface ModelConfig {
  tacit?: { static_model?: unknown };
}

/** The model's config.json, or null when it cannot be read (transformers.js then reports what is wrong). */
async function readModelConfig(options: EmbedderOptions, modelFetch: ModelFetch | null): Promise<{ config: ModelConfig; folder: string } | null> {
  try {
    if (isNode) {
      const fs = await nodeModule<typeof import('node:fs')>('fs');
      const path = await nodeModule<typeof import('node:path')>('path');
      const folder = options.localModelPath ? path.join(options.localModelPath, options.model) : path.resolve(options.model);
      const file = options.files?.['config.json'] ?? path.join(folder, 'config.json');
      return { config: JSON.parse(fs.readFileSync(file, 'utf8')) as ModelConfig, folder: folder + path.sep };
    }
    const base = options.modelBaseUrl ?? '/models/';
    const folder = new URL(`${options.model}/`, new URL(base, location.href)).href;
    // Through the load's once-per-file fetch (model-fetch.ts: hashed names), which transformers.js
    // then reuses for a transformer model, so config.json is fetched once either way.
    const response = await modelFetch!.fetch(new URL('config.json', folder).href, { credentials: 'same-origin' });
    return response.ok ? { config: (await response.json()) as ModelConfig, folder } : null;
  } catch {
    return null;
  }
}

/** An embedder for the configured model: the static path when the model is static, else transformers.js. */
export async function createModelEmbedder(options: EmbedderOptions, extras: ModelExtras = {}): Promise<Embedder> {
  const modelFetch = isNode ? null : createModelFetch({ modelBaseUrl: options.modelBaseUrl ?? '/models/', model: options.model, fetch: (input, init) => fetch(input, init), onProgress: options.onProgress });
  const found = options.dtype === undefined || options.dtype === 'q8' ? await readModelConfig(options, modelFetch) : null;
  const file = found?.config.tacit?.static_model;
  if (typeof file !== 'string') {
    if (options.files) throw new EmbedderError(`Embedder: model '${options.model}' is not a static model, so it needs its own folder`, options.model);
    return createEmbedder({ ...options, ...(modelFetch ? { modelFetch } : {}) });
  }
  const url = isNode ? (options.files?.[file] ?? `${found!.folder}${file}`) : servedModelUrl(new URL(file, found!.folder).href, options.modelBaseUrl ?? '/models/');
  try {
    options.onProgress?.({ status: 'initiate', name: options.model, file });
    const embedder = await createStaticEmbedder({ url, modelId: options.model, extraWords: extras.extraWords });
    options.onProgress?.({ status: 'ready', name: options.model, file, progress: 100 });
    return embedder;
  } catch (error) {
    throw new EmbedderError(`Embedder: cannot load static model '${options.model}' (${file}): ${error instanceof Error ? error.message : String(error)}`, options.model, file, { cause: error });
  }
}
