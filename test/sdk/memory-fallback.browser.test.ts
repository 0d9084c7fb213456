// The page cannot use IndexedDB (blocked storage, some private modes): the SDK keeps the shopper's events
// in memory for the page's life. The worker must still follow them, through the storage front door, so
// recommend() stays personal. (Before the fix it read its own, empty, database and answered popularity.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newContext, serveTestSite, settledModel, snippetTag, watchPage, workerFollowsPage, type TestServer } from '../support/browser/harness.ts';

let site: TestServer;
let browser: Browser;

beforeAll(async () => {
  site = await serveTestSite();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

type Win = { tacit: Record<string, (...a: unknown[]) => Promise<any>> & { loaded?: boolean } };

describe('memory fallback (no IndexedDB on the page)', () => {
  it('recommend() follows the events kept in memory: personal, not popularity', async () => {
    const context = await newContext(browser);
    await workerFollowsPage(context); // no IndexedDB in the worker either, where the device's storage is
    const page = await context.newPage();
    const seen = watchPage(page);
    // IndexedDB is gone before Tacit loads, on the page and in the worker.
    const body = `<!doctype html><html><head><script>Object.defineProperty(window, 'indexedDB', { value: undefined });</script>
      ${snippetTag()}<script>tacit.init({ consent: 'granted', catalog: '/catalog.json' });</script></head><body></body></html>`;
    await page.route('**/shop.html', (route) => route.fulfill({ contentType: 'text/html', body }));
    await page.goto(`${site.url}/shop.html`);
    await page.waitForFunction(() => (window as unknown as Win).tacit.loaded === true);
    await page.evaluate(() => (window as unknown as Win).tacit.recommend({ limit: 1 }));
    expect((await settledModel(page)).status).toBe('ready');

    const result = await page.evaluate(async () => {
      const t = (window as unknown as Win).tacit;
      for (const id of ['p1', 'p2', 'p3']) await t.track('Product Viewed', { product_id: id });
      await t.track('Product Added', { product_id: 'p2' });
      await t.export(); // flushes the buffer into the (memory) store
      const rec = await t.recommend({ limit: 5 });
      const info = await t.inspect();
      return { strategy: rec.strategy, categories: rec.items.map((r: any) => r.item?.category), storage: info.storage, interactions: info.profile?.interactions };
    });
    expect(result.storage).toBe('memory');
    expect(result.strategy).toBe('profile');
    expect(result.interactions).toBe(4);
    expect(result.categories.filter((c: string) => c === 'running').length).toBeGreaterThanOrEqual(3);
    expect(seen.errors).toEqual([]);
    await context.close();
  });
});
