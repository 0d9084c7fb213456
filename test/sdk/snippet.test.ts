// @vitest-environment happy-dom
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SAFE_VALUES } from '../../src/api.ts';

const source = readFileSync(resolve(__dirname, '../../src/snippet.js'), 'utf8');
const paste = () => new Function(source)();
type HappyWindow = { happyDOM: { settings: { disableJavaScriptFileLoading: boolean; handleDisabledFileLoadingAsSuccess: boolean } } };
/** How happy-dom answers the snippet's <script src>: as loaded (the test then imports the loader) or as failed. */
const scriptLoads = (ok: boolean) => {
  const settings = (window as unknown as HappyWindow).happyDOM.settings;
  settings.disableJavaScriptFileLoading = true;
  settings.handleDisabledFileLoadingAsSuccess = ok;
};
type Stub = unknown[] & Record<string, (...a: unknown[]) => Promise<unknown>> & { loaded?: boolean };
const tacit = () => (window as unknown as { tacit: Stub }).tacit;

/** The <script> is added but its request never ends (the test imports the loader when it wants tacit.js to "arrive"). */
const hangingRequest = () => vi.spyOn(document.head, 'appendChild').mockImplementation((node) => node);

beforeEach(() => {
  vi.restoreAllMocks();
  scriptLoads(true);
  vi.useRealTimers();
  globalThis.indexedDB = new IDBFactory();
  delete (window as unknown as { tacit?: unknown }).tacit;
  document.head.innerHTML = '';
  vi.resetModules();
});

describe('the snippet', () => {
  it('defines a queue stub and adds one module script (a script added by a script is async: never render-blocking)', () => {
    paste();
    const scripts = document.head.querySelectorAll('script');
    expect(scripts).toHaveLength(1);
    expect(scripts[0].type).toBe('module');
    expect(scripts[0].getAttribute('src')).toBe('SDK_URL');
    for (const m of ['init', 'track', 'page', 'consent', 'forget', 'export', 'recommend', 'segments', 'sync', 'inspect', 'on']) {
      expect(typeof tacit()[m]).toBe('function');
    }
  });

  it('keeps calls in order and is safe to paste twice', () => {
    paste();
    tacit().track('Product Viewed', { product_id: 'a' });
    paste();
    tacit().track('Product Viewed', { product_id: 'b' });
    expect(document.head.querySelectorAll('script')).toHaveLength(1);
    expect(tacit().map((c) => (c as unknown[])[0])).toEqual(['track', 'track']);
    expect(tacit().map((c) => ((c as unknown[])[1] as [string, { product_id: string }])[1].product_id)).toEqual(['a', 'b']);
  });

  it('does nothing when the SDK is already loaded', () => {
    const loaded = { loaded: true };
    (window as unknown as { tacit: unknown }).tacit = loaded;
    paste();
    expect(tacit()).toBe(loaded);
    expect(document.head.querySelectorAll('script')).toHaveLength(0);
  });

  it('the loader replays queued calls in order and resolves their promises', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    paste();
    const track1 = tacit().track('Product Viewed', { product_id: 'a' });
    tacit().init({ consent: 'granted' });
    tacit().track('Products Searched', { query: 'tent' });
    const exported = tacit().export();
    await import('../../src/loader.ts');
    expect(tacit().loaded).toBe(true);
    await expect(track1).resolves.toBeUndefined();
    const data = (await exported) as { events: { event: string }[] };
    expect(data.events.map((e) => e.event)).toEqual(['Product Viewed', 'Products Searched']);
  });

  it('the loaded API keeps working when called directly', async () => {
    paste();
    tacit().init({ consent: 'granted' });
    await import('../../src/loader.ts');
    await tacit().track('Product Added', { product_id: 'x' });
    const data = (await tacit().export()) as { events: { event: string }[] };
    expect(data.events.map((e) => e.event)).toEqual(['Product Added']);
  });

  it('when tacit.js cannot load, every call answers at once with the safe value of src/api.ts, and one warning says why', async () => {
    scriptLoads(false);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    paste();
    const methods = Object.keys(SAFE_VALUES) as (keyof typeof SAFE_VALUES)[];
    const before = methods.map((m) => tacit()[m]());
    const answers = await Promise.all(before);
    const after = await Promise.all(methods.map((m) => tacit()[m]()));
    for (const [i, m] of methods.entries()) {
      const safe = SAFE_VALUES[m]();
      if (typeof safe === 'function') {
        expect(typeof answers[i]).toBe('function');
        expect(typeof after[i]).toBe('function');
      } else {
        expect({ m, answer: answers[i] }).toEqual({ m, answer: safe });
        expect({ m, answer: after[i] }).toEqual({ m, answer: safe });
      }
    }
    // A fresh object each time: one caller changing its answer changes no other.
    expect(answers[methods.indexOf('recommend')]).not.toBe(after[methods.indexOf('recommend')]);
    expect(warn.mock.calls).toEqual([['[tacit] SDK_URL did not load: calls get safe answers']]);
  });

  it('when tacit.js has not run after 10 s, the calls settle the same way; a late tacit.js still replays them all', async () => {
    vi.useFakeTimers();
    hangingRequest();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    paste();
    tacit().init({ consent: 'granted' });
    const first = tacit().recommend({ limit: 3 });
    let settled = false;
    void first.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(first).resolves.toEqual({ items: [], strategy: 'error' });
    expect(warn).toHaveBeenCalledTimes(1);
    await expect(tacit().track('Product Viewed', { product_id: 'late' })).resolves.toBeUndefined();
    vi.useRealTimers();
    await import('../../src/loader.ts');
    expect(tacit().loaded).toBe(true);
    const data = (await tacit().export()) as { events: { event: string; properties: { product_id: string } }[] };
    expect(data.events.map((e) => e.properties.product_id)).toEqual(['late']);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('a load within the time leaves no warning and no early answer', async () => {
    vi.useFakeTimers();
    hangingRequest();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    paste();
    tacit().init({});
    const consent = tacit().consent('pending');
    vi.useRealTimers();
    await import('../../src/loader.ts');
    await expect(consent).resolves.toBe('pending');
    vi.useFakeTimers();
    await vi.advanceTimersByTimeAsync(20_000);
    vi.useRealTimers();
    expect(warn.mock.calls).toEqual([]);
  });
});
