// The saved shelf in Chromium (core/saved-shelf.ts): the engine ranks the shopper's own shelf whenever
// the profile changes and the page keeps it; the next page answers recommend() from it at once, while its
// worker is still loading, then from the engine, with the same items. Requests it cannot answer exactly
// wait for the engine; forget() and a denial delete it; a page with the denial remembered never has one.

import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newContext } from '../support/browser/harness.ts';
import { engineSettled, openShop, sleep, tacit, withFaultSite, type FaultSite } from '../support/browser/fault-support.ts';

let browser: Browser;
let site: FaultSite;

withFaultSite((env) => ({ site, browser } = env));

const init = (extra: Record<string, unknown> = {}) => ({ consent: 'granted', catalog: '/catalog.json', model: { id: 'tiny-bert', backend: 'wasm' }, ...extra });
type Answer = { strategy: string; savedAt?: number; items: { id: string }[] };
const ids = (answer: Answer) => answer.items.map((r) => r.id);
const savedShelf = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('tacit:shelf') ?? 'null')) as Promise<{ savedAt: number; strategy: string; items: { id: string }[] } | null>;

/** A first page: two views, the engine ranks from them, and the page keeps the shelf it saved. */
async function firstPage(context: Awaited<ReturnType<typeof newContext>>, extra: Record<string, unknown> = {}) {
  const { page } = await openShop(context, site, {
    init: init(extra),
    script: `tacit.track('Product Viewed', { product_id: 'p1' }); tacit.track('Product Viewed', { product_id: 'p2' });`,
  });
  await engineSettled(page);
  let ranked: Answer;
  for (;;) {
    ranked = await tacit<Answer>(page, 'recommend', { limit: 4 });
    if (ranked.strategy === 'profile' || ranked.strategy === 'blend') break;
    await sleep(100);
  }
  let saved = await savedShelf(page);
  for (let i = 0; !saved && i < 50; i++) saved = (await sleep(100), await savedShelf(page));
  return { page, ranked, saved: saved! };
}

describe('the saved shelf', () => {
  it('answers the next page at once while its engine loads, then the engine answers the same items', async () => {
    const context = await newContext(browser);
    const { page: first, ranked, saved } = await firstPage(context);
    expect(saved.strategy).toBe(ranked.strategy);
    expect(saved.items.slice(0, 4).map((r) => r.id)).toEqual(ids(ranked));
    await first.close();

    // The next page's worker gets its catalogue only when released: its engine cannot have loaded.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await context.route('**/catalog.json', async (route) => {
      await held;
      await route.fallback();
    });
    const { page } = await openShop(context, site, { init: init() });
    const early = await tacit<Answer>(page, 'recommend', { limit: 4 });
    expect(early).toMatchObject({ strategy: ranked.strategy, savedAt: saved.savedAt });
    expect(ids(early)).toEqual(ids(ranked));
    // What the saved shelf cannot answer exactly (here: leave out what was seen) waits for the engine.
    let unseenDone = false;
    const unseen = tacit<Answer>(page, 'recommend', { limit: 4, excludeSeen: true }).then((answer) => ((unseenDone = true), answer));
    await sleep(500);
    expect(unseenDone).toBe(false);
    release();
    expect((await unseen).savedAt).toBeUndefined();
    expect(ids(await unseen)).not.toContain('p1');
    await engineSettled(page);
    const late = await tacit<Answer>(page, 'recommend', { limit: 4 });
    expect(late.savedAt).toBeUndefined();
    expect(ids(late)).toEqual(ids(ranked));
    await context.unroute('**/catalog.json');

    // forget(): the shelf goes with everything else, and the page answers without it.
    await tacit(page, 'forget');
    expect(await savedShelf(page)).toBeNull();
    expect((await tacit<Answer>(page, 'recommend', { limit: 4 })).savedAt).toBeUndefined();
    await context.close();
  });

  it('a denial deletes it, and a later page (the denial remembered over a configured grant) neither reads nor writes one', async () => {
    const context = await newContext(browser);
    const granted = await firstPage(context);
    expect(granted.saved.items.length).toBeGreaterThan(0);
    await tacit(granted.page, 'consent', 'denied');
    expect(await savedShelf(granted.page)).toBeNull();
    await granted.page.close();

    const { page } = await openShop(context, site, { init: init({ consent: 'granted' }) });
    const answer = await tacit<Answer>(page, 'recommend', { limit: 4 });
    expect(answer.strategy).toBe('fallback:popular');
    expect(answer.savedAt).toBeUndefined();
    await tacit(page, 'track', 'Product Viewed', { product_id: 'p3' });
    await sleep(500);
    expect(await savedShelf(page)).toBeNull();
    await context.close();
  });
});
