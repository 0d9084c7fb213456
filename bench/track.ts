// Benchmark 2: main-thread cost in headless Chromium.
//  - track(): p50/p99 µs per call over 10,000 calls on a page where the SDK has loaded (consent granted,
//    so calls validate, queue and get written to IndexedDB in idle-time batches).
//  - long tasks (> 50 ms, PerformanceObserver 'longtask') during the load of a shop page with the snippet +
//    init with a catalogue, until the engine answers from its model, against the same page without Tacit.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, serveBench, type BenchSite } from './lib/browser.ts';
import { demoCatalog } from './lib/catalog.ts';
import { TMP_DIR } from './lib/paths.ts';
import { failed, timing, type BenchResult } from './lib/results.ts';
import { median, quantile, spread } from './lib/stats.ts';
import { shopPage, WAIT_FOR_ENGINE } from './lib/shop-page.ts';

const CALLS = 10_000;
const RUNS = 3;
const CATALOG_URL = '/bench/demo-catalog.json';

interface LongTask {
  start: number;
  duration: number;
  attribution: string[];
}

/** One page with the SDK loaded and the engine ready; RUNS runs of CALLS calls, flushed in between. */
async function trackRuns(browser: Browser, site: BenchSite): Promise<{ p50: number; p99: number; mean: number }[]> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const url = site.page('/track.html', shopPage({ catalog: CATALOG_URL, tacit: { consent: 'granted', catalog: CATALOG_URL, engineTimeoutMs: 120_000 } }));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { tacit: { loaded?: boolean } }).tacit.loaded === true);
    await page.evaluate(`(${WAIT_FOR_ENGINE})()`); // the engine's start-up is not what is measured here
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      const times = await page.evaluate((calls) => {
        const t = (window as unknown as { tacit: { track(e: string, p: object): unknown } }).tacit;
        const out = new Float64Array(calls);
        for (let i = 0; i < calls; i++) {
          const start = performance.now();
          t.track('Product Viewed', { product_id: `running-${String((i % 40) + 1).padStart(3, '0')}`, name: 'Kestrel Ridgeline 4', price: 129, currency: 'EUR' });
          out[i] = performance.now() - start;
        }
        return Array.from(out);
      }, CALLS);
      // export() flushes the queued events to IndexedDB, so each run starts from an empty queue.
      await page.evaluate(() => (window as unknown as { tacit: { export(): Promise<unknown> } }).tacit.export());
      const micros = times.map((ms) => ms * 1000);
      runs.push({ p50: quantile(micros, 0.5), p99: quantile(micros, 0.99), mean: micros.reduce((x, y) => x + y, 0) / micros.length });
    }
    return runs;
  } finally {
    await context.close();
  }
}

async function loadRun(browser: Browser, site: BenchSite, withTacit: boolean): Promise<LongTask[]> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const path = withTacit ? '/load-tacit.html' : '/load-plain.html';
    const url = site.page(
      path,
      shopPage({ catalog: CATALOG_URL, tacit: withTacit ? { consent: 'granted', catalog: CATALOG_URL, engineTimeoutMs: 120_000 } : undefined }),
    );
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(() => (window as unknown as { __rendered: Promise<number> }).__rendered);
    if (withTacit) await page.evaluate(`(${WAIT_FOR_ENGINE})()`);
    await page.waitForTimeout(1000); // idle-time work (batched writes) after the engine answered
    return await page.evaluate(() => (window as unknown as { __longtasks: LongTask[] }).__longtasks);
  } finally {
    await context.close();
  }
}

export async function benchMainThread(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  writeFileSync(join(TMP_DIR, 'demo-catalog.json'), JSON.stringify(demoCatalog()));
  // crossOriginIsolated: performance.now() resolution 5 µs instead of 100 µs.
  const site = await serveBench({ isolated: true });
  const browser = await launchBrowser();
  try {
    try {
      const runs = await trackRuns(browser, site);
      const note = `${CALLS.toLocaleString('en-US')} calls per run, one page (engine ready), flushed between runs; per-call timer resolution 5 µs (crossOriginIsolated); mean per call ${runs.map((r) => r.mean.toFixed(1)).join(' / ')} µs`;
      out.push(timing('track(): main-thread time per call, p50', 'µs', spread(runs.map((r) => r.p50)), { note }));
      out.push(timing('track(): main-thread time per call, p99', 'µs', spread(runs.map((r) => r.p99))));
    } catch (error) {
      out.push(failed('track(): main-thread time per call', 'µs', error));
    }
    try {
      const withTacit: LongTask[][] = [];
      const without: LongTask[][] = [];
      for (let r = 0; r < RUNS; r++) {
        without.push(await loadRun(browser, site, false));
        withTacit.push(await loadRun(browser, site, true));
      }
      const count = (runs: LongTask[][]) => spread(runs.map((tasks) => tasks.length));
      const total = (runs: LongTask[][]) => median(runs.map((tasks) => tasks.reduce((s, t) => s + t.duration, 0)));
      const longest = (runs: LongTask[][]) => Math.max(0, ...runs.flat().map((t) => t.duration));
      const a = count(withTacit);
      const b = count(without);
      out.push({
        ...timing('long tasks (> 50 ms) during page load: with Tacit − without', 'tasks', { ...a, value: a.value - b.value, min: a.min - b.max, max: a.max - b.min }),
        reference: 'same page without Tacit (long tasks)',
        referenceValue: b.value,
        goal: '≤ 0 (none attributable to Tacit)',
        met: a.value - b.value <= 0,
        note: `with Tacit: median ${a.value} tasks, ${Math.round(total(withTacit))} ms in total, longest ${Math.round(longest(withTacit))} ms; without: ${b.value} tasks, ${Math.round(total(without))} ms, longest ${Math.round(longest(without))} ms; snippet + init({ catalog: 330 items }) until recommend() answers from the model, + 1 s`,
      });
    } catch (error) {
      out.push(failed('long tasks during page load', 'tasks', error));
    }
  } finally {
    await browser.close();
    await site.close();
  }
  return out;
}
