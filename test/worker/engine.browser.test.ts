// The engine in a real browser: the snippet loads the SDK, the SDK starts the worker, the worker loads a
// model from the shop's own origin through transformers.js on onnxruntime-web (WASM, and WebGPU with
// SwiftShader), embeds the catalogue and ranks. A missing model file gives the fallback ranking and
// one clear warning. Nothing is fetched from any other origin.

import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ROOT, launchBrowser, newContext, serveTestSite, settledModel, snippetTag, watchPage, type TestServer } from '../support/browser/harness.ts';

let site: TestServer;
const browsers: Browser[] = [];

beforeAll(async () => {
  site = await serveTestSite({ mounts: [{ prefix: '/tacit/models/', dir: resolve(ROOT, 'test/fixtures/generated') }] });
});
afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await site?.close();
});

function shopPage(model: Record<string, unknown>): string {
  return `<!doctype html><html><head><meta charset="utf-8">${snippetTag()}
  <script>tacit.init({ consent: 'granted', catalog: '/catalog.json', model: ${JSON.stringify(model)},
    engineTimeoutMs: 120000 /* SwiftShader WebGPU is ~60x slower than WASM: correctness, not speed */ });</script>
  </head><body><h1>Shop</h1></body></html>`;
}

type Win = { tacit: Record<string, (...a: unknown[]) => Promise<any>> & { loaded?: boolean } };

async function openShop(browser: Browser, model: Record<string, unknown>) {
  const context = await newContext(browser);
  const page = await context.newPage();
  const seen = watchPage(page);
  const foreign: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(site.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
  });
  await page.route('**/shop.html', (route) => route.fulfill({ contentType: 'text/html', body: shopPage(model) }));
  await page.goto(`${site.url}/shop.html`);
  await page.waitForFunction(() => (window as unknown as Win).tacit.loaded === true);
  await waitForModel(page);
  return { context, page, seen, foreign };
}

/** The first load compiles ORT's wasm: wait for the engine to settle rather than racing it. */
async function waitForModel(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as Win).tacit.recommend({ limit: 1 }));
  await settledModel(page);
}

async function journeyAndRank(page: Page) {
  return page.evaluate(async () => {
    const t = (window as unknown as Win).tacit;
    for (const id of ['p1', 'p2', 'p3', 'p5']) await t.track('Product Viewed', { product_id: id });
    await t.track('Product Added', { product_id: 'p3' });
    await t.track('Products Searched', { query: 'trail shoes' });
    await t.export(); // flushes the events to IndexedDB
    const rec = await t.recommend({ limit: 5 });
    const info = await t.inspect();
    return { rec, info };
  });
}

describe.each([
  ['wasm', false],
  ['webgpu', true],
] as const)('engine on %s', (backend, webgpu) => {
  it('loads the model from the local origin, ranks from the profile, and explains', async () => {
    const browser = await launchBrowser({ webgpu });
    browsers.push(browser);
    const { context, page, seen, foreign } = await openShop(browser, { id: 'tiny-bert', backend });
    const { rec, info } = await journeyAndRank(page);
    expect(info.model).toMatchObject({ id: 'tiny-bert', status: 'ready', backend });
    expect(info.catalog.items).toBe(40);
    expect(info.catalog.errors).toHaveLength(1);
    expect(rec.strategy).not.toMatch(/^fallback/);
    expect(rec.items).toHaveLength(5);
    for (const r of rec.items) {
      expect(r.item.inStock).toBe(true);
      expect(typeof r.score).toBe('number');
      expect(r.reason.text.length).toBeGreaterThan(0);
    }
    expect(rec.items.some((r: { reason: { kind: string } }) => r.reason.kind === 'profile')).toBe(true);
    expect(info.profile.top.length).toBeGreaterThan(0);
    expect(foreign).toEqual([]);
    expect(seen.errors).toEqual([]);
    (globalThis as Record<string, unknown>)[`ranking_${backend}`] = rec.items.map((r: { id: string; score: number }) => [r.id, r.score]);
    await context.close();
  });
});

describe('engine across backends and failures', () => {
  it('WASM and WebGPU give the same ranking (within tolerance)', () => {
    const wasm = (globalThis as Record<string, unknown>).ranking_wasm as [string, number][];
    const webgpu = (globalThis as Record<string, unknown>).ranking_webgpu as [string, number][];
    expect(wasm).toBeDefined();
    expect(webgpu).toBeDefined();
    expect(webgpu.map(([id]) => id)).toEqual(wasm.map(([id]) => id));
    webgpu.forEach(([, score], i) => expect(Math.abs(score - wasm[i][1])).toBeLessThan(0.02));
  });

  it('a missing model file gives the fallback ranking and one clear warning', async () => {
    const browser = await launchBrowser();
    browsers.push(browser);
    const { context, page, seen } = await openShop(browser, { id: 'no-such-model', backend: 'wasm' });
    const rec = await page.evaluate(async () => {
      const t = (window as unknown as Win).tacit;
      return t.recommend({ limit: 4 });
    });
    expect(rec.strategy).toMatch(/^fallback:/);
    expect(rec.items).toHaveLength(4);
    // Popularity order among in-stock items.
    const pops = rec.items.map((r: { item: { popularity: number } }) => r.item.popularity);
    expect([...pops].sort((a, b) => b - a)).toEqual(pops);
    await page.waitForTimeout(200);
    const modelWarnings = seen.warnings.filter((w) => w.includes('no-such-model'));
    expect(modelWarnings).toHaveLength(1);
    expect(modelWarnings[0]).toMatch(/could not be loaded/);
    expect(seen.errors).toEqual([]);
    await context.close();
  });
});
