// Engine worker faults in Chromium: the worker cannot start (CSP worker-src 'none'), crashes during a
// call, hangs, or is terminated; WebGPU forced where there is no adapter. The page must get popularity
// recommendations at once, see one clear warning, never an uncaught error, and the engine must come
// back (one restart) when the fault was a one-off.
//
// Faults inside the worker are injected by serving /tacit/worker.js as a tiny module that imports a
// hook (a message listener that runs before comlink's) and then the real worker (support.faultyWorker).
// Most tests use a model id that does not exist: the worker runs (catalogue, fallback ranking) without
// paying for a model load, which is not what is under test here.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newContext } from '../harness.ts';
import { engineSettled, faultyWorker, inspectUntil, openShop, serveFaultSite, tacit, tacitWarnings, type FaultSite } from './support.ts';

let browser: Browser;
let site: FaultSite;

beforeAll(async () => {
  site = await serveFaultSite();
  browser = await launchBrowser();
});
afterEach(() => {
  for (const path of ['/tacit/worker.js', '/tacit/worker-real.js', '/tacit/worker-fault-hook.js']) site.unpage(path);
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const INIT = { consent: 'granted', catalog: '/catalog.json', model: { id: 'no-such-model', backend: 'wasm' }, engineTimeoutMs: 1500 };
type Rec = { items: { id: string }[]; strategy: string };

/** Opens the shop and waits for the worker to run (its model fails: no-such-model). */
async function runningShop(init: Record<string, unknown> = INIT, before?: string) {
  const context = await newContext(browser);
  const { page, seen } = await openShop(context, site, { init, before });
  const info = await inspectUntil(page, (i) => i.worker === 'running' && i.model?.status === 'failed', 30_000);
  return { context, page, seen, info };
}

describe('worker cannot start', () => {
  // BUG: a worker that cannot start at all (CSP worker-src 'none', a 404 or wrong MIME type for
  // worker.js) prints three warnings: "stopped (crash); restarting it once", "stopped again (crash)",
  // "the recommendation engine is unavailable", and restarts a worker that can never start. Root cause:
  // EngineClient.launch's 'error' listener (src/engine-client.ts) calls onCrash() even while the worker is
  // still 'starting', and start()'s catch then reports too; Chromium gives such error events an empty
  // message, hence "(crash)". Fix: in the listener, call onCrash() only when this.state === 'running';
  // during start just reject, and let start()'s catch print one warning naming the likely causes
  // ("the engine worker could not start (blocked by CSP worker-src, or worker.js missing or not served
  // as JavaScript); using popularity ranking").
  it.fails("CSP worker-src 'none': popularity ranking at once, one warning, no page error", async () => {
    const context = await newContext(browser);
    const csp = "worker-src 'none'";
    const { page, seen } = await openShop(context, site, { init: INIT, csp });
    const rec = await tacit<Rec>(page, 'recommend', { limit: 4 });
    expect(rec.strategy).toMatch(/^fallback:/);
    expect(rec.items).toHaveLength(4);
    const info = await engineSettled(page);
    expect(info.worker).toBe('failed');
    expect(tacitWarnings(seen.warnings, /engine/)).toHaveLength(1);
    expect(seen.errors.filter((e) => !/Content Security Policy|worker-src/.test(e))).toEqual([]);
    await context.close();
  });

  // BUG: same root cause as above (three warnings for one fault).
  it.fails('the worker script is missing (404): popularity ranking, one warning', async () => {
    const context = await newContext(browser);
    site.page('/tacit/worker.js', 'not found', { 'content-type': 'text/plain' }, 2);
    const { page, seen } = await openShop(context, site, { init: INIT });
    const rec = await tacit<Rec>(page, 'recommend', { limit: 4 });
    expect(rec.items).toHaveLength(4);
    expect(rec.strategy).toMatch(/^fallback:/);
    const info = await engineSettled(page);
    expect(info.worker).toBe('failed');
    expect(tacitWarnings(seen.warnings, /engine/)).toHaveLength(1);
    expect(seen.errors.filter((e) => !/MIME type|Failed to load/.test(e))).toEqual([]);
    await context.close();
  });
});

describe('worker fails while running', () => {
  it('crashes during recommend (uncaught error): the call gets popularity, the worker restarts once and serves again', async () => {
    faultyWorker(site, `if (call === 'recommend') { event.stopImmediatePropagation(); throw new Error('injected crash'); }`);
    const { context, page, seen } = await runningShop();
    const first = await tacit<Rec>(page, 'recommend', { limit: 4 });
    expect(first.items).toHaveLength(4);
    const info = await inspectUntil(page, (i) => i.restarts === 1 && i.worker !== 'starting', 30_000);
    expect(info.worker).toBe('running');
    const second = await tacit<Rec>(page, 'recommend', { limit: 4 });
    expect(second.items).toHaveLength(4);
    expect((await tacit<Record<string, any>>(page, 'inspect')).worker).toBe('running');
    expect(tacitWarnings(seen.warnings, /injected crash/)).toHaveLength(1);
    expect(seen.errors.filter((e) => !/injected crash/.test(e))).toEqual([]);
    await context.close();
  });

  it('hangs (busy loop in recommend): answered from popularity within the time limit, restarted once, then serves again', async () => {
    faultyWorker(site, `if (call === 'recommend') { const end = Date.now() + 120000; while (Date.now() < end) {} }`);
    const { context, page, seen } = await runningShop();
    const started = Date.now();
    const first = await tacit<Rec>(page, 'recommend', { limit: 4 });
    expect(Date.now() - started).toBeLessThan(10_000); // 1.5 s call limit + 2 s ping, not 120 s
    expect(first.strategy).toMatch(/^fallback:/);
    expect(first.items).toHaveLength(4);
    const info = await inspectUntil(page, (i) => i.restarts === 1 && i.worker === 'running', 30_000);
    expect(info.worker).toBe('running');
    const second = await tacit<Rec>(page, 'recommend', { limit: 4 });
    expect(second.items).toHaveLength(4);
    expect((await tacit<Record<string, any>>(page, 'inspect')).worker).toBe('running');
    expect(tacitWarnings(seen.warnings, /stopped answering/)).toHaveLength(1);
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  it('terminated from outside (browser or extension): detected at the next call, restarted once', async () => {
    // The host page captures Tacit's Worker (as an extension or a devtools user could) to kill it.
    const before = `const W = window.Worker; window.Worker = function (url, o) { const w = new W(url, o); (window.__workers ||= []).push(w); return w; }; window.Worker.prototype = W.prototype;`;
    const { context, page, seen } = await runningShop(INIT, before);
    await page.evaluate(() => (window as any).__workers.forEach((w: Worker) => w.terminate()));
    const first = await tacit<Rec>(page, 'recommend', { limit: 4 });
    expect(first.items).toHaveLength(4);
    const info = await inspectUntil(page, (i) => i.restarts === 1 && i.worker === 'running', 30_000);
    expect(info.worker).toBe('running');
    expect(tacitWarnings(seen.warnings, /stopped answering/)).toHaveLength(1);
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  it('a worker that keeps crashing: after the one restart, popularity for good and one more warning, no loop', async () => {
    faultyWorker(site, `if (call === 'recommend') { event.stopImmediatePropagation(); throw new Error('injected crash again'); }`, 5);
    const { context, page, seen } = await runningShop();
    for (let i = 0; i < 3; i++) expect((await tacit<Rec>(page, 'recommend', { limit: 2 })).items).toHaveLength(2);
    const info = await inspectUntil(page, (i) => i.worker === 'failed', 30_000);
    expect(info.restarts).toBe(1);
    expect(tacitWarnings(seen.warnings, /injected crash again/)).toHaveLength(2); // "restarting once", then "stopped again"
    await context.close();
  });
});

describe('WebGPU', () => {
  // Device loss needs a live GPUDevice inside ORT; with no GPU here we inject the nearest fault we can:
  // WebGPU forced by configuration where navigator.gpu yields no adapter (Chromium without
  // --enable-unsafe-webgpu). See docs/reliability.md for how a device loss could be injected.
  it('backend webgpu forced without an adapter: model unavailable, popularity ranking, one warning', async () => {
    const context = await newContext(browser);
    const { page, seen } = await openShop(context, site, { init: { ...INIT, model: { id: 'tiny-bert', backend: 'webgpu' } } });
    const info = await engineSettled(page, 30_000);
    expect(info.model.status).toBe('failed');
    expect(info.model.error).toMatch(/webgpu/i);
    const rec = await tacit<Rec>(page, 'recommend', { limit: 3 });
    expect(rec.items).toHaveLength(3);
    expect(tacitWarnings(seen.warnings, /tiny-bert/)).toHaveLength(1);
    expect(seen.errors).toEqual([]);
    await context.close();
  });
});
