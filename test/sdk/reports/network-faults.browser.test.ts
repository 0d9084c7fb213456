// Network faults between the page and the aggregation server, in Chromium against the real server (in
// process): server down, 5xx, 429 with Retry-After, a slow answer, offline then online, the page
// closed mid-send. The report must wait in IndexedDB and go out exactly once when the fault clears,
// only ever as the documented body, and the page must never see an error.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { launchBrowser, newContext } from '../../support/browser/harness.ts';
import {
  clockBeforeServerEpoch,
  isDocumentedReport,
  openShop,
  reportDue,
  serveFaultSite,
  sleep,
  startStatsServer,
  syncReady,
  tacit,
  tacitWarnings,
  watchOutgoing,
  type FaultSite,
  type StatsServer,
} from '../../support/browser/fault-support.ts';

let browser: Browser;
let site: FaultSite;
let stats: StatsServer;
let baseline = 0;

beforeAll(async () => {
  site = await serveFaultSite();
  // Week-long epochs (what a device accepts by default).
  stats = await startStatsServer(site.url);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await stats?.close();
});
beforeEach(() => {
  baseline = stats.reports();
});

const init = (server = stats.url) => ({ consent: 'granted', catalog: '/catalog.json', model: { id: 'no-such-model' }, server });
type SyncResult = { sent: boolean; status?: number | string; reason?: string };

/** A shop page whose device has a report due (see reportDue) once the parameters are loaded. */
async function shop(context: BrowserContext, server?: string) {
  const outgoing = watchOutgoing(context);
  await clockBeforeServerEpoch(context);
  const { page, seen } = await openShop(context, site, { init: init(server) });
  return { page, seen, outgoing };
}

/** The page's own clock (the test moved it). */
const pageNow = (page: Page) => page.evaluate(() => Date.now());

/** The report state kept in IndexedDB (what survives the page). */
function reportState(page: Page): Promise<{ since: number; pending: Record<string, any> | null; last: Record<string, any> | null }> {
  return page.evaluate(
    () =>
      new Promise<any>((done, fail) => {
        const open = indexedDB.open('tacit');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('kv').objectStore('kv').get('report');
          get.onsuccess = () => {
            open.result.close();
            done(get.result);
          };
        };
      }),
  );
}

const onlyDocumented = (outgoing: { body: string | null }[]) => expect(outgoing.filter((r) => !isDocumentedReport(r.body))).toEqual([]);

describe('server errors', () => {
  it('5xx: the report waits in IndexedDB with a back-off and is sent once the server recovers', async () => {
    const context = await newContext(browser);
    let failures = 0;
    await context.route('**/v1/reports', (route) => (failures++ < 1 ? route.fulfill({ status: 503, body: 'down' }) : route.fallback()));
    const { page, seen, outgoing } = await shop(context);
    await syncReady(page);
    await reportDue(page);
    const before = await pageNow(page);
    expect(await tacit<SyncResult>(page, 'sync')).toMatchObject({ sent: false, status: 503 });
    const state = await reportState(page);
    expect(state.pending).toMatchObject({ attempts: 1, inFlightUntil: 0 });
    expect(state.pending!.nextAttemptAt).toBeGreaterThan(before + 2000); // 5 s × (0.5…1.5)
    expect(await tacit<SyncResult>(page, 'sync')).toMatchObject({ sent: true, status: 202 });
    expect((await reportState(page)).pending).toBeNull();
    expect(stats.reports()).toBe(baseline + 1);
    onlyDocumented(outgoing);
    expect(seen.errors.filter((e) => !/503/.test(e))).toEqual([]);
    expect(tacitWarnings(seen.warnings, /report/)).toEqual([]);
    await context.close();
  });

  async function retryAfterCase() {
    const context = await newContext(browser);
    let failures = 0;
    // What the aggregation server's rate limiter answers (server/app.ts), cross-origin.
    const headers: Record<string, string> = {
      'retry-after': '600',
      'access-control-allow-origin': site.url,
      'access-control-expose-headers': 'Retry-After',
      'content-type': 'application/json',
    };
    await context.route('**/v1/reports', (route) => (failures++ < 1 ? route.fulfill({ status: 429, headers, body: '{"ok":false}' }) : route.fallback()));
    const { page, outgoing } = await shop(context);
    await syncReady(page);
    await reportDue(page);
    const before = await pageNow(page);
    expect(await tacit<SyncResult>(page, 'sync')).toMatchObject({ sent: false, status: 429 });
    const state = await reportState(page);
    expect(state.pending!.attempts).toBe(1);
    expect(state.pending!.nextAttemptAt).toBeGreaterThanOrEqual(before + 600_000);
    // The shop's explicit sync() is honoured once the server is back.
    expect(await tacit<SyncResult>(page, 'sync')).toMatchObject({ sent: true, status: 202 });
    expect(stats.reports()).toBe(baseline + 1);
    onlyDocumented(outgoing);
    await context.close();
  }

  it('429 with Retry-After exposed by CORS: the next attempt is not before the server asked', () => retryAfterCase());

  // (Found by this matrix: the server's 429 Retry-After was unreadable cross-origin. The server now sends
  // Access-Control-Expose-Headers: Retry-After, checked in test/server/reports.test.ts; the case above is
  // what a device sees from it.)

  it('server down when the page loads: one warning, tracking unaffected, no page error', async () => {
    const context = await newContext(browser);
    const { page, seen, outgoing } = await shop(context, 'http://127.0.0.1:9'); // nothing listens on port 9
    await page.evaluate(() => (window as any).tacit.track('Product Viewed', { product_id: 'p1' }));
    await sleep(500);
    expect(await tacit<SyncResult>(page, 'sync')).toMatchObject({ sent: false });
    expect((await tacit<{ events: unknown[] }>(page, 'export')).events).toHaveLength(1);
    expect(tacitWarnings(seen.warnings, /report parameters/)).toHaveLength(1);
    expect(seen.errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
    expect(outgoing).toEqual([]);
    await context.close();
  });

  // BUG: when the server is unreachable as the page loads, reports stay paused for the whole page, even
  // after the server is back and even when the shop calls tacit.sync(). Root cause: ReportSync.start()
  // (src/sync.ts) calls loadParams() once; run() then answers "server unavailable" forever. Fix: in run(),
  // when this.params is null, call loadParams() again (at most once a minute, and on the 'online' event),
  // then go on with the report.
  it('server down when the page loads, up again later: sync() sends the report', async () => {
    const context = await newContext(browser);
    let down = true;
    await context.route('**/v1/params', (route: Route) => (down ? route.abort('connectionrefused') : route.fallback()));
    const { page } = await shop(context);
    await sleep(1000);
    down = false;
    await tacit(page, 'sync'); // sync() tries the parameters again at once
    await syncReady(page);
    await reportDue(page);
    expect(await tacit<SyncResult>(page, 'sync')).toMatchObject({ sent: true, status: 202 });
    await context.close();
  });
});

describe('slow and offline', () => {
  it('a slow answer never blocks the page: tracking and export complete while the report is held; counted once', async () => {
    const context = await newContext(browser);
    let release: () => void = () => {};
    let arrived: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const requestArrived = new Promise<void>((r) => (arrived = r));
    await context.route('**/v1/reports', async (route) => {
      arrived();
      await held; // as long as the test wants: a 30 s answer costs no test time
      await route.fallback();
    });
    const { page, seen, outgoing } = await shop(context);
    await syncReady(page);
    await reportDue(page);
    const syncing = tacit<SyncResult>(page, 'sync');
    await requestArrived;
    // The report is in flight and unanswered; the page keeps tracking and storing meanwhile.
    const exported = await page.evaluate(async () => {
      const api = (window as any).tacit;
      await api.track('Product Viewed', { product_id: 'p2' });
      return api.export();
    });
    expect(exported.events.map((e: { properties: { product_id: string } }) => e.properties.product_id)).toContain('p2');
    release();
    expect(await syncing).toMatchObject({ sent: true, status: 202 });
    expect(stats.reports()).toBe(baseline + 1);
    onlyDocumented(outgoing);
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  // BUG: a report whose request takes longer than the 30 s claim is sent again by another tab (or the next
  // page), and the server counts it twice. Root cause: ReportSync.send (src/sync.ts) claims the pending
  // report for CLAIM_MS = 30 s but puts no time limit on the fetch itself. Fix: pass
  // `signal: AbortSignal.timeout(CLAIM_MS - 5_000)` to the report fetch (and treat the abort as a
  // network error, i.e. retry later), so a claim never expires while its request can still arrive.
  it('a response slower than the 30 s claim: another tab does not send the same report again', async () => {
    const context = await newContext(browser);
    let release: () => void = () => {};
    let arrived: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const firstArrived = new Promise<void>((r) => (arrived = r));
    let first = true;
    await context.route('**/v1/reports', async (route) => {
      if (first) {
        first = false;
        arrived();
        await held; // the first request is slow: it reaches the server only after the other tab tried
      }
      await route.fallback();
    });
    const a = await shop(context);
    await syncReady(a.page);
    await reportDue(a.page);
    const slow = tacit<SyncResult>(a.page, 'sync');
    await firstArrived; // tab A's request is in flight
    // A second tab, 31 s later (the clock moved on; the first request is still in flight).
    await context.clock.setSystemTime((await pageNow(a.page)) + 31_000);
    const { page: pageB } = await openShop(context, site, { init: init() });
    await syncReady(pageB);
    await tacit(pageB, 'sync');
    release();
    await slow;
    await sleep(300);
    expect(stats.reports()).toBe(baseline + 1);
    await context.close();
  }, 30_000);

  it('offline, then online: the report waits and goes out by itself after the back-off', async () => {
    const context = await newContext(browser);
    const { page, seen, outgoing } = await shop(context);
    await syncReady(page);
    await reportDue(page);
    await context.setOffline(true);
    expect(await tacit<SyncResult>(page, 'sync')).toMatchObject({ sent: false, status: 'network-error' });
    expect((await reportState(page)).pending).not.toBeNull();
    await context.setOffline(false); // fires 'online'; the retry runs when its back-off (≤ 7.5 s) is due
    const deadline = Date.now() + 15_000;
    while (stats.reports() === baseline && Date.now() < deadline) await sleep(250);
    expect(stats.reports()).toBe(baseline + 1);
    expect((await reportState(page)).pending).toBeNull();
    onlyDocumented(outgoing);
    expect(seen.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|Failed to load resource/.test(e))).toEqual([]);
    await context.close();
  }, 30_000);

  // BUG: a report in flight when its page is closed is counted twice. The request was sent with
  // keepalive, so Chromium delivers it after the page is gone, but its claim (inFlightUntil = now + 30 s)
  // expires and the next page sends the same report again. Root cause: ReportSync.send (src/sync.ts)
  // treats an unanswered claim as "retry after 30 s" although keepalive requests outlive the page.
  // Fix: claim with inFlightUntil = Number.MAX_SAFE_INTEGER for every keepalive send (as the unloading
  // path already does) and clear the claim only in finish(), i.e. when this page saw the outcome; a page
  // that died mid-send then loses at most that one report, never counts it twice (the policy the
  // file's header states).
  it('the page closed mid-send: the report is counted at most once, not again by the next page', async () => {
    const context = await newContext(browser);
    let hold = true;
    // Held: no answer while the page lives (Chromium lets the keepalive request go on once it closes).
    await context.route('**/v1/reports', async (route) => (hold ? undefined : route.fallback()));
    const { page, outgoing } = await shop(context);
    await syncReady(page);
    await reportDue(page);
    void tacit(page, 'sync').catch(() => {});
    const deadline = Date.now() + 10_000;
    while (!(await reportState(page))?.pending?.attempts && Date.now() < deadline) await sleep(100);
    expect((await reportState(page)).pending).toMatchObject({ attempts: 1 });
    await page.close({ runBeforeUnload: false });
    hold = false;
    // The next visit, 31 s later: the dead page's claim would have expired.
    const { page: next } = await openShop(context, site, { init: init() });
    await next.clock.setSystemTime((await pageNow(next)) + 31_000);
    await syncReady(next);
    await tacit<SyncResult>(next, 'sync');
    await sleep(500);
    expect(stats.reports() - baseline).toBeLessThanOrEqual(1); // today: 2
    onlyDocumented(outgoing);
    await context.close();
  }, 30_000);
});
