// The snippet pasted into a plain HTML page in real Chromium: events are stored in real IndexedDB,
// survive a reload, and the page never sees an exception.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newContext, readStoredEvents, serveTestSite, snippetTag, watchPage, type TestServer } from '../support/browser/harness.ts';

let browser: Browser;
let site: TestServer;

const page = (body: string) => `<!doctype html><html><head><meta charset="utf-8">${snippetTag()}
<script>tacit.init({ consent: 'granted' });</script></head><body>${body}</body></html>`;

beforeAll(async () => {
  site = await serveTestSite({
    mounts: [],
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('snippet in a plain page', () => {
  it('stores events in IndexedDB, keeps them across a reload, and replays calls made before load', async () => {
    const context = await newContext(browser);
    const tab = await context.newPage();
    const seen = watchPage(tab);
    await tab.route('**/shop.html', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: page(`<h1>Shop</h1><script>
          tacit.page();
          tacit.track('Product Viewed', { product_id: 'sku-1', name: 'Trail Runner' });
          tacit.track('Products Searched', { query: 'waterproof jacket' });
        </script>`),
      }),
    );
    await tab.goto(`${site.url}/shop.html`);
    await tab.waitForFunction(() => (window as unknown as { tacit: { loaded?: boolean } }).tacit.loaded === true);
    // Flush happens when the page is idle; export() flushes and reads through the SDK.
    const exported = await tab.evaluate(() => (window as unknown as { tacit: { export(): Promise<{ events: unknown[] }> } }).tacit.export());
    expect(exported.events).toHaveLength(3);

    await tab.reload();
    await tab.waitForFunction(() => (window as unknown as { tacit: { loaded?: boolean } }).tacit.loaded === true);
    await tab.evaluate(() => (window as unknown as { tacit: { export(): Promise<unknown> } }).tacit.export());
    const stored = await readStoredEvents(tab);
    expect(stored.map((e) => e.event)).toEqual([
      'Page Viewed',
      'Product Viewed',
      'Products Searched',
      'Page Viewed',
      'Product Viewed',
      'Products Searched',
    ]);
    expect(stored[1].properties).toEqual({ product_id: 'sku-1', name: 'Trail Runner' });
    expect(stored[0].properties).toEqual({ path: '/shop.html' });
    const seqs = stored.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  it('stores nothing while consent is pending and writes once granted', async () => {
    const context = await newContext(browser);
    const tab = await context.newPage();
    await tab.route('**/pending.html', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html><head>${snippetTag()}<script>tacit.init({});
          tacit.track('Product Viewed', { product_id: 'a' });</script></head><body></body></html>`,
      }),
    );
    await tab.goto(`${site.url}/pending.html`);
    await tab.waitForFunction(() => (window as unknown as { tacit: { loaded?: boolean } }).tacit.loaded === true);
    await tab.evaluate(() => (window as unknown as { tacit: { export(): Promise<unknown> } }).tacit.export());
    const names = await tab.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(names).not.toContain('tacit');
    await tab.evaluate(() => (window as unknown as { tacit: { consent(s: string): Promise<unknown> } }).tacit.consent('granted'));
    // The grant starts the worker, which keeps the device's data: the buffered event is written by itself.
    let stored = await readStoredEvents(tab);
    for (const deadline = Date.now() + 10_000; stored.length === 0 && Date.now() < deadline; stored = await readStoredEvents(tab)) await new Promise((r) => setTimeout(r, 100));
    expect(stored.map((e) => e.properties.product_id)).toEqual(['a']);
    await context.close();
  });

  it('a snippet pasted twice loads the SDK once and loses no call', async () => {
    const context = await newContext(browser);
    const tab = await context.newPage();
    const seen = watchPage(tab);
    let sdkRequests = 0;
    tab.on('request', (r) => r.url().endsWith('/tacit/tacit.js') && sdkRequests++);
    await tab.route('**/twice.html', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html><head>${snippetTag()}<script>tacit.track('Product Viewed', { product_id: 'a' });</script>
          ${snippetTag()}<script>tacit.init({ consent: 'granted' }); tacit.track('Product Viewed', { product_id: 'b' });</script></head><body></body></html>`,
      }),
    );
    await tab.goto(`${site.url}/twice.html`);
    await tab.waitForFunction(() => (window as unknown as { tacit: { loaded?: boolean } }).tacit.loaded === true);
    await tab.evaluate(() => (window as unknown as { tacit: { export(): Promise<unknown> } }).tacit.export());
    expect((await readStoredEvents(tab)).map((e) => e.properties.product_id)).toEqual(['a', 'b']);
    expect(sdkRequests).toBe(1);
    expect(seen.errors).toEqual([]);
    await context.close();
  });
});
