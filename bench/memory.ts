// Benchmark 7: memory after the SDK has loaded the default model and a 10k-item catalogue (embedded in the
// worker), measured with performance.measureUserAgentSpecificMemory() on a crossOriginIsolated page,
// split by scope (the page's window vs Tacit's worker), plus the page's JS heap from CDP
// Runtime.getHeapUsage. The same page without Tacit is the reference.

import { launchBrowser, serveBench } from './lib/browser.ts';
import { writeCatalog } from './lib/catalog.ts';
import { failed, type BenchResult } from './lib/results.ts';
import { shopPage, WAIT_FOR_ENGINE } from './lib/shop-page.ts';

const ITEMS = 10_000;

interface Breakdown {
  bytes: number;
  window: number;
  worker: number;
  other: number;
}

const MEASURE_MEMORY = `async () => {
  const m = await performance.measureUserAgentSpecificMemory();
  const out = { bytes: m.bytes, window: 0, worker: 0, other: 0 };
  for (const b of m.breakdown) {
    const scopes = b.attribution.map((a) => a.scope);
    if (scopes.includes('DedicatedWorkerGlobalScope')) out.worker += b.bytes;
    else if (scopes.includes('Window')) out.window += b.bytes;
    else out.other += b.bytes;
  }
  return out;
}`;

export async function benchMemory(): Promise<BenchResult[]> {
  const catalog = writeCatalog(ITEMS);
  const site = await serveBench({ isolated: true });
  const browser = await launchBrowser();
  const mb = (bytes: number) => Math.round(bytes / 1e4) / 100;
  try {
    const measure = async (withTacit: boolean) => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const url = site.page(
          withTacit ? '/memory-tacit.html' : '/memory-plain.html',
          shopPage({ catalog: catalog.url, tacit: withTacit ? { consent: 'granted', catalog: catalog.url, engineTimeoutMs: 300_000 } : undefined }),
        );
        await page.goto(url);
        await page.evaluate(() => (window as unknown as { __rendered: Promise<number> }).__rendered);
        let items = 0;
        if (withTacit) {
          const ready = (await page.evaluate(`(${WAIT_FOR_ENGINE})()`)) as { info: { catalog: { items: number }; model: { status: string } } };
          if (ready.info.model.status !== 'ready') throw new Error(`model status ${ready.info.model.status}`);
          items = ready.info.catalog.items;
        }
        const cdp = await context.newCDPSession(page);
        await cdp.send('HeapProfiler.collectGarbage');
        const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
        const memory = (await page.evaluate(`(${MEASURE_MEMORY})()`)) as Breakdown;
        return { heap, memory, items };
      } finally {
        await context.close();
      }
    };
    const plain = await measure(false);
    const tacit = await measure(true);
    const note = `default model + ${tacit.items.toLocaleString('en-US')}-item catalogue embedded; measureUserAgentSpecificMemory (JS heaps and ArrayBuffers, wasm memory included)`;
    return [
      { name: 'memory: Tacit worker', unit: 'MB', value: mb(tacit.memory.worker), note },
      {
        name: 'memory: page total (window + workers)',
        unit: 'MB',
        value: mb(tacit.memory.bytes),
        reference: 'same page without Tacit',
        referenceValue: mb(plain.memory.bytes),
        ratio: Math.round((tacit.memory.bytes / plain.memory.bytes) * 100) / 100,
        note: `window ${mb(tacit.memory.window)} MB (without Tacit ${mb(plain.memory.window)} MB), other ${mb(tacit.memory.other)} MB`,
      },
      {
        name: 'memory: main-thread JS heap used (CDP Runtime.getHeapUsage, after GC)',
        unit: 'MB',
        value: mb(tacit.heap.usedSize),
        reference: 'same page without Tacit',
        referenceValue: mb(plain.heap.usedSize),
        ratio: Math.round((tacit.heap.usedSize / plain.heap.usedSize) * 100) / 100,
      },
    ];
  } catch (error) {
    return [failed('memory', 'MB', error)];
  } finally {
    await browser.close();
    await site.close();
  }
}
