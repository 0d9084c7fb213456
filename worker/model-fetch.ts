// How the browser embedder gets a model's files: each fetched once, under the name it is served by.
//
// Once: transformers.js asks for some files twice in one load. With a progress callback it first GETs
// every model file in full only to read its size (for a local model, get_file_metadata makes a plain
// GET, not a range request), and its tokenizer check GETs tokenizer_config.json before loading it. So
// every URL is fetched once per load, read into a Blob while reporting progress, and each caller gets its
// own Response over that Blob.
//
// Served name: the build gives Tacit's own model files content-hashed names (core/built-files.ts);
// transformers.js asks for 'onnx/model_quantized.onnx' and gets 'onnx/model_quantized-<hash>.onnx'.
// The same mapping keys Cache Storage, so a changed file is never answered from an older copy.

import { builtFile, builtFileBytes } from '../core/built-files.ts';
import type { ModelCache } from './transformers.ts';

/** transformers.js' progress events, forwarded unchanged (Node), or made here (browser). */
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

const MODELS_FOLDER = 'models/';

/** Resolves a URL or path the way the worker's fetch would (paths against the worker's own URL). */
function absolute(url: string): URL {
  return new URL(url, (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/');
}

/**
 * The URL a model file is served under: Tacit's own files (those the build named) by their hashed name
 * under the same folder, anything else as asked. `modelBaseUrl` is the folder holding the model folders
 * (e.g. '/tacit/models/'), which serves the build's models/ folder.
 */
export function servedModelUrl(url: string, modelBaseUrl: string): string {
  const base = absolute(modelBaseUrl).href;
  const asked = absolute(url);
  if (asked.search || !asked.href.startsWith(base)) return url;
  const name = MODELS_FOLDER + asked.href.slice(base.length);
  const built = builtFile(name);
  return built === name ? url : base + built.slice(MODELS_FOLDER.length);
}

interface Fetched {
  blob: Blob;
  status: number;
  statusText: string;
  headers: Headers;
}

export interface ModelFetchOptions {
  /** The folder holding the model folders, as the embedder was given it. */
  modelBaseUrl: string;
  /** Model id, for progress events. */
  model: string;
  fetch: typeof fetch;
  onProgress?(progress: EmbedderProgress): void;
}

export interface ModelFetch {
  /** For transformers.js' `env.fetch`. */
  fetch: typeof fetch;
  /** The load is over: forget what was fetched, so its memory can go. */
  clear(): void;
}

export function createModelFetch(options: ModelFetchOptions): ModelFetch {
  const loads = new Map<string, Promise<Fetched>>();
  const modelFolder = absolute(options.modelBaseUrl).href + options.model + '/';

  const read = async (asked: string, served: string, init?: RequestInit): Promise<Fetched> => {
    const response = await options.fetch(served, init);
    const file = asked.startsWith(modelFolder) ? asked.slice(modelFolder.length) : asked;
    // Progress needs the decoded size: the build knows it; Content-Length gives it only when not encoded.
    const name = MODELS_FOLDER + asked.slice(absolute(options.modelBaseUrl).href.length);
    const length = Number(response.headers.get('content-length'));
    const total = builtFileBytes(name) ?? (!response.headers.get('content-encoding') && length > 0 ? length : undefined);
    const chunks: BlobPart[] = [];
    let loaded = 0;
    if (response.body && response.ok && options.onProgress) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        loaded += value.byteLength;
        options.onProgress({ status: 'progress', name: options.model, file, loaded, ...(total ? { total, progress: Math.min(100, (loaded / total) * 100) } : {}) });
      }
    } else {
      chunks.push(await response.arrayBuffer());
    }
    const blob = new Blob(chunks, { type: response.headers.get('content-type') ?? '' });
    if (response.ok) options.onProgress?.({ status: 'done', name: options.model, file });
    // The Blob holds the decoded bytes: describe them, not what the wire carried.
    const headers = new Headers(response.headers);
    headers.delete('content-encoding');
    headers.set('content-length', String(blob.size));
    return { blob, status: response.status, statusText: response.statusText, headers };
  };

  const fetchOnce = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if ((init?.method ?? 'GET') !== 'GET' || (input instanceof Request && input.method !== 'GET')) return options.fetch(input, init);
    const asked = absolute(url).href;
    let load = loads.get(asked);
    if (!load) {
      load = read(asked, servedModelUrl(url, options.modelBaseUrl), init);
      loads.set(asked, load);
      load.catch(() => loads.delete(asked)); // a failed fetch may be tried again
    }
    return load.then((f) => new Response(f.blob, { status: f.status, statusText: f.statusText, headers: f.headers }));
  };

  return { fetch: fetchOnce as typeof fetch, clear: () => loads.clear() };
}

/**
 * transformers.js' `env.customCache`: Cache Storage `cacheName`, keyed by the URL a file is served under,
 * so a model file whose content (and so its name) changed is fetched again instead of read from an
 * older copy kept under the name transformers.js asks for.
 */
export function servedNameCache(cacheName: string, modelBaseUrl: string): ModelCache {
  let opened: Promise<Cache> | null = null;
  const cache = () => (opened ??= caches.open(cacheName));
  return {
    async match(key) {
      return (await cache()).match(servedModelUrl(key, modelBaseUrl));
    },
    async put(key, response) {
      await (await cache()).put(servedModelUrl(key, modelBaseUrl), response);
    },
  };
}
