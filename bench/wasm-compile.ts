// Benchmark: WebAssembly compile time of ORT's runtime for a MiniLM-shaped model (6 × 384, random
// weights), on a shopper's first visit and on the next one (browser restarted, same profile on disk).
// ORT compiles its .wasm by streaming from the URL, so Chromium keeps the compiled code (its wasm code
// cache) and the next visit can deserialize it instead of compiling again.
//
// Compile time comes from Chromium's own trace: V8's wasm compile events (decoding and validating the
// stream, lazy and background baseline compiles, top-tier compiles, deserialization), as the union of
// their intervals on each thread, summed over threads (CPU time spent compiling), and on the worker's
// own thread alone (the part that holds up the model's first run). Each visit loads the model in the
// benchmark's worker (the real worker/embedder.ts) and embeds 32 product titles, then the shopper
// stays 5 s (Chromium writes the code cache once enough code has been optimised).

import { rmSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { buildEmbedWorker, generateMiniLm } from './embed.ts';
import { CHROMIUM, CHROMIUM_ARGS, serveBench, type BenchSite } from './lib/browser.ts';
import { productTitles } from './lib/catalog.ts';
import { newProfile } from './lib/demo-site.ts';
import { compared, failed, timing, type BenchResult } from './lib/results.ts';
import { spread } from './lib/stats.ts';

const RUNS = 5;
const STAY_MS = 5000;
const COMPILE_EVENT = /^wasm\.(Compile|ExecuteCompilationUnits|Deserialize|OnBytesReceived|FinishStreaming|ValidateFunctions|SyncCompile|BaselineCompilation|TopTierCompilation)/;
const CATEGORIES = ['v8.wasm', 'disabled-by-default-v8.wasm.detailed'];

const PAGE = `<!doctype html><meta charset="utf-8"><title>compile bench</title><script>
  const worker = new Worker('/bench/embed-worker/embed.worker.js', { type: 'module' });
  const pending = new Map(); let next = 0;
  worker.onmessage = (e) => { const p = pending.get(e.data.id); pending.delete(e.data.id); e.data.error ? p.reject(new Error(e.data.error)) : p.resolve(e.data.result); };
  window.call = (method, args) => new Promise((resolve, reject) => { const id = next++; pending.set(id, { resolve, reject }); worker.postMessage({ id, method, args }); });
</script>`;

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

interface Visit {
  /** ms, all threads. */
  total: number;
  /** ms, on the worker's own thread. */
  worker: number;
  deserialized: boolean;
  /** How ORT's .wasm was compiled (the bench worker records every compile). */
  apis: string[];
}

/** Per thread, the union of the compile events' intervals; summed over all threads and for the worker's. */
export function compileTime(events: TraceEvent[]): Omit<Visit, 'apis'> {
  const threadNames = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const intervals = new Map<string, [number, number][]>();
  for (const e of events) {
    if (e.ph !== 'X' || !COMPILE_EVENT.test(e.name)) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!intervals.has(key)) intervals.set(key, []);
    intervals.get(key)!.push([e.ts, e.ts + (e.dur ?? 0)]);
  }
  let total = 0;
  let worker = 0;
  for (const [key, list] of intervals) {
    list.sort((a, b) => a[0] - b[0]);
    let sum = 0;
    let [start, end] = list[0]!;
    for (const [s, e] of list.slice(1)) {
      if (s > end) {
        sum += end - start;
        [start, end] = [s, e];
      } else end = Math.max(end, e);
    }
    sum += end - start;
    total += sum;
    if (/DedicatedWorker/.test(threadNames.get(key) ?? '')) worker += sum;
  }
  return { total: total / 1000, worker: worker / 1000, deserialized: events.some((e) => e.name === 'wasm.Deserialize') };
}

async function visit(site: BenchSite, profile: string, titles: string[]): Promise<Visit> {
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const page: Page = await context.newPage();
    await page.goto(site.page('/compile.html', PAGE));
    const cdp = await context.newCDPSession(page);
    const events: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', (data) => void events.push(...(data.value as unknown as TraceEvent[])));
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES }, transferMode: 'ReportEvents' } as never);
    const call = (method: string, ...args: unknown[]) => page.evaluate(([m, a]) => (window as unknown as { call(m: string, a: unknown[]): Promise<unknown> }).call(m as string, a as unknown[]), [method, args] as const);
    await call('load', { model: 'minilm', modelBaseUrl: '/bench/', backend: 'wasm', threads: 1 });
    await call('time', titles, 8, 1, false);
    await page.waitForTimeout(STAY_MS);
    const compiles = (await call('compiles')) as { api: string; url: string }[];
    await cdp.send('Tracing.end');
    await complete;
    return { ...compileTime(events), apis: compiles.filter((c) => c.url.endsWith('.wasm')).map((c) => c.api) };
  } finally {
    await context.close();
  }
}

export async function benchWasmCompile(): Promise<BenchResult[]> {
  try {
    await buildEmbedWorker();
    generateMiniLm();
  } catch (error) {
    return [failed('wasm compile: bench worker or MiniLM-shaped model', 'ms', error)];
  }
  const site = await serveBench();
  const titles = productTitles(32);
  const first: Visit[] = [];
  const second: Visit[] = [];
  try {
    for (let r = 0; r < RUNS; r++) {
      const profile = newProfile();
      try {
        first.push(await visit(site, profile, titles));
        second.push(await visit(site, profile, titles));
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    }
  } catch (error) {
    return [failed('wasm compile: MiniLM-shaped model', 'ms', error)];
  } finally {
    await site.close();
  }
  const label = 'wasm compile, MiniLM-shaped model (ORT plain SIMD build, 1 thread)';
  const apis = [...new Set([...first, ...second].flatMap((v) => v.apis))].join(', ');
  const hits = second.filter((v) => v.deserialized).length;
  const firstTotal = spread(first.map((v) => v.total));
  const firstWorker = spread(first.map((v) => v.worker));
  return [
    timing(`${label}: first visit, all threads`, 'ms', firstTotal, { note: `V8 trace: wasm compile events, union per thread; ORT's .wasm compiled by ${apis}; load + 32 titles + ${STAY_MS / 1000} s on the page` }),
    compared(timing(`${label}: second visit, all threads`, 'ms', spread(second.map((v) => v.total)), { note: `browser restarted, same profile; code cache deserialized in ${hits}/${second.length} second visits` }), 'first visit', firstTotal.value, 0.2),
    timing(`${label}: first visit, worker thread`, 'ms', firstWorker, { note: "the part on the worker's own thread, which holds up the model's first run" }),
    compared(timing(`${label}: second visit, worker thread`, 'ms', spread(second.map((v) => v.worker))), 'first visit', firstWorker.value, 0.2),
  ];
}
