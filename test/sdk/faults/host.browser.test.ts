// A hostile or strict host page: prototypes, JSON and fetch patched by the shop's other scripts,
// window.tacit overwritten, and a strict Content-Security-Policy (the exact one a shop needs is
// established here and written down in docs/reliability.md).

import { afterEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { newContext, readStoredEvents, watchPage } from '../../support/browser/harness.ts';
import {
  clockBeforeServerEpoch,
  cspHash,
  engineSettled,
  isDocumentedReport,
  openShop,
  reportDue,
  shopHtml,
  syncReady,
  tacit,
  tacitWarnings,
  watchOutgoing,
  withFaultSite,
  workerPath,
  type FaultSite,
  type StatsServer,
} from '../../support/browser/fault-support.ts';

let browser: Browser;
let site: FaultSite;
let stats: StatsServer;

withFaultSite((env) => ({ site, browser, stats } = env), { stats: true });
afterEach(() => workerCsp(null));

/** Serves the worker's script with its own CSP header, as a shop that sets one header site-wide would. */
function workerCsp(csp: string | null) {
  site.headersFor(workerPath(), csp ? { 'content-security-policy': csp } : null);
}

const MODEL = { id: 'tiny-bert', backend: 'wasm' };

describe('strict Content-Security-Policy', () => {
  it('runs fully (model, ranking, report) under the documented minimal CSP, with no violation', async () => {
    const context = await newContext(browser);
    const init = { consent: 'granted', catalog: '/catalog.json', model: MODEL, server: stats.url };
    const { inlineScripts } = shopHtml({ init });
    // Page: the snippet's and the init script's hashes, Tacit's files from 'self', the stats server.
    const pageCsp = [
      "default-src 'none'",
      `script-src 'self' ${inlineScripts.map(cspHash).join(' ')}`,
      "worker-src 'self'",
      `connect-src 'self' ${stats.url}`,
    ].join('; ');
    // Worker (its own response header): ORT's .mjs from 'self', its wasm compiled: 'wasm-unsafe-eval'.
    workerCsp("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'");
    const outgoing = watchOutgoing(context);
    await clockBeforeServerEpoch(context);
    const { page, seen } = await openShop(context, site, { init, csp: pageCsp });
    const info = await engineSettled(page, 60_000); // a model load: seconds, more on a loaded machine
    expect(info.model.status).toBe('ready');
    const rec = await tacit<{ strategy: string }>(page, 'recommend', { limit: 3 });
    expect(rec.strategy).not.toMatch(/^fallback/);
    await syncReady(page);
    const before = stats.reports();
    await reportDue(page);
    await tacit(page, 'sync');
    const report = await page.evaluate(
      () =>
        new Promise<any>((done) => {
          const open = indexedDB.open('tacit');
          open.onsuccess = () => {
            const get = open.result.transaction('kv').objectStore('kv').get('report');
            get.onsuccess = () => (open.result.close(), done(get.result));
          };
        }),
    );
    expect(report.last).toMatchObject({ status: 202 });
    expect(stats.reports()).toBe(before + 1);
    expect(outgoing.length).toBe(1);
    expect(outgoing.map((r) => r.body).every(isDocumentedReport)).toBe(true);
    expect(seen.errors).toEqual([]); // a CSP violation is logged as a console error
    expect(tacitWarnings(seen.warnings, /^(?!.*catalogue row)/)).toEqual([]); // the fixture has one bad row
    await context.close();
  }, 90_000);

  async function withoutWasmEval() {
    const context = await newContext(browser);
    workerCsp("default-src 'none'; script-src 'self'; connect-src 'self'");
    const { page, seen } = await openShop(context, site, { init: { consent: 'granted', catalog: '/catalog.json', model: MODEL } });
    const info = await engineSettled(page, 60_000);
    return { context, page, seen, info };
  }

  it("without 'wasm-unsafe-eval' for the worker: popularity ranking and one clear Tacit warning, no page error", async () => {
    const { context, page, seen, info } = await withoutWasmEval();
    expect(info.model.status).toBe('failed');
    expect(info.model.error).toMatch(/Content Security Policy/);
    const rec = await tacit<{ strategy: string; items: unknown[] }>(page, 'recommend', { limit: 3 });
    expect(rec.strategy).toMatch(/^fallback:/);
    expect(rec.items).toHaveLength(3);
    expect(tacitWarnings(seen.warnings, /tiny-bert/)).toHaveLength(1);
    expect(seen.uncaught).toEqual([]); // ORT's console lines are BUG 6, below
    await context.close();
  }, 90_000);

  // BUG: besides Tacit's one warning, onnxruntime-web's Emscripten runtime logs three or four console
  // errors from the worker ("wasm streaming compile failed …", "failed to asynchronously prepare wasm",
  // "Aborted(CompileError …)"), so the shop's console shows a burst of red for one expected fault.
  // Root cause: worker/embedder.ts hands the WASM compile to ORT, which logs through console.error.
  // Fix: in the embedder, before creating the ORT session, probe with
  // `try { new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])) } catch (e) { throw new
  // EmbedderError("WebAssembly is blocked by the page's Content-Security-Policy (add 'wasm-unsafe-eval' to
  // script-src of /tacit/worker.js)", …) }`: it fails the same way under that CSP, silently, and names the fix.
  it("without 'wasm-unsafe-eval': no console error, only Tacit's one warning", async () => {
    const { context, seen } = await withoutWasmEval();
    expect(seen.errors).toEqual([]); // today: ORT's 3–4 console.error lines
    await context.close();
  }, 90_000);
});

describe('Trusted Types', () => {
  // BUG: on a page that enforces Trusted Types (CSP `require-trusted-types-for 'script'`, used by large
  // shops against DOM XSS) the snippet throws into the page: `s.src = url` on a <script> element needs a
  // TrustedScriptURL, so nothing loads and the shop's console shows an uncaught TypeError. Root cause:
  // src/snippet.js assigns a plain string; src/engine-client.ts (new Worker(url)) has the same problem.
  // Fix: in the snippet, `var p = w.trustedTypes && w.trustedTypes.createPolicy && w.trustedTypes.createPolicy('tacit', { createScriptURL: function (u) { return u; } });`
  // then `s.src = p ? p.createScriptURL(url) : url;` inside a try/catch (report once on console.warn);
  // likewise a 'tacit' policy for the worker URL in EngineClient.launch. Document that the shop adds
  // `trusted-types tacit` to its CSP.
  it("require-trusted-types-for 'script': the snippet loads Tacit without throwing into the page", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const seen = watchPage(page);
    site.page('/tt.html', shopHtml({ init: { consent: 'granted' } }).html, {
      'content-security-policy': "require-trusted-types-for 'script'; trusted-types tacit",
    });
    await page.goto(`${site.url}/tt.html`);
    await page.waitForTimeout(1500);
    expect(seen.errors).toEqual([]);
    expect(await page.evaluate(() => (window as any).tacit?.loaded === true)).toBe(true);
    await context.close();
  });

  // The review found the snippet's policy on window.tacit.p, where any script of the page could take it
  // to turn any URL into a TrustedScriptURL. It now vouches only for Tacit's own folder.
  it("the snippet's policy vouches for Tacit's own files only", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    site.page('/tt-policy.html', shopHtml({ init: { consent: 'pending' }, script: 'window.__policy = tacit.p;' }).html, {
      'content-security-policy': "require-trusted-types-for 'script'; trusted-types tacit",
    });
    await page.goto(`${site.url}/tt-policy.html`);
    const result = await page.evaluate(() => {
      const policy = (window as any).__policy as { createScriptURL(u: string): unknown };
      const attempt = (url: string) => {
        try {
          return String(policy.createScriptURL(url));
        } catch (error) {
          return `refused: ${(error as Error).message}`;
        }
      };
      return { own: attempt('/tacit/worker.js'), foreign: attempt('https://evil.example/x.js'), sibling: attempt('/evil.js') };
    });
    expect(result.own).toBe('/tacit/worker.js');
    expect(result.foreign).toMatch(/^refused: \[tacit\] not a Tacit file/);
    expect(result.sibling).toMatch(/^refused/);
    await context.close();
  });
});

describe('prototypes, JSON and fetch patched by the shop', () => {
  // Prototype.js (still on many shops) defines Array.prototype.toJSON, which makes JSON.stringify turn
  // arrays into strings; analytics tags wrap window.fetch; some scripts add enumerable Array methods.
  const HOSTILE = `
    Array.prototype.toJSON = function () { return 'ARRAY(' + this.length + ')'; };
    Array.prototype.extra = function () { return 'extra'; };
    const realFetch = window.fetch;
    window.fetch = function (input, init) { window.__fetches = (window.__fetches || 0) + 1; return realFetch.call(this, input, init); };
  `;

  // BUG: with Array.prototype.toJSON defined by the host page (Prototype.js), the report body becomes
  // {"taxonomy":1,"epoch":…,"segments":"ARRAY(3)"}: the server rejects it (400) and the epoch's report
  // is lost; the body also is not the documented form. Root cause: ReportSync.createReport (src/sync.ts)
  // builds the body with JSON.stringify over a real array. Fix: serialise the report by hand, e.g.
  // `{"taxonomy":${v},"epoch":${e},"segments":[${ids.join(',')}]}` (all integers), never through
  // JSON.stringify of host-patchable prototypes.
  it('the report sent under Prototype.js-style Array.prototype.toJSON is still the documented one and is accepted', async () => {
    const context = await newContext(browser);
    const outgoing = watchOutgoing(context);
    const before = stats.reports();
    await clockBeforeServerEpoch(context);
    const { page } = await openShop(context, site, {
      before: HOSTILE,
      init: { consent: 'granted', catalog: '/catalog.json', model: { id: 'no-such-model' }, server: stats.url },
    });
    await syncReady(page);
    await reportDue(page);
    const result = await tacit(page, 'sync');
    expect(outgoing.length).toBeGreaterThan(0);
    for (const r of outgoing) expect(r.body, r.body ?? '').toSatisfy(isDocumentedReport);
    expect(result).toMatchObject({ sent: true, status: 202 });
    expect(stats.reports()).toBe(before + 1);
    await context.close();
  });

  it('tracking, storage and the engine keep working with patched Array.prototype and fetch', async () => {
    const context = await newContext(browser);
    const { page, seen } = await openShop(context, site, {
      before: HOSTILE,
      init: { consent: 'granted', catalog: '/catalog.json', model: MODEL },
      script: `tacit.track('Product Viewed', { product_id: 'p1', tags: ['a', 'b'] });`,
    });
    await engineSettled(page, 60_000);
    const rec = await tacit<{ items: unknown[]; strategy: string }>(page, 'recommend', { limit: 3 });
    expect(rec.items).toHaveLength(3);
    const stored = await readStoredEvents(page);
    expect(stored.map((e) => e.properties.product_id)).toEqual(['p1']);
    expect(stored[0].properties.tags).toEqual(['a', 'b']);
    expect(seen.errors).toEqual([]);
    expect(tacitWarnings(seen.warnings, /^(?!.*catalogue row)/)).toEqual([]);
    await context.close();
  }, 90_000);

  it('a fetch wrapper that throws for unknown URLs (a broken wrapper) reaches neither the page nor the report, which the worker sends', async () => {
    const context = await newContext(browser);
    await clockBeforeServerEpoch(context);
    const { page, seen } = await openShop(context, site, {
      // A wrapper that knows the page's own requests and throws for anything else that is POSTed.
      before: `const f = window.fetch; window.fetch = function (u, i) { if (i && i.method === 'POST' && String(u).endsWith('/v1/reports')) throw new TypeError('blocked by wrapper'); return f.call(this, u, i); };`,
      init: { consent: 'granted', catalog: '/catalog.json', model: { id: 'no-such-model' }, server: stats.url },
    });
    await syncReady(page);
    await reportDue(page);
    // The report leaves from the worker, with the worker's own fetch: the page's wrapper never sees it.
    const result = await tacit(page, 'sync');
    expect(result).toMatchObject({ sent: true, status: 202 });
    expect(tacitWarnings(seen.warnings, /blocked by wrapper/)).toEqual([]);
    expect(seen.errors).toEqual([]);
    expect(await page.evaluate(() => typeof window.fetch)).toBe('function'); // the shop's wrapper is left alone
    await context.close();
  });
});

describe('window.tacit overwritten', () => {
  it('overwritten after load: events tracked before are kept (stored now or by the next page of the tab)', async () => {
    const context = await newContext(browser);
    const { page, seen } = await openShop(context, site, { init: { consent: 'granted' } });
    await page.evaluate(() => {
      const w = window as any;
      w.tacit.track('Product Viewed', { product_id: 'kept' });
      w.tacit = { track() {} }; // another script takes the name
    });
    // Leave at once: pagehide saves what is unsaved without going through window.tacit.
    site.page('/next-page.html', shopHtml({ init: { consent: 'granted' } }).html);
    await page.goto(`${site.url}/next-page.html`);
    await page.waitForFunction(() => (window as any).tacit?.loaded === true);
    await tacit(page, 'export');
    const stored = await readStoredEvents(page);
    expect(stored.map((e) => e.properties.product_id)).toEqual(['kept']);
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  it('the stub overwritten before the SDK loads: the SDK still installs and works; calls made on the lost stub are gone', async () => {
    const context = await newContext(browser);
    const { page, seen } = await openShop(context, site, {
      init: { consent: 'granted' },
      script: `tacit.track('Product Viewed', { product_id: 'lost' }); window.tacit = undefined;`,
    });
    await tacit(page, 'init', { consent: 'granted' });
    await tacit(page, 'track', 'Product Viewed', { product_id: 'after' });
    await tacit(page, 'export');
    const stored = await readStoredEvents(page);
    expect(stored.map((e) => e.properties.product_id)).toEqual(['after']);
    expect(seen.errors).toEqual([]);
    await context.close();
  });
});
