// Nothing before consent (and nothing after a denial, on every later page): no worker, no model, no
// wasm, no request to the report server, no write to any storage. recommend() still answers, at once,
// with popularity computed on the main thread from the catalogue. After a grant the engine and the
// parameters come, the parameters without cookies and without the page's URL as referrer.

import { describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newContext } from '../support/browser/harness.ts';
import { openShop, sleep, tacit, withFaultSite, type FaultSite, type StatsServer } from '../support/browser/fault-support.ts';

let browser: Browser;
let site: FaultSite;
let stats: StatsServer;

withFaultSite((env) => ({ site, browser, stats } = env), { stats: true });

const init = (extra: Record<string, unknown> = {}) => ({ catalog: '/catalog.json', model: { id: 'tiny-bert', backend: 'wasm' }, server: stats.url, ...extra });

/** Every request of the context (pages and workers), and every worker started. */
function watch(context: BrowserContext) {
  const requests: { url: string; headers: Record<string, string> }[] = [];
  const workers: string[] = [];
  context.on('request', (r) => requests.push({ url: r.url(), headers: r.headers() }));
  context.on('page', (p) => p.on('worker', (w) => workers.push(w.url())));
  return { requests, workers, paths: () => requests.map((r) => new URL(r.url).pathname) };
}

/** What this origin holds on the device: IndexedDB databases, Cache Storage, local and session storage. */
function deviceStorage(page: Page) {
  return page.evaluate(async () => ({
    databases: (await indexedDB.databases()).map((d) => d.name),
    caches: await caches.keys(),
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
  }));
}

/** Lets the page go idle (when Tacit would start its engine) and a little more. */
const idle = (page: Page) => page.evaluate(() => new Promise((r) => requestIdleCallback(() => setTimeout(r, 1500), { timeout: 3000 })));

const ENGINE_FILES = /\/tacit\/(worker|ort\/|models\/)|\/v1\//;

describe('before consent', () => {
  it('pending: nothing of the engine is fetched, nothing is stored or sent; recommend() answers popularity at once', async () => {
    const context = await newContext(browser);
    const seen = watch(context);
    const { page } = await openShop(context, site, {
      init: init({ consent: 'pending' }),
      script: `tacit.track('Product Viewed', { product_id: 'p1' }); tacit.page();`,
    });
    await idle(page);
    const started = Date.now();
    const rec = await tacit<{ strategy: string; items: { id: string }[] }>(page, 'recommend', { limit: 3 });
    const took = Date.now() - started;
    expect(rec.strategy).toBe('fallback:popular');
    expect(rec.items).toHaveLength(3);
    expect(took).toBeLessThan(1000); // no model, no worker: the catalogue and a sort
    await idle(page);
    expect(seen.workers).toEqual([]);
    expect(seen.paths().filter((p) => ENGINE_FILES.test(p))).toEqual([]);
    expect(seen.requests.filter((r) => r.url.startsWith(stats.url))).toEqual([]);
    expect(await deviceStorage(page)).toEqual({ databases: [], caches: [], local: [], session: [] });
    expect(await tacit(page, 'sync')).toMatchObject({ sent: false, reason: 'no consent' });
    expect(await tacit(page, 'segments')).toEqual([]);
    await context.close();
  });

  it('a denial is remembered (a word and a day, nothing else): later pages fetch, store and send nothing', async () => {
    const context = await newContext(browser);
    const seen = watch(context);
    const { page } = await openShop(context, site, { init: init({ consent: 'pending' }) });
    expect(await tacit(page, 'consent', 'denied')).toBe('denied');
    const record = await page.evaluate(() => localStorage.getItem('tacit:consent'));
    expect(JSON.parse(record!)).toEqual({ state: 'denied', day: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });
    // The next page, with a shop whose default is even 'granted': the shopper's denial wins.
    const { page: next } = await openShop(context, site, { init: init({ consent: 'granted' }), script: `tacit.track('Product Viewed', { product_id: 'p2' });` });
    expect((await tacit<{ consent: string }>(next, 'inspect')).consent).toBe('denied');
    expect((await tacit<{ strategy: string }>(next, 'recommend', { limit: 2 })).strategy).toBe('fallback:popular');
    await idle(next);
    expect(seen.workers).toEqual([]);
    expect(seen.paths().filter((p) => ENGINE_FILES.test(p))).toEqual([]);
    expect(await deviceStorage(next)).toEqual({ databases: [], caches: [], local: ['tacit:consent'], session: [] });
    await context.close();
  });

  it('Global Privacy Control: nothing fetched or stored, not even the denial', async () => {
    const context = await newContext(browser);
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
    const seen = watch(context);
    const { page } = await openShop(context, site, { init: init({ consent: 'granted' }) });
    await idle(page);
    expect((await tacit<{ consent: string }>(page, 'inspect')).consent).toBe('denied');
    expect(seen.paths().filter((p) => ENGINE_FILES.test(p))).toEqual([]);
    expect(await deviceStorage(page)).toEqual({ databases: [], caches: [], local: [], session: [] });
    await context.close();
  });

  it('after a grant: the engine starts, and the parameters come without cookies or the page URL as referrer', async () => {
    const context = await newContext(browser);
    const seen = watch(context);
    await context.addCookies([{ name: 'shop_session', value: 'secret', url: stats.url }]);
    const { page } = await openShop(context, site, { init: init({ consent: 'pending' }) }, '/search-q.html');
    await page.evaluate(() => history.replaceState(null, '', '/search.html?q=pregnancy%20test&email=a%40b.c'));
    await tacit(page, 'consent', 'granted');
    const deadline = Date.now() + 10_000;
    while (!seen.requests.some((r) => r.url.startsWith(`${stats.url}/v1/params`)) && Date.now() < deadline) await sleep(100);
    const params = seen.requests.find((r) => r.url.startsWith(`${stats.url}/v1/params`));
    expect(params).toBeDefined();
    expect(params!.headers.referer ?? '').toBe('');
    expect(params!.headers.cookie ?? '').toBe('');
    while (seen.workers.length === 0 && Date.now() < deadline) await sleep(100);
    expect(seen.workers.some((w) => /\/tacit\/worker(-[\w-]+)?\.js$/.test(w))).toBe(true);
    await context.close();
  });
});
