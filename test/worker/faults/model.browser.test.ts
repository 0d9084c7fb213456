// Model and catalogue faults in Chromium: a model file missing, truncated or corrupt, a tokenizer that
// does not match the model, a catalogue that is missing, has bad rows, is huge (100k items), or carries
// hostile or unusual text (HTML and script, RTL, emoji, 10 KB titles). The page gets recommendations
// (from the model when it loads, else by popularity), one clear warning per fault, and no error.
//
// Broken model folders are made at run time from the tiny random-weight model, in a temp folder
// served under /faultmodels/ (init({ model: { baseUrl: '/faultmodels/' } })).

import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ROOT, launchBrowser, newContext } from '../../support/browser/harness.ts';
import { inspectUntil, openShop, serveFaultSite, tacit, tacitWarnings, type FaultSite } from '../../support/browser/fault-support.ts';

let browser: Browser;
let site: FaultSite;
let models: string;
const TINY = resolve(ROOT, 'test/fixtures/generated/tiny-bert');
const CATALOG = JSON.parse(readFileSync(resolve(ROOT, 'test/support/browser/fixtures/catalog.json'), 'utf8')) as Record<string, unknown>[];

/** A copy of the tiny model named `name`, broken by `breakIt`. */
function brokenModel(name: string, breakIt: (dir: string) => void): void {
  const dir = join(models, name);
  cpSync(TINY, dir, { recursive: true });
  breakIt(dir);
}

beforeAll(async () => {
  models = mkdtempSync(join(tmpdir(), 'tacit-fault-models-'));
  brokenModel('truncated', (dir) => {
    const file = join(dir, 'onnx/model_quantized.onnx');
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
  });
  brokenModel('corrupt', (dir) => writeFileSync(join(dir, 'onnx/model_quantized.onnx'), Buffer.alloc(4096, 0x5a)));
  brokenModel('no-onnx', (dir) => rmSync(join(dir, 'onnx'), { recursive: true }));
  brokenModel('bad-tokenizer-json', (dir) => writeFileSync(join(dir, 'tokenizer.json'), '{"model": {"type": "WordPie'));
  // Token ids beyond the model's 1024-row embedding table: the tokenizer of another model.
  brokenModel('tokenizer-mismatch', (dir) => {
    const tokenizer = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
    for (const key of Object.keys(tokenizer.model.vocab)) tokenizer.model.vocab[key] += 5000;
    for (const t of tokenizer.added_tokens ?? []) t.id += 5000;
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  });
  site = await serveFaultSite([{ prefix: '/faultmodels/', dir: models }]);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  rmSync(models, { recursive: true, force: true });
});

type Rec = { items: { id: string; item: Record<string, unknown> }[]; strategy: string };

async function shopWith(model: Record<string, unknown>, catalog = '/catalog.json') {
  const context = await newContext(browser);
  const { page, seen } = await openShop(context, site, {
    init: { consent: 'granted', catalog, model: { backend: 'wasm', ...model }, engineTimeoutMs: 60_000 },
  });
  // Settled: the model loaded or failed, or no model is tried because the catalogue failed.
  const info = await inspectUntil(
    page,
    (i) => i.worker === 'failed' || i.model?.status === 'ready' || i.model?.status === 'failed' || Boolean(i.catalog?.error),
    60_000,
  );
  return { context, page, seen, info };
}

describe('model files', () => {
  it.each([
    ['the .onnx file is missing (404)', 'no-onnx'],
    ['the .onnx file is truncated', 'truncated'],
    ['the .onnx file is not ONNX at all', 'corrupt'],
    ['tokenizer.json is not JSON', 'bad-tokenizer-json'],
  ])('%s: popularity ranking, one warning naming the model, no page error', async (_label, id) => {
    const { context, page, seen, info } = await shopWith({ id, baseUrl: '/faultmodels/' });
    expect(info.model.status).toBe('failed');
    const rec = await tacit<Rec>(page, 'recommend', { limit: 4 });
    expect(rec.strategy).toMatch(/^fallback:/);
    expect(rec.items).toHaveLength(4);
    expect(tacitWarnings(seen.warnings, new RegExp(`"${id}"`))).toHaveLength(1);
    expect(seen.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await context.close();
  }, 90_000);

  it('a tokenizer that does not match the model (ids beyond its vocabulary): no page error, recommendations still come', async () => {
    const { context, page, seen, info } = await shopWith({ id: 'tokenizer-mismatch', baseUrl: '/faultmodels/' });
    const rec = await tacit<Rec>(page, 'recommend', { limit: 4 });
    expect(rec.items).toHaveLength(4);
    // Either the mismatch is caught (model failed, one warning) or ORT clamps the ids; never an error.
    if (info.model.status === 'failed') expect(tacitWarnings(seen.warnings, /"tokenizer-mismatch"/)).toHaveLength(1);
    expect(seen.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await context.close();
  }, 90_000);
});

describe('catalogue', () => {
  function serveCatalog(path: string, body: unknown): string {
    site.page(path, typeof body === 'string' ? body : JSON.stringify(body), { 'content-type': 'application/json' });
    return path;
  }

  it('missing (404): no recommendations, one warning, no page error', async () => {
    const { context, page, seen } = await shopWith({ id: 'no-such-model' }, '/faults/no-catalog.json');
    const rec = await tacit<Rec>(page, 'recommend', { limit: 4 });
    expect(rec.items).toEqual([]);
    expect(tacitWarnings(seen.warnings, /catalogue could not be loaded/)).toHaveLength(1);
    expect(seen.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await context.close();
  });

  it('bad rows: the good rows are used, one warning counting the rejected ones', async () => {
    const rows = [
      ...CATALOG.slice(0, 10),
      null,
      'p99',
      { id: 'no-title' },
      { id: { nested: 1 }, title: 'x' },
      { id: 'p1', title: 'duplicate id' },
      { id: 'neg', title: 'Negative price', price: -5 },
    ];
    const { context, page, seen, info } = await shopWith({ id: 'no-such-model' }, serveCatalog('/faults/bad-rows.json', rows));
    expect(info.catalog.items).toBeGreaterThanOrEqual(10);
    const rec = await tacit<Rec>(page, 'recommend', { limit: 5 });
    expect(rec.items).toHaveLength(5);
    expect(tacitWarnings(seen.warnings, /catalogue row\(s\) rejected/)).toHaveLength(1);
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  it('not JSON at all: one warning, no page error', async () => {
    const { context, page, seen } = await shopWith({ id: 'no-such-model' }, serveCatalog('/faults/not-json.json', '<html>oops</html>'));
    expect((await tacit<Rec>(page, 'recommend', { limit: 3 })).items).toEqual([]);
    expect(tacitWarnings(seen.warnings, /catalogue/)).toHaveLength(1);
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  it('100k items (generated): loads, ranks by popularity off the model, and the page stays responsive', async () => {
    const big = Array.from({ length: 100_000 }, (_, i) => ({
      id: `sku-${i}`,
      title: `Generated item ${i}`,
      category: `cat-${i % 50}`,
      price: (i % 500) + 0.99,
      inStock: i % 7 !== 0,
      popularity: (i * 7919) % 100_000,
    }));
    const { context, page, seen, info } = await shopWith({ id: 'no-such-model' }, serveCatalog('/faults/big.json', big));
    expect(info.catalog.items).toBe(100_000);
    const rec = await tacit<Rec>(page, 'recommend', { limit: 8 });
    expect(rec.items).toHaveLength(8);
    const pops = rec.items.map((r) => r.item.popularity as number);
    expect([...pops].sort((a, b) => b - a)).toEqual(pops);
    expect(rec.items.every((r) => r.item.inStock === true)).toBe(true);
    // Responsive: a trivial evaluate round-trip still answers while Tacit holds 100k items.
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    expect(seen.errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('HTML and script, RTL, emoji and 10 KB titles: embedded by the model as text, returned as data, never run', async () => {
    const odd = [
      { id: 'xss', title: '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>Boots', description: '"><svg onload=window.__xss=3>' },
      { id: 'rtl', title: 'حذاء للجري على الطرق الوعرة', description: '\u202Eevil\u202C עברית' },
      { id: 'emoji', title: '🥾🏔️ Trail boots 👟 ✨', description: '👨‍👩‍👧‍👦 family pack' },
      { id: 'huge', title: `Huge ${'very long title '.repeat(640)}`, description: 'x'.repeat(10_240) },
      { id: 'nul', title: 'Null\u0000byte and lone surrogate \ud800 here' },
      ...CATALOG.slice(0, 10),
    ];
    const { context, page, seen, info } = await shopWith({ id: 'tiny-bert' }, serveCatalog('/faults/odd.json', odd));
    expect(info.model.status).toBe('ready');
    await page.evaluate(() => (window as any).tacit.track('Product Viewed', { product_id: 'xss' }));
    const rec = await tacit<Rec>(page, 'recommend', { limit: 15 });
    expect(rec.strategy).not.toMatch(/^fallback/);
    const byId = new Map(rec.items.map((r) => [r.id, r.item]));
    expect([...byId.keys()]).toEqual(expect.arrayContaining(['rtl', 'emoji', 'huge']));
    expect(String(byId.get('emoji')?.title)).toContain('🥾');
    expect(String(byId.get('huge')?.title).length).toBeLessThan(10_000); // capped by catalogue validation
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
    expect(seen.errors).toEqual([]);
    await context.close();
  }, 90_000);
});
