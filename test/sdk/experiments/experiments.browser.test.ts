// A private A/B test end to end, in Chromium against the real server (in process, SQLite, report
// tokens on): two shoppers with consent, one in each arm (the split forces it), see their arm's
// shelf, click, add and order from it in one epoch; each device's report of the next epoch carries its
// arm and one randomized outcome of that epoch; GET /v1/experiments then shows both arms. A shopper
// without consent takes no part and stores nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { createApp } from '../../../server/app.ts';
import { makeConfig, type ServerExperiment } from '../../../server/config.ts';
import { openSqliteStore, type SqliteStore } from '../../../server/storage/sqlite/sqlite-store.ts';
import { launchBrowser, newContext, workerFollowsPage } from '../../support/browser/harness.ts';
import { engineSettled, openShop, reportDue, serveFaultSite, serverEpochStart, syncReady, tacit, watchOutgoing, type FaultSite } from '../../support/browser/fault-support.ts';
import { testTokenSettings } from '../../support/token-key.ts';

const WEEK = 604_800;
const EXPERIMENT: ServerExperiment = {
  id: 'shelf-e2e',
  arms: ['control', 'personal'],
  outcomes: ['impression', 'click', 'cart', 'order', 'revenue'],
  revenueBuckets: [25, 100, 250],
  // So large that the randomized value is the true one (p = 1 − 4e-13): the test can check what was measured.
  epsilon: 30,
  split: [0.5, 0.5],
};
const TRUTH = [1, 1, 1, 1, 2]; // shelf seen, clicked, added, ordered, revenue 60 (bucket 25–100)

let browser: Browser;
let site: FaultSite;
let store: SqliteStore;
let app: Awaited<ReturnType<typeof createApp>>;
let serverUrl: string;
let dir: string;
/** The server runs on the real clock, moved forward by this much to close an epoch. */
let serverAheadMs = 0;

beforeAll(async () => {
  site = await serveFaultSite();
  dir = mkdtempSync(join(tmpdir(), 'tacit-experiments-'));
  store = await openSqliteStore(join(dir, 'db.sqlite'));
  const config = makeConfig({ ...testTokenSettings(), epochSeconds: WEEK, epsilon: 2, slots: 3, origins: [site.url], rateBurst: 1000, ratePerMinute: 100_000, experiment: EXPERIMENT });
  app = await createApp(config, store, { now: () => Date.now() + serverAheadMs });
  serverUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const init = (split: number[], consent = 'granted') => ({
  consent,
  catalog: '/catalog.json',
  model: { id: 'tiny-bert' }, // the test site's model (a tiny random-weight BERT): Tacit's own ranking, fast
  server: serverUrl,
  experiments: [{ id: 'shelf-e2e', arms: ['control', 'personal'], split }],
  privacy: { maxEpsilon: 32 }, // segments 2 + experiment 30
});

type Answer = { items: { id: string }[]; strategy: string; experiment: { id: string; arm: string } | null; listId?: string };

/**
 * One shopper: draws its arm before epoch E − 1 (E = the server's epoch now), shops from its shelf in
 * E − 1, and sends the report of E. Returns what recommend() answered and the report body sent.
 */
async function shopper(context: BrowserContext, split: number[]) {
  const outgoing = watchOutgoing(context);
  const current = serverEpochStart(WEEK);
  await workerFollowsPage(context); // the arm and the report are the worker's: it keeps the page's time
  await context.clock.install({ time: current - WEEK * 1000 - 10 * 60_000 });
  await context.clock.resume();
  const first = await openShop(context, site, { init: init(split) });
  expect((await engineSettled(first.page)).model).toMatchObject({ id: 'tiny-bert', status: 'ready' });
  await tacit(first.page, 'track', 'Product Viewed', { product_id: 'p3' });
  const drawn = await tacit<Answer>(first.page, 'recommend', { limit: 4 }); // the arm is drawn now, before E − 1
  await tacit(first.page, 'export'); // writes what is buffered
  // A week later, in E − 1: the shelf again (a new page: its impression is recorded), and the funnel from it.
  await context.clock.setSystemTime(current - WEEK * 1000 + 3600_000);
  const { page, seen } = await openShop(context, site, { init: init(split) });
  await engineSettled(page);
  const shelf = await tacit<Answer>(page, 'recommend', { limit: 4 });
  const item = shelf.items[0].id;
  await page.evaluate(
    async ([id, list]) => {
      const api = (window as any).tacit;
      await api.track('Product Clicked', { product_id: id, list_id: list });
      await api.track('Product Added', { product_id: id });
      await api.track('Order Completed', { order_id: 'o-1', products: [{ product_id: id, price: 60 }], total: 60 });
      await api.export(); // writes what is buffered
    },
    [item, shelf.listId] as const,
  );
  // Into E, past the token's and the report's moments.
  await syncReady(page);
  await reportDue(page);
  const result = await tacit<{ sent: boolean; status?: number }>(page, 'sync');
  const reports = outgoing.filter((r) => r.url.endsWith('/v1/reports'));
  return { drawn, shelf, result, reports, seen, outgoing };
}

describe('a private A/B test in Chromium against the real server', () => {
  it('both arms end to end: each shelf its strategy, each report its arm and a true outcome, both arms in GET /v1/experiments', async () => {
    const control = await newContext(browser);
    const personal = await newContext(browser);
    const a = await shopper(control, [1, 0]);
    const b = await shopper(personal, [0, 1]);

    expect(a.drawn.experiment).toEqual({ id: 'shelf-e2e', arm: 'control' });
    expect(a.shelf).toMatchObject({ strategy: 'fallback:popular', experiment: { id: 'shelf-e2e', arm: 'control' }, listId: 'tacit:shelf-e2e:control' });
    expect(b.drawn.experiment).toEqual({ id: 'shelf-e2e', arm: 'personal' });
    expect(b.shelf).toMatchObject({ experiment: { id: 'shelf-e2e', arm: 'personal' }, listId: 'tacit:shelf-e2e:personal' });
    expect(b.shelf.strategy).not.toMatch(/^fallback:/); // Tacit's ranking, from the profile
    expect(a.shelf.items.map((i) => i.id)).not.toEqual(b.shelf.items.map((i) => i.id));

    const epoch = Math.floor(serverEpochStart(WEEK) / 1000 / WEEK);
    for (const [shopperRun, arm] of [[a, 0], [b, 1]] as const) {
      expect(shopperRun.result).toMatchObject({ sent: true, status: 202 });
      expect(shopperRun.reports).toHaveLength(1);
      const body = JSON.parse(shopperRun.reports[0].body!);
      expect(Object.keys(body)).toEqual(['taxonomy', 'epoch', 'segments', 'nonce', 'experiment', 'token']);
      expect(body.epoch).toBe(epoch);
      expect(body.experiment).toMatchObject({ id: 'shelf-e2e', arm });
      expect(body.experiment.value).toBe(TRUTH[body.experiment.outcome]);
      // Nothing else left the page but the token request.
      expect(shopperRun.outgoing.filter((r) => !r.url.endsWith('/v1/reports'))).toEqual([]);
      expect(shopperRun.seen.uncaught).toEqual([]);
    }

    // Before the epoch closes nothing is shown; once it has, both arms.
    expect((await (await fetch(`${serverUrl}/v1/experiments`)).json()).pooled).toBeNull();
    serverAheadMs = serverEpochStart(WEEK) + 2 * WEEK * 1000 + 1000 - Date.now();
    const results = await (await fetch(`${serverUrl}/v1/experiments`)).json();
    expect(results.pooled.reports).toEqual({ control: 1, personal: 1 });
    expect(results.epochs).toEqual([expect.objectContaining({ epoch, reports: { control: 1, personal: 1 } })]);
    expect(results.warnings.some((w: string) => /fewer than 1000/.test(w))).toBe(true);
    const dashboard = await (await fetch(`${serverUrl}/`)).text();
    expect(dashboard).toContain('Experiment "shelf-e2e"');
    await control.close();
    await personal.close();
  });

  it('a shopper without consent takes no part: the fallback shelf, experiment null, nothing stored, nothing sent', async () => {
    const context = await newContext(browser);
    const outgoing = watchOutgoing(context);
    const { page } = await openShop(context, site, { init: init([0, 1], 'pending') });
    const answer = await tacit<Answer>(page, 'recommend', { limit: 4 });
    expect(answer).toMatchObject({ strategy: 'fallback:popular', experiment: null });
    expect(answer.listId).toBeUndefined();
    expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).toEqual([]);
    expect(outgoing).toEqual([]);
    await context.close();
  });
});
