// Several tabs of one shop in one browser profile, sharing Tacit's IndexedDB: five tabs tracking at once,
// one tab forgetting while another tracks, two tabs racing to send the epoch's report.

import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { newContext, readStoredEvents } from '../../support/browser/harness.ts';
import {
  clockBeforeServerEpoch,
  isDocumentedReport,
  openShop,
  reportDue,
  sleep,
  syncReady,
  tacit,
  watchOutgoing,
  withFaultSite,
  type FaultSite,
  type StatsServer,
} from '../../support/browser/fault-support.ts';

let browser: Browser;
let site: FaultSite;
let stats: StatsServer;

withFaultSite((env) => ({ site, browser, stats } = env), { stats: true });

describe('tabs sharing one database', () => {
  it('5 tabs tracking at once: every event stored once, sequence numbers unique and increasing', async () => {
    const context = await newContext(browser);
    const tabs = await Promise.all(Array.from({ length: 5 }, () => openShop(context, site, { init: { consent: 'granted' } })));
    await Promise.all(
      tabs.map(({ page }, t) =>
        page.evaluate(async (tab) => {
          const api = (window as any).tacit;
          for (let i = 0; i < 40; i++) api.track('Product Viewed', { product_id: `t${tab}-${i}` });
          await api.export(); // flush
        }, t),
      ),
    );
    const stored = await readStoredEvents(tabs[0].page);
    expect(stored).toHaveLength(200);
    const ids = stored.map((e) => String(e.properties.product_id));
    expect(new Set(ids).size).toBe(200);
    for (let t = 0; t < 5; t++) {
      const mine = ids.filter((id) => id.startsWith(`t${t}-`));
      expect(mine).toEqual(Array.from({ length: 40 }, (_, i) => `t${t}-${i}`)); // each tab's order kept
    }
    const seqs = stored.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(200);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    for (const { seen } of tabs) expect(seen.errors).toEqual([]);
    await context.close();
  });

  it('one tab forgets while another tracks: nothing from before survives, later events are kept, no tab breaks', async () => {
    const context = await newContext(browser);
    const a = await openShop(context, site, { init: { consent: 'granted' } });
    const b = await openShop(context, site, { init: { consent: 'granted' } });
    await a.page.evaluate(async () => {
      const api = (window as any).tacit;
      for (let i = 0; i < 20; i++) api.track('Product Viewed', { product_id: `before-${i}` });
      await api.export();
    });
    // Tab A keeps tracking in a tight loop while tab B forgets.
    const tracking = a.page.evaluate(async () => {
      const api = (window as any).tacit;
      for (let i = 0; i < 30; i++) {
        api.track('Product Viewed', { product_id: `during-${i}` });
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    const forgetting = tacit(b.page, 'forget');
    await Promise.all([tracking, forgetting]);
    await a.page.evaluate(async () => {
      const api = (window as any).tacit;
      api.track('Product Viewed', { product_id: 'after' });
      await api.export();
    });
    await sleep(300);
    const stored = (await readStoredEvents(a.page)).map((e) => String(e.properties.product_id));
    expect(stored.filter((id) => id.startsWith('before-'))).toEqual([]);
    expect(stored).toContain('after');
    const exported = await tacit<{ events: unknown[] }>(a.page, 'export');
    expect(exported.events.length).toBe(stored.length); // tab A reads the same database again
    expect(a.seen.errors).toEqual([]);
    expect(b.seen.errors).toEqual([]);
    await context.close();
  });

  it("two tabs racing to send the epoch's report: the server counts exactly one", async () => {
    const context = await newContext(browser);
    const outgoing = watchOutgoing(context);
    const init = { consent: 'granted', catalog: '/catalog.json', model: { id: 'no-such-model' }, server: stats.url };
    await clockBeforeServerEpoch(context);
    const [a, b] = await Promise.all([openShop(context, site, { init }), openShop(context, site, { init })]);
    await Promise.all([syncReady(a.page), syncReady(b.page)]);
    await reportDue(a.page); // the plan is shared through IndexedDB: due for both tabs
    const before = stats.reports();
    const results = await Promise.all([tacit(a.page, 'sync'), tacit(b.page, 'sync'), tacit(a.page, 'sync'), tacit(b.page, 'sync')]);
    expect(results.filter((r) => (r as { sent: boolean }).sent)).toHaveLength(1);
    expect(stats.reports()).toBe(before + 1);
    expect(outgoing).toHaveLength(1);
    expect(isDocumentedReport(outgoing[0].body)).toBe(true);
    expect(a.seen.errors).toEqual([]);
    expect(b.seen.errors).toEqual([]);
    await context.close();
  });
});
