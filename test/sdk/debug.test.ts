// @vitest-environment happy-dom
// init({ debug: true }) logs every call and every decision in collapsed console groups (debug-log.ts,
// loaded only then); autoPage: true records a page view for each new path of a single-page app, the
// path only.

import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../../src/api.ts';
import { panelWanted, summarize } from '../../src/debug-log.ts';
import { Tacit } from '../../src/sdk.ts';

let groups: string[];
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  groups = [];
  vi.spyOn(console, 'groupCollapsed').mockImplementation((title?: unknown) => void groups.push(String(title)));
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'groupEnd').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  sessionStorage.clear();
  localStorage.clear(); // a grant is remembered there across "page loads"
  history.replaceState(null, '', '/');
});
afterEach(() => vi.restoreAllMocks());

/** Lets the debug log's chunk load and the calls' answers settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('debug: true', () => {
  it('logs each call with its answer, each decision in words and each event, one collapsed group each', async () => {
    const api = createApi(new Tacit());
    await api.init({ debug: true, consent: 'pending' });
    await api.track('Product Viewed', { product_id: 'sku-1' });
    await api.consent('granted');
    await api.track('Product Viewed', { product_id: 'sku-2' });
    await api.export();
    await vi.waitFor(() =>
      expect(groups).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\[tacit\] init\(\{"debug":true,"consent":"pending"\}\) → done \(\d+\.\d ms\)$/),
        '[tacit] decision: configuration resolved (every default filled in)',
        '[tacit] decision: consent pending (init({ consent }))',
        '[tacit] decision: Product Viewed: not stored yet, kept in memory until consent is granted',
        '[tacit] event: ready',
        '[tacit] event: consent',
        '[tacit] event: stored',
        expect.stringMatching(/^\[tacit\] consent\("granted"\) → "granted" \(/),
        expect.stringMatching(/^\[tacit\] export\(\) → 2 event\(s\), storage indexeddb \(/),
      ]),
    ),
    );
    expect(groups.every((g) => g.startsWith('[tacit] '))).toBe(true);
  });

  it('names the ranking path recommend() took', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Response.json([{ id: 'a', title: 'A' }])));
    const api = createApi(new Tacit());
    await api.init({ debug: true, catalog: '/catalog.json' });
    await api.recommend({ limit: 3 });
    await vi.waitFor(() => {
      expect(groups).toContain('[tacit] decision: recommend: popularity on the main thread (consent is pending: no engine)');
      expect(groups.some((g) => /^\[tacit\] recommend\(\{"limit":3\}\) → 1 item\(s\), strategy fallback:shop-order \(/.test(g))).toBe(true);
    });
    vi.unstubAllGlobals();
  });

  it('logs nothing, and loads nothing, without debug', async () => {
    const api = createApi(new Tacit());
    await api.init({ consent: 'granted' });
    await api.track('Product Viewed', { product_id: 'sku-1' });
    await api.export();
    await settle();
    expect(groups).toEqual([]);
  });

  it('summarizes answers in words', () => {
    expect(summarize('recommend', { items: [1, 2], strategy: 'profile', limitedBy: 'min-similarity' })).toBe('2 item(s), strategy profile, limited by min-similarity');
    expect(summarize('segments', [{}, {}, {}])).toBe('3 segment(s)');
    expect(summarize('track', undefined)).toBe('done');
    expect(summarize('consent', 'denied')).toBe('"denied"');
  });

  it('?tacit-debug asks for the panel for the rest of the tab session; ?tacit-debug=off ends that', () => {
    expect(panelWanted('')).toBe(false);
    expect(panelWanted('?tacit-debug')).toBe(true);
    expect(panelWanted('?page=2')).toBe(true);
    expect(panelWanted('?tacit-debug=off')).toBe(false);
    expect(panelWanted('')).toBe(false);
  });
});

describe('autoPage: true', () => {
  it('records a page view at init and for each new path, never a query string; the same path twice is one view', async () => {
    history.replaceState(null, '', '/shop?utm_source=mail');
    const api = createApi(new Tacit());
    await api.init({ consent: 'granted', autoPage: true });
    history.pushState(null, '', '/shop/tents?q=secret@example.com');
    history.replaceState(null, '', '/shop/tents?q=other'); // same path: no new view
    history.pushState(null, '', '/shop/tents#reviews'); // same path
    history.pushState({ step: 2 }, '', '/checkout');
    history.back();
    await new Promise((resolve) => setTimeout(resolve, 20)); // popstate
    const events = (await api.export()).events.filter((e) => e.event === 'Page Viewed');
    expect(events.map((e) => e.properties)).toEqual([{ path: '/shop' }, { path: '/shop/tents' }, { path: '/checkout' }, { path: '/shop/tents' }]);
    expect(JSON.stringify(events)).not.toMatch(/secret|utm|reviews/);
    // The page's own calls behave as before: state and return value untouched.
    expect(history.pushState({ a: 1 }, '', '/x')).toBeUndefined();
    expect(history.state).toEqual({ a: 1 });
  });

  it('is off by default: no page view without a call to page()', async () => {
    const api = createApi(new Tacit());
    await api.init({ consent: 'granted' });
    history.pushState(null, '', '/elsewhere');
    expect((await api.export()).events).toEqual([]);
  });

  it('a bad value is reported and the default (off) kept', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const api = createApi(new Tacit());
    await api.init({ consent: 'granted', autoPage: 'yes' as never });
    expect(warn).toHaveBeenCalledWith('[tacit] init(config): autoPage must be true or false; using the default');
    expect((await api.export()).events).toEqual([]);
  });
});
