// Engine worker faults in Chromium: the worker cannot start (CSP worker-src 'none'), crashes during a
// call, hangs, or is terminated; WebGPU forced where there is no adapter. The page must get popularity
// recommendations at once, see one clear warning, never an uncaught error, and the engine must come
// back (one restart) when the fault was a one-off.
//
// Faults inside the worker are injected by serving the worker's script as a tiny module that imports a
// hook (a message listener that runs before the worker's own) and then the real worker (support.faultyWorker).
// Most tests use a model id that does not exist: the worker runs (catalogue, fallback ranking) without
// paying for a model load, which is not what is under test here.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newContext } from '../../support/browser/harness.ts';
import {
  engineSettled,
  faultyWorker,
  inspectUntil,
  openShop,
  tacit,
  tacitWarnings,
  withFaultSite,
  workerPath,
  type FaultSite,
} from '../../support/browser/fault-support.ts';

let browser: Browser;
let site: FaultSite;

withFaultSite((env) => ({ site, browser } = env));
afterEach(() => {
  for (const path of [workerPath(), '/tacit/worker-real.js', '/tacit/worker-fault-hook.js']) site.unpage(path);
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
  it("CSP worker-src 'none': popularity ranking at once, one warning, no page error", async () => {
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
  it('the worker script is missing (404): popularity ranking, one warning', async () => {
    const context = await newContext(browser);
    site.page(workerPath(), 'not found', { 'content-type': 'text/plain' }, 2);
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
    // The loop never ends: had recommend() waited for the worker, this test would time out.
    faultyWorker(site, `if (call === 'recommend') { for (;;) {} }`);
    const { context, page, seen } = await runningShop();
    const first = await tacit<Rec>(page, 'recommend', { limit: 4 }); // 1.5 s call limit + 2 s ping
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
  // WebGPU forced by configuration where navigator.gpu yields no adapter (Chromium without
  // --enable-unsafe-webgpu); device loss is below, on SwiftShader.
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

describe('WebGPU device lost (SwiftShader)', () => {
  let gpuBrowser: Browser;
  beforeAll(async () => {
    gpuBrowser = await launchBrowser({ webgpu: true });
  });
  afterAll(async () => {
    await gpuBrowser?.close();
  });

  // The hook keeps every GPUDevice ORT asks for and destroys them at the first recommend: what a GPU
  // reset, a driver update or a tab in the background on a laptop switching GPUs does to a real device.
  const KEEP_DEVICES = `
    if (self.GPUAdapter) {
      const request = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = async function (...args) {
        const device = await request.apply(this, args);
        (self.__devices ||= []).push(device);
        return device;
      };
    }`;

  // BUG: after a WebGPU device loss the engine keeps the dead device: every later inference fails, so a
  // search is never embedded and, because Engine.applyNewEvents (worker/engine.ts) stops at the first
  // failure, no later event reaches the profile for the rest of the page; transformers.js also logs two
  // console.error lines per failed run. Root cause: worker/embedder.ts creates the ORT session once and
  // never watches `device.lost`. Fix: in the embedder, on a run error whose message says the device was
  // lost (or when GPUDevice.lost resolves), dispose the session and re-create the embedder with
  // backend 'wasm' (one warning: "WebGPU device lost; continuing on WASM"), then retry the batch once.
  it('the device is lost after the model loaded: recommendations still come, later events still reach the profile, no console error', async () => {
    faultyWorker(site, `if (call === 'recommend' && !self.__lost) { self.__lost = true; (self.__devices || []).forEach((d) => d.destroy()); }`, 1, KEEP_DEVICES);
    const context = await newContext(gpuBrowser);
    const { page, seen } = await openShop(context, site, {
      init: { consent: 'granted', catalog: '/catalog.json', model: { id: 'tiny-bert', backend: 'webgpu' }, engineTimeoutMs: 60_000 },
    });
    const info = await engineSettled(page, 120_000);
    expect(info.model).toMatchObject({ status: 'ready', backend: 'webgpu' });
    const first = await tacit<Rec>(page, 'recommend', { limit: 4 }); // the device is destroyed here
    expect(first.items).toHaveLength(4);
    // A search needs the (lost) device to embed the query; a view after it needs nothing.
    await page.evaluate(async () => {
      const t = (window as any).tacit;
      await t.track('Products Searched', { query: 'rain jacket' });
      await t.track('Product Viewed', { product_id: 'p2' });
      await t.export();
    });
    const second = await tacit<Rec>(page, 'recommend', { limit: 4 });
    expect(second.items).toHaveLength(4);
    expect(tacitWarnings(seen.warnings, /^(?!.*catalogue row)/).length).toBeLessThanOrEqual(1);
    const after = await tacit<Record<string, any>>(page, 'inspect');
    expect(after.profile.interactions).toBe(2);
    expect(seen.errors).toEqual([]);
    await context.close();
  }, 180_000);
});
