// Consent is one state for all tabs of the shop. The review's repro: after consent('denied') in tab A,
// tab B kept storing events (a search "dog anxiety medication"), re-created the database and sent a
// report. Now: B follows at once (BroadcastChannel); a tab that missed the message checks the
// remembered decision before every write; a forget() in one tab also drops what the others hold in
// memory; a grant in one tab reaches the others.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newContext, readStoredEvents } from '../support/browser/harness.ts';
import {
  clockBeforeServerEpoch,
  engineSettled,
  openShop,
  reportDue,
  serveFaultSite,
  sleep,
  startStatsServer,
  syncReady,
  tacit,
  watchOutgoing,
  type FaultSite,
  type StatsServer,
} from '../support/browser/fault-support.ts';

let browser: Browser;
let site: FaultSite;
let stats: StatsServer;

beforeAll(async () => {
  site = await serveFaultSite();
  stats = await startStatsServer(site.url);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await stats?.close();
});

const init = (consent = 'pending') => ({ consent, catalog: '/catalog.json', model: { id: 'no-such-model' }, server: stats.url });
const databases = (page: Page) => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
const consentOf = async (page: Page) => (await tacit<{ consent: string }>(page, 'inspect')).consent;

async function until(check: () => Promise<boolean>, timeout = 5000): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(50);
  }
}

describe('consent across tabs', () => {
  it('a denial in tab A stops tab B at once: nothing stored, the database not re-created, no report', async () => {
    const context = await newContext(browser);
    const outgoing = watchOutgoing(context);
    await clockBeforeServerEpoch(context);
    const a = await openShop(context, site, { init: init() });
    const b = await openShop(context, site, { init: init() });
    await tacit(a.page, 'consent', 'granted');
    await until(async () => (await consentOf(b.page)) === 'granted'); // a grant reaches B too
    await tacit(b.page, 'track', 'Product Viewed', { product_id: 'p1' });
    await tacit(b.page, 'export');
    expect((await readStoredEvents(b.page)).map((e) => e.properties.product_id)).toEqual(['p1']);
    await syncReady(b.page);

    await tacit(a.page, 'consent', 'denied');
    await until(async () => (await consentOf(b.page)) === 'denied');
    await tacit(b.page, 'track', 'Products Searched', { query: 'dog anxiety medication' });
    await tacit(b.page, 'export');
    await sleep(500);
    expect(await databases(b.page)).not.toContain('tacit');
    expect(await tacit(b.page, 'sync')).toMatchObject({ sent: false, reason: 'no consent' });
    expect(outgoing).toEqual([]);
    await context.close();
  });

  it('a tab that missed the message checks the remembered decision before it writes', async () => {
    const context = await newContext(browser);
    const { page } = await openShop(context, site, { init: init('granted') });
    await tacit(page, 'track', 'Product Viewed', { product_id: 'p1' });
    await tacit(page, 'export');
    expect(await databases(page)).toContain('tacit');
    // Another tab denied while this one was frozen: the record is there, no message arrived.
    await page.evaluate(() => {
      localStorage.setItem('tacit:consent', JSON.stringify({ state: 'denied', day: '2026-12-01' }));
      indexedDB.deleteDatabase('tacit');
    });
    await tacit(page, 'track', 'Products Searched', { query: 'dog anxiety medication' });
    await sleep(300);
    expect(await consentOf(page)).toBe('denied');
    expect(await databases(page)).not.toContain('tacit');
    await context.close();
  });

  it('forget() in tab A: tab B drops what it holds in memory (unsaved events, its engine\'s profile) and writes none of it back', async () => {
    const context = await newContext(browser);
    const withModel = { ...init('granted'), model: { id: 'tiny-bert', backend: 'wasm' } };
    const a = await openShop(context, site, { init: init('granted') });
    const b = await openShop(context, site, { init: withModel });
    await engineSettled(b.page, 60_000);
    for (const id of ['p1', 'p2']) await tacit(b.page, 'track', 'Product Viewed', { product_id: id });
    await tacit(b.page, 'export');
    await tacit(b.page, 'recommend', { limit: 3 }); // B's worker now holds a profile of p1 and p2
    await b.page.evaluate(() => void (window as any).tacit.track('Product Viewed', { product_id: 'unsaved' }));
    await tacit(a.page, 'forget');
    // B's worker is stopped and a new one starts (consent is granted by init): no profile, or an empty one.
    await until(async () => ((await tacit<{ profile?: { interactions: number } }>(b.page, 'inspect')).profile?.interactions ?? 0) === 0);
    await tacit(b.page, 'track', 'Product Viewed', { product_id: 'p3' });
    await tacit(b.page, 'export');
    await engineSettled(b.page, 60_000);
    await tacit(b.page, 'recommend', { limit: 3 }); // B's new worker follows what is stored now
    await sleep(500);
    const stored = (await readStoredEvents(b.page)).map((e) => e.properties.product_id);
    expect(stored).toEqual(['p3']);
    const profile = await b.page.evaluate(
      () =>
        new Promise<any>((done) => {
          const open = indexedDB.open('tacit');
          open.onsuccess = () => {
            const get = open.result.transaction('kv').objectStore('kv').get('profile');
            get.onsuccess = () => (open.result.close(), done(get.result));
          };
        }),
    );
    expect(profile.profile.contributions.map((c: { itemId: string }) => c.itemId)).toEqual(['p3']);
    await context.close();
  }, 120_000);

  it('the report of an epoch is not sent twice after forget() and a new grant', async () => {
    const context = await newContext(browser);
    const outgoing = watchOutgoing(context);
    await clockBeforeServerEpoch(context);
    const { page } = await openShop(context, site, { init: init('granted') });
    await syncReady(page);
    await reportDue(page);
    expect(await tacit(page, 'sync')).toMatchObject({ sent: true, status: 202 });
    await tacit(page, 'forget');
    await tacit(page, 'consent', 'granted');
    await syncReady(page);
    for (let i = 0; i < 5; i++) {
      await page.clock.setSystemTime((await page.evaluate(() => Date.now())) + 3600_000);
      await tacit(page, 'sync');
    }
    expect(outgoing.filter((r) => r.url.endsWith('/v1/reports'))).toHaveLength(1);
    await context.close();
  });
});
