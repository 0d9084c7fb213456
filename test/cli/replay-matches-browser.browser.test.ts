// `tacit replay` answers what the browser answers. Shoppers act in real Chromium (the snippet, the SDK,
// IndexedDB, the worker with the default model and a vector file with neighbours from `tacit
// embed-catalog --orders`); their stored events are then written as an event log and replayed by the
// CLI in Node over the same catalogue and vector file. Each shopper's list must be the same, item for
// item, with and without --exclude-seen: the offline evaluation measures what shoppers would get.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ROOT, launchBrowser, newContext, readStoredEvents, serveTestSite, settledModel, snippetTag, watchPage, type TestServer } from '../support/browser/harness.ts';
import { inProcess } from './run-cli.ts';

const CATALOG = resolve(ROOT, 'test/support/browser/fixtures/catalog.json');

/** Past orders of the shop: running gear bought together, kitchen pieces bought together. */
const ORDERS = [
  ['c1', 'p1', 'p5'],
  ['c2', 'p1', 'p5'],
  ['c3', 'p1', 'p7'],
  ['c4', 'p11', 'p13'],
  ['c5', 'p11', 'p13'],
  ['c6', 'p21', 'p23'],
  ['c7', 'p21', 'p23'],
].flatMap(([customer, ...items], c) =>
  items.map((id, i) => JSON.stringify({ user: customer, ts: new Date(Date.UTC(2026, 0, 1 + c, 10, i)).toISOString(), event: 'Order Completed', product_id: id })),
);

/** What each shopper does in the browser: [event, product] in order. */
const SHOPPERS: Record<string, [string, string][]> = {
  runner: [
    ['Product Viewed', 'p1'],
    ['Product Viewed', 'p3'],
    ['Product Added', 'p1'],
  ],
  cook: [
    ['Product Viewed', 'p11'],
    ['Product Viewed', 'p33'],
    ['Order Completed', 'p11'],
    ['Product Viewed', 'p15'],
  ],
  listener: [
    ['Product Clicked', 'p21'],
    ['Product Viewed', 'p24'],
    ['Product Viewed', 'p31'],
  ],
};

let dir: string;
let site: TestServer;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-replay-browser-'));
  writeFileSync(join(dir, 'orders.jsonl'), ORDERS.join('\n'));
  const embedded = await inProcess(['embed-catalog', CATALOG, '--orders', join(dir, 'orders.jsonl'), '--out', join(dir, 'catalog.vec')]);
  expect(embedded.code, embedded.stderr).toBe(0);
  site = await serveTestSite({ mounts: [{ prefix: '/data/', dir }] });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Tacit = { loaded?: boolean; track(e: string, p: unknown): Promise<unknown>; export(): Promise<unknown>; recommend(o: unknown): Promise<{ strategy: string; items: { id: string }[] }> };

/** One shopper on a fresh profile: their events, then recommend() with and without excludeSeen. */
async function shopInBrowser(actions: [string, string][]) {
  const context = await newContext(browser);
  const page = await context.newPage();
  const seen = watchPage(page);
  const init = { consent: 'granted', catalog: '/catalog.json', catalogVectors: '/data/catalog.vec' };
  await page.route('**/shop.html', (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><html><head>${snippetTag()}<script>tacit.init(${JSON.stringify(init)});</script></head><body></body></html>` }),
  );
  await page.goto(`${site.url}/shop.html`);
  await page.waitForFunction(() => (window as unknown as { tacit: Tacit }).tacit.loaded === true);
  const lists = await page.evaluate(async (steps) => {
    const t = (window as unknown as { tacit: Tacit }).tacit;
    for (const [event, id] of steps) {
      await t.track(event, event === 'Order Completed' ? { order_id: `o-${id}`, products: [{ product_id: id }] } : { product_id: id });
    }
    await t.export(); // the events are in IndexedDB before the worker reads them
    const all = await t.recommend({ limit: 10 });
    const unseen = await t.recommend({ limit: 10, excludeSeen: true });
    return { all, unseen };
  }, actions);
  const model = await settledModel(page);
  const stored = await readStoredEvents(page);
  await context.close();
  return { lists, model, stored, errors: seen.errors };
}

describe('tacit replay and the browser worker', () => {
  it('give every shopper the same list for the same events, catalogue and vector file', async () => {
    const browserLists: Record<string, { all: string[]; unseen: string[] }> = {};
    const log: string[] = [];
    for (const [user, actions] of Object.entries(SHOPPERS)) {
      const { lists, model, stored, errors } = await shopInBrowser(actions);
      expect(errors).toEqual([]);
      expect(model.status).toBe('ready');
      expect(lists.all.strategy).not.toMatch(/^fallback/);
      expect(stored.map((e) => e.event)).toEqual(actions.map(([event]) => event));
      browserLists[user] = { all: lists.all.items.map((r) => r.id), unseen: lists.unseen.items.map((r) => r.id) };
      for (const [i, e] of stored.entries()) {
        log.push(JSON.stringify({ user, ts: new Date(e.ts).toISOString(), event: e.event, product_id: actions[i][1] }));
      }
    }
    writeFileSync(join(dir, 'events.jsonl'), log.join('\n'));
    const args = ['replay', '--catalog', CATALOG, '--events', join(dir, 'events.jsonl'), '--vectors', join(dir, 'catalog.vec'), '--limit', '10'];
    const replayed = async (extra: string[]) => {
      const run = await inProcess([...args, ...extra]);
      expect(run.code, run.stderr).toBe(0);
      return Object.fromEntries(run.stdout.trim().split('\n').map((line) => JSON.parse(line)).map((r: { user: string; items: string[] }) => [r.user, r.items]));
    };
    const all = await replayed([]);
    const unseen = await replayed(['--exclude-seen']);
    for (const user of Object.keys(SHOPPERS)) {
      expect(browserLists[user].all).toHaveLength(10);
      expect({ user, items: all[user] }).toEqual({ user, items: browserLists[user].all });
      expect({ user, items: unseen[user] }).toEqual({ user, items: browserLists[user].unseen });
    }
    // The lists are personal (the check above is not comparing one bestseller list with itself).
    expect(all.runner).not.toEqual(all.cook);
    // The neighbours from the order log reach both: the runner's cart item brings its bought-together socks.
    expect(all.runner.slice(0, 5)).toContain('p5');
  }, 240_000);
});
