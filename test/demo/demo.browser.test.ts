// The demo shop in real Chromium, against the real aggregation server (in process, SQLite on disk),
// served like `npm start` serves it (COOP/COEP, Tacit under /tacit/, the embedded default model).
// Persona journeys move recommendations and segments; reload keeps the profile; forget empties the
// database and the panel; denial stores and sends nothing; the report carries only the documented fields.

import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { personas } from '../../demo/catalog/personas.ts';
import { startStaticServer } from '../../scripts/static-server.js';
import { NONCE_PATTERN } from '../../protocol/report.ts';
import { createApp } from '../../server/app.ts';
import { makeConfig } from '../../server/config.ts';
import { testTokenSettings } from '../support/token-key.ts';
import { openSqliteStore, type SqliteStore } from '../../server/storage/sqlite/sqlite-store.ts';
import { clockBeforeServerEpoch, reportDue } from '../support/browser/fault-support.ts';
import { ROOT, launchBrowser, settledModel, watchPage } from '../support/browser/harness.ts';

/** The test server's epochs (the demo's own config accepts epochs of 5 minutes or more). */
const EPOCH_SECONDS = 3600;

const SHOTS = resolve(ROOT, 'test-results/screenshots');
/** Segment ids of server/taxonomy.json each persona should land in. */
const EXPECTED_SEGMENTS: Record<string, number[]> = { runner: [1], 'home-cook': [7, 14], audiophile: [10] };

let shop: { url: string; close(): Promise<unknown> };
let server: Awaited<ReturnType<typeof createApp>>;
let serverUrl: string;
let store: SqliteStore;
const browsers: Browser[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  shop = await startStaticServer({
    isolated: true,
    mounts: [
      { prefix: '/tacit/', dir: resolve(ROOT, 'dist/tacit') },
      // the worker that keeps the page's clock (harness.ts workerFollowsPage; clockBeforeServerEpoch uses it)
      { prefix: '/tacit-test/', dir: resolve(ROOT, 'test/support/browser/fixtures/tacit-test') },
      { prefix: '/', dir: resolve(ROOT, 'dist/demo') },
    ],
  });
  store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'tacit-demo-')), 'db.sqlite'));
  server = await createApp(makeConfig({ ...testTokenSettings(), origins: [shop.url], epochSeconds: EPOCH_SECONDS, k: 1 }), store);
  serverUrl = await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await shop?.close();
  await server?.close();
  await store?.close();
});

const reportsCounted = () => (store.database.prepare('SELECT COALESCE(SUM(reports), 0) AS n FROM epoch_reports').get() as { n: number }).n;

async function openShop(browser: Browser): Promise<{ context: BrowserContext; page: Page; posts: string[]; seen: ReturnType<typeof watchPage> }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  // A device reports from the first epoch after it started keeping state: begin just before the
  // server's current epoch, so the test can move the clock to this device's planned moment.
  await clockBeforeServerEpoch(context, EPOCH_SECONDS);
  await context.addInitScript(`window.TACIT_SERVER = ${JSON.stringify(serverUrl)};`);
  const posts: string[] = [];
  context.on('request', (r) => {
    // Token requests (blinded Privacy Pass messages, test/sdk/reports/tokens.test.ts) are the one other
    // thing a device posts; everything else is checked to be exactly a report.
    if (r.method() === 'POST' && !r.url().endsWith('/v1/tokens')) posts.push(`${r.url()} ${r.postData() ?? ''}`);
  });
  const page = await context.newPage();
  const seen = watchPage(page);
  await page.goto(`${shop.url}/`);
  return { context, page, posts, seen };
}

type Win = { tacit: Record<string, (...a: unknown[]) => Promise<any>> & { loaded?: boolean } };

async function waitForEngine(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as Win).tacit?.loaded === true);
  await settledModel(page);
}

async function playJourney(page: Page, personaId: string): Promise<void> {
  await page.goto(`${shop.url}/?tacit-debug`);
  await page.getByTestId('panel-tab-journeys').click();
  await page.getByTestId(`journey-play-${personaId}`).click();
  await page.waitForSelector(`[data-testid=journey-banner][data-finished="true"]`, { timeout: 150_000 });
}

async function topFive(page: Page) {
  return page.evaluate(async () => {
    const t = (window as unknown as Win).tacit;
    const rec = await t.recommend({ limit: 5 });
    const segments = await t.segments();
    return { strategy: rec.strategy as string, categories: rec.items.map((r: { item: { category: string } }) => r.item.category) as string[], segments: segments as { id: number; name: string; score: number }[] };
  });
}

describe('demo shop', () => {
  it('a runner journey moves recommendations and segments to running; reload keeps the profile', async () => {
    const browser = await launchBrowser();
    browsers.push(browser);
    const { context, page, seen } = await openShop(browser);
    await page.getByTestId('consent-accept').click();
    await waitForEngine(page);
    // The demo ships its catalogue's vectors (catalog.vec, written by tacit embed-catalog): the device
    // ranks without the model, which loads only at the first search or segment list.
    const info = await page.evaluate(() => (window as unknown as Win).tacit.inspect());
    expect(info.model).toMatchObject({ status: 'ready', id: 'tacit-wordnet-v2' });
    expect(info.catalog.vectors).toBe('precomputed');

    await playJourney(page, 'runner');
    await waitForEngine(page);
    const after = await topFive(page);
    expect(after.strategy).not.toMatch(/^fallback/);
    expect(after.categories).toEqual(Array(5).fill('running'));
    expect(after.segments.map((s) => s.id)).toContain(EXPECTED_SEGMENTS.runner[0]);
    // The journey searched, and segments() ran: the static model is loaded now, in plain JavaScript.
    const loaded = await page.evaluate(() => (window as unknown as Win).tacit.inspect());
    expect(loaded.model).toMatchObject({ loaded: true, backend: 'js' });
    await page.getByTestId('panel-tab-recommendations').click();
    // What the device keeps for the next page's first answers is shown with the rest of what is stored.
    await expect.poll(() => page.getByTestId('saved-shelf').textContent(), { timeout: 10_000 }).toMatch(/^Kept on this device for the next page's first answers .*: 24 items, ranked /);
    await page.screenshot({ path: join(SHOTS, 'demo-runner.png') });

    await page.reload();
    await waitForEngine(page);
    const reloaded = await topFive(page);
    expect(reloaded.categories).toEqual(after.categories);
    const profile = await page.evaluate(async () => (await (window as unknown as Win).tacit.inspect()).profile);
    expect(profile.top.length).toBeGreaterThan(0);
    expect(seen.errors).toEqual([]);
    await context.close();
  });
});

describe('demo shop: privacy', () => {
  it('a second persona shifts the shelf; the report has only the documented fields and reaches the server', async () => {
    const browser = await launchBrowser();
    browsers.push(browser);
    const { context, page, posts } = await openShop(browser);
    await page.getByTestId('consent-accept').click();
    await waitForEngine(page);
    await playJourney(page, 'home-cook');
    await waitForEngine(page);
    const top = await topFive(page);
    expect(top.categories.filter((c) => c === 'kitchen').length).toBeGreaterThanOrEqual(4);
    // The journey searched "cast iron pan": the search is its own event; no page view carries it.
    const stored = (await page.evaluate(() => (window as unknown as Win).tacit.export())).events as { event: string; properties: Record<string, unknown> }[];
    expect(stored.some((e) => e.event === 'Products Searched' && e.properties.query === 'cast iron pan')).toBe(true);
    const pageViews = stored.filter((e) => e.event === 'Page Viewed');
    expect(pageViews.length).toBeGreaterThan(0);
    for (const view of pageViews) expect(JSON.stringify(view.properties)).not.toMatch(/cast iron|knife/);
    expect(top.segments.some((s) => EXPECTED_SEGMENTS['home-cook'].includes(s.id))).toBe(true);

    // The report goes out at a random moment of the epoch: move the clock there, then "Force sync now"
    // sends it (if it has not gone out on its own). Either way the panel shows the last body sent.
    await reportDue(page, EPOCH_SECONDS);
    await page.getByTestId('panel-tab-overview').click();
    await page.getByTestId('btn-sync').click();
    await page.getByTestId('panel-tab-report').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=report-body]')?.textContent?.includes('"segments"'), undefined, { timeout: 30_000 });
    const shown = (await page.getByTestId('report-body').textContent())!.trim();
    const body = JSON.parse(shown);
    expect(Object.keys(body)).toEqual(['taxonomy', 'epoch', 'segments', 'nonce', 'token']);
    expect(body.segments).toHaveLength(3);
    expect(body.nonce).toMatch(NONCE_PATTERN);
    // Everything POSTed anywhere during the whole visit: reports only, each exactly of the documented
    // shape, one per epoch, the last one the body the panel shows; the server counted each of them.
    expect(posts.length).toBeGreaterThanOrEqual(1);
    const sent = posts.map((p) => {
      expect(p.startsWith(`${serverUrl}/v1/reports {`)).toBe(true);
      return JSON.parse(p.slice(p.indexOf(' ') + 1));
    });
    for (const report of sent) expect(Object.keys(report)).toEqual(['taxonomy', 'epoch', 'segments', 'nonce', 'token']);
    expect(new Set(sent.map((r) => r.epoch)).size).toBe(sent.length);
    expect(posts.at(-1)).toBe(`${serverUrl}/v1/reports ${shown}`);
    expect(reportsCounted()).toBe(sent.length);
    await page.screenshot({ path: join(SHOTS, 'demo-report-panel.png') });

    await page.getByTestId('panel-tab-overview').click();
    await page.getByTestId('btn-forget').click();
    await page.waitForFunction(async () => !(await indexedDB.databases()).some((d) => d.name === 'tacit'), undefined, { timeout: 10_000 });
    await page.getByTestId('panel-tab-events').click();
    await expect.poll(async () => (await page.getByTestId('event-row').count())).toBe(0);
    await context.close();
  });

  it('denied consent stores nothing and sends nothing', async () => {
    const browser = await launchBrowser();
    browsers.push(browser);
    const { context, page, posts } = await openShop(browser);
    await page.getByTestId('consent-decline').click();
    const before = reportsCounted();
    await page.goto(`${shop.url}/product.html?id=${personas[0].steps[1].action === 'view' ? (personas[0].steps[1] as { productId: string }).productId : 'running-002'}`);
    await page.waitForFunction(() => (window as unknown as Win).tacit?.loaded === true);
    await page.getByTestId('add-to-cart').click();
    await page.evaluate(() => (window as unknown as Win).tacit.sync());
    await page.waitForTimeout(500);
    const dbs = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(dbs).not.toContain('tacit');
    expect(posts).toEqual([]);
    expect(reportsCounted()).toBe(before);
    await context.close();
  });
});
