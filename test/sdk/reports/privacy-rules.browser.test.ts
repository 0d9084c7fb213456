// The device, not the server, decides what it sends: the review's repros of "the server controls the
// device's total privacy loss", "more than one report per epoch on the memory fallback" and "report
// timing links a report to a page view", in Chromium against the real aggregation server. (The unit
// tests in privacy-rules.test.ts cover the same rules in more cases; these show them in a browser.)

import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newContext, workerFollowsPage } from '../../support/browser/harness.ts';
import {
  clockBeforeServerEpoch,
  inspectUntil,
  openShop,
  reportDue,
  serverEpochStart,
  startStatsServer,
  syncReady,
  tacit,
  tacitWarnings,
  watchOutgoing,
  withFaultSite,
  type FaultSite,
  type StatsServer,
} from '../../support/browser/fault-support.ts';

const DAY_MS = 24 * 3600 * 1000;
let browser: Browser;
let site: FaultSite;
let weekly: StatsServer;

withFaultSite((env) => ({ site, browser, stats: weekly } = env), { stats: true });

const init = (server: string) => ({ consent: 'granted', catalog: '/catalog.json', model: { id: 'no-such-model' }, server });
type SyncAnswer = { sent: boolean; reason?: string; dueAt?: string };

/** sync(), moving the page's clock past each moment the device names (the token's, then the report's). */
async function syncWhenDue(page: Page): Promise<SyncAnswer> {
  let answer = await tacit<SyncAnswer>(page, 'sync');
  for (let step = 0; step < 3 && !answer.sent && answer.dueAt; step++) {
    await page.clock.setSystemTime(Date.parse(answer.dueAt) + 1);
    answer = await tacit<SyncAnswer>(page, 'sync');
  }
  return answer;
}

describe('the privacy accountant in the browser', () => {
  it('a server publishing 60-second epochs gets no report, epoch after epoch, and the page says why once', async () => {
    const minutely = await startStatsServer(site.url, 60);
    try {
      const context = await newContext(browser);
      const outgoing = watchOutgoing(context);
      await workerFollowsPage(context);
      await context.clock.install({ time: Date.now() });
      await context.clock.resume();
      const { page, seen } = await openShop(context, site, { init: init(minutely.url) });
      const info = await inspectUntil(page, (i) => typeof i.privacy?.refused === 'string' && i.privacy.refused !== '');
      expect(info.privacy.refused).toMatch(/every 60 s/);
      for (let minute = 0; minute < 10; minute++) {
        const answer = await tacit<SyncAnswer>(page, 'sync');
        expect(answer.sent).toBe(false);
        await page.clock.fastForward(61_000);
      }
      expect(minutely.reports()).toBe(0);
      expect(outgoing.filter((r) => r.url.includes('/v1/reports'))).toEqual([]);
      expect(tacitWarnings(seen.warnings, /more often than this device allows/)).toHaveLength(1);
      await context.close();
    } finally {
      await minutely.close();
    }
  });

  it('memory-only storage (no IndexedDB on the page) never reports, however many pages are viewed', async () => {
    const context = await newContext(browser);
    const outgoing = watchOutgoing(context);
    await clockBeforeServerEpoch(context);
    const before = weekly.reports();
    for (let view = 1; view <= 3; view++) {
      const { page } = await openShop(context, site, { init: init(weekly.url), before: "Object.defineProperty(window, 'indexedDB', { value: undefined });" });
      expect((await tacit<{ storage: string }>(page, 'inspect')).storage).toBe('memory');
      await page.clock.setSystemTime(serverEpochStart() + 1000);
      const answer = await syncWhenDue(page);
      expect(answer.sent).toBe(false);
      expect(answer.reason).toMatch(/memory-only/);
      await page.close();
    }
    expect(weekly.reports()).toBe(before);
    expect(outgoing.filter((r) => r.url.includes('/v1/reports'))).toEqual([]);
    await context.close();
  });

  it('each device reports at its own random moment of the epoch, not when a page loads', async () => {
    const due: number[] = [];
    const epochStart = serverEpochStart();
    for (let device = 0; device < 4; device++) {
      const context = await newContext(browser);
      await clockBeforeServerEpoch(context);
      const { page } = await openShop(context, site, { init: init(weekly.url) });
      await syncReady(page);
      await page.clock.setSystemTime(epochStart + 1000); // the epoch has begun; a page is open
      const answer = await tacit<SyncAnswer>(page, 'sync');
      expect(answer.sent).toBe(false); // not now, although the page is open and the epoch is due
      expect(answer.dueAt).toBeDefined();
      due.push(Date.parse(answer.dueAt!));
      if (device === 0) {
        const before = weekly.reports();
        await reportDue(page);
        expect((await tacit<SyncAnswer>(page, 'sync')).sent).toBe(true); // sent at (or after) its moment, once
        expect(weekly.reports()).toBe(before + 1);
      }
      await context.close();
    }
    for (const at of due) {
      expect(at).toBeGreaterThan(epochStart + 1000);
      expect(at).toBeLessThan(epochStart + 7 * DAY_MS);
    }
    const sorted = [...due].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThan(60_000); // four different moments
  });
});
