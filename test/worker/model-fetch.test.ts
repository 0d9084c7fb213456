// The browser embedder's model files: each URL fetched once per load (transformers.js asks twice), by the
// content-hashed name the build gave Tacit's own files, with progress; Cache Storage keyed by that name.
// And ORT's runtime: the build the backend needs, by its hashed name.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EmbedderProgress } from '../../worker/model-fetch.ts';

const TABLE = {
  'models/m1/onnx/model_quantized.onnx': { file: 'models/m1/onnx/model_quantized-Q8hAsh12.onnx', bytes: 10 },
  'models/m1/config.json': { file: 'models/m1/config-C0nfig12.json', bytes: 7 },
  'ort/ort-wasm-simd-threaded.wasm': { file: 'ort/ort-wasm-simd-threaded-Pl41nAbc.wasm', bytes: 100 },
  'ort/ort-wasm-simd-threaded.mjs': { file: 'ort/ort-wasm-simd-threaded-Pl41nMjs.mjs', bytes: 10 },
  'ort/ort-wasm-simd-threaded.asyncify.wasm': { file: 'ort/ort-wasm-simd-threaded.asyncify-AsYncAbc.wasm', bytes: 200 },
  'ort/ort-wasm-simd-threaded.asyncify.mjs': { file: 'ort/ort-wasm-simd-threaded.asyncify-AsYncMjs.mjs', bytes: 20 },
};

// The modules read the build's table when they load: give them one, as the build's `define` would.
let modelFetch: typeof import('../../worker/model-fetch.ts');
let backend: typeof import('../../worker/backend.ts');
beforeAll(async () => {
  vi.stubGlobal('__TACIT_BUILT_FILES__', TABLE);
  vi.stubGlobal('location', { href: 'https://shop.test/products/1' });
  vi.resetModules();
  modelFetch = await import('../../worker/model-fetch.ts');
  backend = await import('../../worker/backend.ts');
});
afterAll(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

/** A server in a function: bodies by absolute URL; records every request. */
function fakeNetwork(files: Record<string, string>, headers: Record<string, string> = {}) {
  const requests: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'https://shop.test/').href; // as the worker's fetch resolves a path
    requests.push(url);
    await new Promise((r) => setTimeout(r, 5)); // concurrent callers overlap
    const body = files[url];
    return body === undefined ? new Response('missing', { status: 404 }) : new Response(body, { headers: { 'content-type': 'application/octet-stream', ...headers } });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, requests };
}

describe('servedModelUrl', () => {
  it("maps the build's own model files to their hashed names under the same folder", () => {
    const { servedModelUrl } = modelFetch;
    expect(servedModelUrl('/tacit/models/m1/onnx/model_quantized.onnx', '/tacit/models/')).toBe('https://shop.test/tacit/models/m1/onnx/model_quantized-Q8hAsh12.onnx');
    expect(servedModelUrl('https://shop.test/cdn/models/m1/config.json', 'https://shop.test/cdn/models/')).toBe('https://shop.test/cdn/models/m1/config-C0nfig12.json');
  });

  it('leaves every other file as asked: other models, other folders, query strings', () => {
    const { servedModelUrl } = modelFetch;
    expect(servedModelUrl('/tacit/models/shop-model/config.json', '/tacit/models/')).toBe('/tacit/models/shop-model/config.json');
    expect(servedModelUrl('/elsewhere/m1/config.json', '/tacit/models/')).toBe('/elsewhere/m1/config.json');
    expect(servedModelUrl('/tacit/models/m1/config.json?x=1', '/tacit/models/')).toBe('/tacit/models/m1/config.json?x=1');
  });
});

describe('createModelFetch', () => {
  const ONNX = 'https://shop.test/tacit/models/m1/onnx/model_quantized-Q8hAsh12.onnx';
  const CONFIG = 'https://shop.test/tacit/models/m1/config-C0nfig12.json';
  const SHOP = 'https://shop.test/tacit/models/m1/tokenizer.json'; // not in the table: its own name

  it('fetches each URL once however often and however concurrently it is asked, each caller getting the bytes', async () => {
    const net = fakeNetwork({ [ONNX]: '0123456789', [CONFIG]: '{"a":1}', [SHOP]: '{"t":2}' });
    const { fetch } = modelFetch.createModelFetch({ modelBaseUrl: '/tacit/models/', model: 'm1', fetch: net.fetch });
    const asked = ['/tacit/models/m1/onnx/model_quantized.onnx', '/tacit/models/m1/config.json', '/tacit/models/m1/tokenizer.json'];
    const responses = await Promise.all([...asked, ...asked, ...asked].map((url) => fetch(url)));
    expect(net.requests.sort()).toEqual([CONFIG, ONNX, SHOP].sort());
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(bodies.slice(0, 3)).toEqual(['0123456789', '{"a":1}', '{"t":2}']);
    expect(bodies.slice(3, 6)).toEqual(bodies.slice(0, 3));
    // A later call within the load still gets the bytes, from memory.
    expect(await (await fetch('/tacit/models/m1/config.json')).json()).toEqual({ a: 1 });
    expect(net.requests).toHaveLength(3);
  });

  it('describes the decoded bytes it hands over, not the encoded ones the wire carried', async () => {
    const net = fakeNetwork({ [CONFIG]: '{"a":1}' }, { 'content-encoding': 'br', 'content-length': '3' });
    const { fetch } = modelFetch.createModelFetch({ modelBaseUrl: '/tacit/models/', model: 'm1', fetch: net.fetch });
    const response = await fetch('/tacit/models/m1/config.json');
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('content-length')).toBe('7');
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('passes a missing file on as its 404, and forgets everything at clear()', async () => {
    const net = fakeNetwork({});
    const load = modelFetch.createModelFetch({ modelBaseUrl: '/tacit/models/', model: 'm1', fetch: net.fetch });
    const response = await load.fetch('/tacit/models/m1/config.json');
    expect(response.status).toBe(404);
    await load.fetch('/tacit/models/m1/config.json');
    expect(net.requests).toHaveLength(1);
    load.clear();
    await load.fetch('/tacit/models/m1/config.json');
    expect(net.requests).toHaveLength(2);
  });

  it('tries a failed fetch again, and lets other methods through untouched', async () => {
    let calls = 0;
    const flaky = vi.fn(async () => {
      if (++calls === 1) throw new TypeError('network error');
      return new Response('ok');
    }) as unknown as typeof fetch;
    const { fetch } = modelFetch.createModelFetch({ modelBaseUrl: '/tacit/models/', model: 'm1', fetch: flaky });
    await expect(fetch('/tacit/models/m1/config.json')).rejects.toThrow('network error');
    expect(await (await fetch('/tacit/models/m1/config.json')).text()).toBe('ok');
    await fetch('/tacit/models/m1/config.json', { method: 'POST' });
    await fetch('/tacit/models/m1/config.json', { method: 'POST' });
    expect(calls).toBe(4);
  });

  it('reports progress against the decoded size from the build, then done', async () => {
    const events: EmbedderProgress[] = [];
    const net = fakeNetwork({ [ONNX]: '0123456789' }, { 'content-encoding': 'br', 'content-length': '4' });
    const { fetch } = modelFetch.createModelFetch({ modelBaseUrl: '/tacit/models/', model: 'm1', fetch: net.fetch, onProgress: (p) => events.push(p) });
    await fetch('/tacit/models/m1/onnx/model_quantized.onnx');
    expect(events.at(-2)).toEqual({ status: 'progress', name: 'm1', file: 'onnx/model_quantized.onnx', loaded: 10, total: 10, progress: 100 });
    expect(events.at(-1)).toEqual({ status: 'done', name: 'm1', file: 'onnx/model_quantized.onnx' });
  });

  it('reports no percentage when the size is unknown (encoded, not built by Tacit)', async () => {
    const events: EmbedderProgress[] = [];
    const net = fakeNetwork({ [SHOP]: '{"t":2}' }, { 'content-encoding': 'gzip', 'content-length': '3' });
    const { fetch } = modelFetch.createModelFetch({ modelBaseUrl: '/tacit/models/', model: 'm1', fetch: net.fetch, onProgress: (p) => events.push(p) });
    await fetch('/tacit/models/m1/tokenizer.json');
    expect(events[0]).toEqual({ status: 'progress', name: 'm1', file: 'tokenizer.json', loaded: 7 });
  });
});

describe('servedNameCache', () => {
  it('keeps and finds files in Cache Storage under their served (hashed) URL', async () => {
    const store = new Map<string, Response>();
    const open = vi.fn(async () => ({
      match: async (key: string) => store.get(key),
      put: async (key: string, response: Response) => void store.set(key, response),
    }));
    vi.stubGlobal('caches', { open });
    const cache = modelFetch.servedNameCache('transformers-cache', '/tacit/models/');
    await cache.put('/tacit/models/m1/config.json', new Response('{}'));
    await cache.put('/tacit/models/other/config.json', new Response('{}'));
    expect([...store.keys()]).toEqual(['https://shop.test/tacit/models/m1/config-C0nfig12.json', '/tacit/models/other/config.json']);
    expect(await cache.match('/tacit/models/m1/config.json')).toBeInstanceOf(Response);
    expect(open).toHaveBeenCalledTimes(1);
    expect(open).toHaveBeenCalledWith('transformers-cache');
  });
});

describe('ortRuntimeFiles', () => {
  it('loads the plain SIMD build for WASM and the asyncify build only for WebGPU, by their hashed names', () => {
    expect(backend.ortRuntimeFiles('wasm', '/tacit/ort/')).toEqual({
      mjs: '/tacit/ort/ort-wasm-simd-threaded-Pl41nMjs.mjs',
      wasm: '/tacit/ort/ort-wasm-simd-threaded-Pl41nAbc.wasm',
    });
    expect(backend.ortRuntimeFiles('webgpu', 'https://cdn.shop.test/tacit/ort')).toEqual({
      mjs: 'https://cdn.shop.test/tacit/ort/ort-wasm-simd-threaded.asyncify-AsYncMjs.mjs',
      wasm: 'https://cdn.shop.test/tacit/ort/ort-wasm-simd-threaded.asyncify-AsYncAbc.wasm',
    });
  });

  it('keeps explicit URLs as they are', () => {
    const paths = { mjs: '/x/ort.mjs', wasm: '/x/ort.wasm' };
    expect(backend.ortRuntimeFiles('webgpu', paths)).toBe(paths);
  });
});
