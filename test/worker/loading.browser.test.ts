// How the engine loads a transformer model in Chromium, from the demo's static server: ORT's plain build
// for WASM (the asyncify build only for WebGPU), compiled by streaming from its URL, every file fetched
// once and by its content-hashed name; on the next visit nothing cached forever is fetched again.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { startStaticServer, type ServedResponse } from '../../scripts/static-server.js';
import { ROOT, launchPersistent, settledModel, snippetTag, watchPage, type TestServer } from '../support/browser/harness.ts';

let site: TestServer;
const served: ServedResponse[] = [];
const profiles: string[] = [];
const table = () => JSON.parse(readFileSync(resolve(ROOT, 'dist/tacit/.vite/built-files.json'), 'utf8')) as Record<string, { file: string }>;

// Pages come from the server itself: page.route() would switch the browser's HTTP cache off.
beforeAll(async () => {
  site = (await startStaticServer({
    mounts: [
      { prefix: '/tacit/', dir: resolve(ROOT, 'dist/tacit') },
      { prefix: '/tacit/models/', dir: resolve(ROOT, 'test/fixtures/generated') },
      { prefix: '/', dir: resolve(ROOT, 'test/support/browser/fixtures') },
    ],
    onRequest(req, res) {
      if (req.url === '/favicon.ico') return Boolean(res.writeHead(204).end());
      const backend = /^\/shop-(wasm|webgpu)\.html$/.exec(req.url ?? '')?.[1];
      if (!backend) return false;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(SHOP(backend));
      return true;
    },
    onResponse: (r) => served.push(r),
  })) as TestServer;
});
afterAll(async () => {
  await site?.close();
  for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
});

const SHOP = (backend: string) => `<!doctype html><html><head><meta charset="utf-8">${snippetTag()}
  <script>tacit.init({ consent: 'granted', catalog: '/catalog.json', model: { id: 'tiny-bert', backend: '${backend}' }, engineTimeoutMs: 120000 });</script>
  </head><body><h1>Shop</h1></body></html>`;

/** In the worker, from its first moment: every WebAssembly compile, streaming (from a URL) or of bytes. */
const RECORD_COMPILES = () => {
  const scope = self as unknown as { __compiles: { api: string; url: string; bytes: number }[] };
  scope.__compiles = [];
  const wasm = WebAssembly as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const api of ['instantiateStreaming', 'compileStreaming', 'instantiate', 'compile']) {
    const original = wasm[api]!.bind(WebAssembly);
    wasm[api] = async (source: unknown, ...rest: unknown[]) => {
      if (api.endsWith('Streaming')) {
        const response = await (source as Promise<Response>);
        scope.__compiles.push({ api, url: response.url, bytes: 0 });
        return original(response, ...rest);
      }
      const bytes = (source as ArrayBuffer).byteLength ?? 0; // a Module (ORT's threads instantiate one) has none
      if (!(source instanceof WebAssembly.Module)) scope.__compiles.push({ api, url: '', bytes });
      return original(source, ...rest);
    };
  }
};

async function visit(context: BrowserContext, backend: 'wasm' | 'webgpu') {
  const page: Page = await context.newPage();
  const seen = watchPage(page);
  let engineWorker: Worker | null = null;
  page.on('worker', (worker) => {
    if (!/\/tacit\/worker-/.test(worker.url())) return;
    engineWorker = worker;
    void worker.evaluate(RECORD_COMPILES).catch(() => {});
  });
  served.length = 0;
  await page.goto(`${site.url}/shop-${backend}.html`);
  await page.waitForFunction(() => (window as unknown as { tacit: { loaded?: boolean } }).tacit.loaded === true);
  await page.evaluate(() => (window as unknown as { tacit: { recommend(o: object): Promise<unknown> } }).tacit.recommend({ limit: 1 }));
  const model = await settledModel(page);
  const compiles = engineWorker ? await (engineWorker as Worker).evaluate(() => (self as unknown as { __compiles: unknown[] }).__compiles) : null;
  const caches = await page.evaluate(async () => Promise.all((await self.caches.keys()).map(async (name) => ({ name, urls: (await (await self.caches.open(name)).keys()).map((r) => r.url) }))));
  return { page, seen, model, compiles: compiles as { api: string; url: string; bytes: number }[] | null, caches, served: [...served] };
}

const paths = (list: ServedResponse[]) => list.map((r) => r.path);
const ortFile = (name: string) => `/tacit/${table()[`ort/${name}`]!.file}`;

describe.each([
  ['wasm', false, 'ort-wasm-simd-threaded', 'ort-wasm-simd-threaded.asyncify'],
  ['webgpu', true, 'ort-wasm-simd-threaded.asyncify', 'ort-wasm-simd-threaded'],
] as const)('a transformer model on %s', (backend, webgpu, build, otherBuild) => {
  it(`loads ORT's ${build} build by its hashed name, compiles it streaming from its URL, and fetches every file once`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tacit-profile-'));
    profiles.push(dir);
    const context = await launchPersistent(dir, { webgpu });
    try {
      const first = await visit(context, backend);
      expect(first.model).toMatchObject({ status: 'ready', backend });
      expect(first.seen.errors).toEqual([]);

      const requested = paths(first.served);
      expect(requested).toContain(ortFile(`${build}.wasm`));
      expect(requested).toContain(ortFile(`${build}.mjs`));
      expect(requested).not.toContain(ortFile(`${otherBuild}.wasm`));
      // Once each: the model's files (transformers.js asked for some twice), ORT's, Tacit's.
      const twice = requested.filter((path, i) => requested.indexOf(path) !== i);
      expect(twice).toEqual([]);
      for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx']) {
        expect(requested).toContain(`/tacit/models/tiny-bert/${file}`);
      }
      // Nothing of Tacit's build is asked for by a name that has a hashed one.
      const logical = Object.keys(table()).map((name) => `/tacit/${name}`);
      expect(requested.filter((path) => logical.includes(path))).toEqual([]);
      // Every hashed file was sent to be cached forever, compressed.
      for (const r of first.served.filter((s) => /\/tacit\/(worker-|chunks\/|ort\/)/.test(s.path))) {
        expect(r.cacheControl, r.path).toBe('public, max-age=31536000, immutable');
        expect(r.encoding, r.path).toBe('br');
      }

      // ORT compiled its .wasm from the URL (Chromium keeps that compiled code), never from bytes; and
      // the .wasm is not copied into Cache Storage.
      expect(first.compiles).not.toBeNull();
      const wasmCompiles = first.compiles!.filter((c) => c.bytes > 100_000 || c.url.endsWith('.wasm'));
      expect(wasmCompiles).toEqual([{ api: 'instantiateStreaming', url: `${site.url}${ortFile(`${build}.wasm`)}`, bytes: 0 }]);
      const cached = first.caches.flatMap((c) => c.urls);
      expect(cached.filter((url) => /\.(wasm|mjs)$/.test(url))).toEqual([]);
      await first.page.close();

      // The next visit: Tacit's hashed files come from the browser's cache (not even revalidated).
      const second = await visit(context, backend);
      expect(second.model).toMatchObject({ status: 'ready', backend });
      const again = second.served.filter((r) => /\/tacit\/(worker-|chunks\/|ort\/)/.test(r.path));
      expect(again).toEqual([]);
      const entry = second.served.find((r) => r.path === '/tacit/tacit.js');
      expect(entry === undefined || entry.status === 304).toBe(true);
    } finally {
      await context.close();
    }
  });
});
