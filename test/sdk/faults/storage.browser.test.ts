// Storage faults that need a real browser: IndexedDB missing from the page, and a real
// QuotaExceededError from Chromium (the origin's quota cut down through the DevTools protocol). The
// fake-indexeddb cases (blocked, newer schema, failing mid-transaction, corrupted records) are in
// test/unit/faults/.

import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { newContext, readStoredEvents, workerFollowsPage } from '../../support/browser/harness.ts';
import { openShop, tacit, tacitWarnings, withFaultSite, type FaultSite } from '../../support/browser/fault-support.ts';

let browser: Browser;
let site: FaultSite;

withFaultSite((env) => ({ site, browser } = env));

describe('storage in Chromium', () => {
  it('IndexedDB missing: events kept in memory, one warning, no page error', async () => {
    const context = await newContext(browser);
    await workerFollowsPage(context); // no IndexedDB in the worker either, where the device's storage is
    const { page, seen } = await openShop(context, site, {
      before: `Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });`,
      init: { consent: 'granted' },
      script: `tacit.track('Product Viewed', { product_id: 'a' });`,
    });
    const exported = await tacit<{ storage: string; events: { properties: { product_id: string } }[] }>(page, 'export');
    expect(exported.storage).toBe('memory');
    expect(exported.events.map((e) => e.properties.product_id)).toEqual(['a']);
    expect(tacitWarnings(seen.warnings, /IndexedDB/)).toHaveLength(1);
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  it('a real QuotaExceededError: the oldest events make room, the newest are kept, no page error', async () => {
    const context = await newContext(browser);
    const { page, seen } = await openShop(context, site, { init: { consent: 'granted' } });
    await tacit(page, 'export'); // the database exists before the quota is cut
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: site.url, quotaSize: 600_000 });
    // ~20 KB per event: the quota holds a few dozen at most.
    const stored = await page.evaluate(async () => {
      const api = (window as any).tacit;
      // Random text: LevelDB compresses repetitive values to almost nothing.
      const noise = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(360))));
      const filler = (_i: number) => Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`k${k}`, noise()]));
      for (let i = 0; i < 150; i++) {
        api.track('Product Viewed', { product_id: `e${i}`, ...filler(i) });
        if (i % 10 === 9) await api.export(); // flush in batches, as idle time would
      }
      await api.export();
      return true;
    });
    expect(stored).toBe(true);
    const ids = (await readStoredEvents(page)).map((e) => String(e.properties.product_id));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(150); // the quota bit
    expect(ids[ids.length - 1]).toBe('e149'); // the newest survived
    expect(ids).not.toContain('e0'); // the oldest made room
    expect(new Set(ids).size).toBe(ids.length);
    expect(tacitWarnings(seen.warnings, /Quota/i).length).toBeLessThanOrEqual(1);
    expect(seen.errors).toEqual([]);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: site.url });
    await context.close();
  }, 60_000);
});
