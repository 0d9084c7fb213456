// The embedded default model in real Chromium, loaded by the worker from the shop's origin: related
// product titles score higher than unrelated ones; and a vector file written by `tacit embed-catalog`
// (the CLI, in Node) is accepted by the worker instead of embedding on the device.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_MODEL_ID } from '../../model/default.ts';
import { ROOT, launchBrowser, newContext, serveTestSite, settledModel, snippetTag, watchPage, type TestServer } from '../support/browser/harness.ts';

const CATALOG = [
  { id: 'trail', title: 'Trail running shoes', category: 'running', popularity: 1 },
  { id: 'sneakers', title: "Men's lightweight sneakers", category: 'running', popularity: 2 },
  { id: 'saucepan', title: 'Stainless steel saucepan', category: 'kitchen', popularity: 9 },
  { id: 'headphones', title: 'Wireless over-ear headphones', category: 'audio', popularity: 8 },
  { id: 'skillet', title: 'Cast iron frying pan', category: 'kitchen', popularity: 7 },
  { id: 'tent', title: 'Two-person backpacking tent', category: 'outdoor', popularity: 6 },
];

let site: TestServer;
let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'tacit-vec-'));

beforeAll(async () => {
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify(CATALOG));
  execFileSync('node', [resolve(ROOT, 'bin/tacit.js'), 'embed-catalog', join(dir, 'catalog.json'), '--out', join(dir, 'catalog.vec')], { cwd: ROOT });
  site = await serveTestSite({ mounts: [{ prefix: '/data/', dir }] });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function shop(init: Record<string, unknown>): Promise<{ page: Page; seen: ReturnType<typeof watchPage>; close(): Promise<void> }> {
  const context = await newContext(browser);
  const page = await context.newPage();
  const seen = watchPage(page);
  await page.route('**/shop.html', (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><html><head>${snippetTag()}<script>tacit.init(${JSON.stringify(init)});</script></head><body></body></html>` }),
  );
  await page.goto(`${site.url}/shop.html`);
  await page.waitForFunction(() => (window as unknown as { tacit: { loaded?: boolean } }).tacit.loaded === true);
  await page.evaluate(() => (window as unknown as { tacit: { recommend(o: unknown): Promise<unknown> } }).tacit.recommend({ limit: 1 }));
  await settledModel(page);
  return { page, seen, close: () => context.close() };
}

const similar = (page: Page, itemId: string) =>
  page.evaluate(
    (id) => (window as unknown as { tacit: { recommend(o: unknown): Promise<{ strategy: string; items: { id: string; score: number }[] }> } }).tacit.recommend({ limit: 5, context: { itemId: id, weight: 1 } }),
    itemId,
  );

describe(`the default model (${DEFAULT_MODEL_ID}) in Chromium`, () => {
  it('scores related product titles above unrelated ones, from a CLI-written vector file', async () => {
    const { page, seen, close } = await shop({ consent: 'granted', catalog: '/data/catalog.json', catalogVectors: '/data/catalog.vec' });
    const info = await page.evaluate(() => (window as unknown as { tacit: { inspect(): Promise<any> } }).tacit.inspect());
    expect(info.model).toMatchObject({ id: DEFAULT_MODEL_ID, status: 'ready' });
    expect(info.catalog.vectors).toBe('precomputed');
    const trail = await similar(page, 'trail');
    expect(trail.strategy).toBe('similar');
    const score = Object.fromEntries(trail.items.map((r) => [r.id, r.score]));
    expect(trail.items[0].id).toBe('sneakers');
    expect(score.sneakers).toBeGreaterThan(score.saucepan ?? -1);
    expect(score.sneakers).toBeGreaterThan(score.headphones ?? -1);
    const pan = await similar(page, 'saucepan');
    expect(pan.items[0].id).toBe('skillet');
    expect(seen.errors).toEqual([]);
    await close();
  });

  it('embeds on the device when no vector file is given, with the same ranking', async () => {
    const { page, close } = await shop({ consent: 'granted', catalog: '/data/catalog.json' });
    const info = await page.evaluate(() => (window as unknown as { tacit: { inspect(): Promise<any> } }).tacit.inspect());
    expect(info.catalog.vectors).toBe('embedded');
    expect((await similar(page, 'trail')).items[0].id).toBe('sneakers');
    expect((await similar(page, 'saucepan')).items[0].id).toBe('skillet');
    await close();
  });
});
