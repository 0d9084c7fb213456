// Every invalid input gets one clear warning and a safe default, and the page never sees an exception:
// recommend()'s options, a catalogue of the wrong shape or with no items, an item on screen the catalogue
// does not have, and a listener for an event that does not exist.

import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { createApi } from '../../src/api.ts';
import { sanitizeRecommendOptions } from '../../src/engine/recommend-options.ts';
import { Tacit } from '../../src/sdk.ts';
import { withFreshDevice } from '../support/fresh-device.ts';

let warn: { mock: { calls: unknown[][] }; mockRestore(): void };
const warnings = () => warn.mock.calls.map((call: unknown[]) => String(call[0]));

const items = Array.from({ length: 30 }, (_, i) => ({ id: `p${i}`, title: `Product ${i}`, popularity: 30 - i }));

/** A shop whose /catalog.json answers `body` (before consent: the main thread's popularity ranking). */
async function shop(body: unknown, status = 200) {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), { status })));
  const api = createApi(new Tacit());
  await api.init({ catalog: 'http://shop.test/catalog.json' });
  return api;
}

withFreshDevice((spy) => (warn = spy));

describe('recommend() options', () => {
  it.each([
    [{ limit: 'ten' }, 10, 'recommend({ limit }): limit must be a whole number from 0 to 100, not "ten"; using 10'],
    [{ limit: -3 }, 10, 'recommend({ limit }): limit must be a whole number from 0 to 100, not -3; using 10'],
    [{ limit: Number.NaN }, 10, 'recommend({ limit }): limit must be a whole number from 0 to 100, not NaN; using 10'],
    [{ limit: 250 }, 30, 'recommend({ limit }): limit 250 is above the most one call returns; using 100'],
    [{ limit: 2.5 }, 2, 'recommend({ limit }): limit must be a whole number, not 2.5; using 2'],
  ])('%j: %i items and one warning', async (options, count, message) => {
    const api = await shop(items);
    const result = await api.recommend(options as never);
    expect(result.items).toHaveLength(count);
    expect(warnings()).toEqual([`[tacit] ${message}`]);
  });

  it('valid options warn nothing; limit 0 is a valid empty shelf', async () => {
    const api = await shop(items);
    expect((await api.recommend({ limit: 0 })).items).toEqual([]);
    expect((await api.recommend({ limit: 4, exclude: ['p0'], context: { itemId: 'p1', weight: 0.5 } })).items.map((r) => r.id)).toEqual(['p2', 'p3', 'p4', 'p5']);
    expect((await api.recommend()).items).toHaveLength(10);
    expect(warnings()).toEqual([]);
  });

  it('names every other bad option and keeps the good ones', () => {
    const said: string[] = [];
    const safe = sanitizeRecommendOptions({ limit: 3, exclude: 'p1', excludeSeen: 'yes', context: { itemId: 'p1', weight: 7 } }, (m) => said.push(m));
    expect(safe).toEqual({ limit: 3, exclude: [], context: { itemId: 'p1', weight: undefined } });
    expect(said).toEqual([
      'recommend({ exclude }): exclude must be an array of item ids, not "p1"; using none',
      'recommend({ excludeSeen }): excludeSeen must be true or false, not "yes"; using the ranking config',
      'recommend({ context }): context.weight must be a number from 0 to 1, not 7; using the default weight',
    ]);
    said.length = 0;
    expect(sanitizeRecommendOptions(8, (m) => said.push(m))).toEqual({ limit: 10, exclude: [], context: undefined });
    expect(sanitizeRecommendOptions({ context: 'p1', exclude: ['a', null] }, (m) => said.push(m))).toEqual({ limit: 10, exclude: ['a'], context: undefined });
    expect(said).toEqual([
      'recommend(options): options must be an object such as { limit: 8 }, not 8; using the defaults',
      'recommend({ exclude }): exclude holds values that are not item ids (strings); using the ids among them',
      'recommend({ context }): context must be an object { itemId }, not "p1"; using no context',
    ]);
  });

  it('an item on screen the catalogue does not have: one warning, the shelf without it', async () => {
    const api = await shop(items);
    const result = await api.recommend({ limit: 3, context: { itemId: 'gone-42' } });
    expect(result.items.map((r) => r.id)).toEqual(['p0', 'p1', 'p2']);
    expect(warnings()).toEqual(['[tacit] recommend({ context }): item "gone-42" is not in the catalogue; recommending without it']);
  });
});

describe('the catalogue', () => {
  it('an object { items: [...] } is the documented other form: accepted without a warning', async () => {
    const api = await shop({ items });
    expect((await api.recommend({ limit: 2 })).items.map((r) => r.id)).toEqual(['p0', 'p1']);
    expect(warnings()).toEqual([]);
  });

  it.each([
    [{ items: [] }, '[tacit] the catalogue has no items: recommend() answers with none'],
    [[], '[tacit] the catalogue has no items: recommend() answers with none'],
    [{ products: items }, '[tacit] the catalogue is not usable: catalogue must be an array of items or an object { "items": [...] }'],
    ['items', '[tacit] the catalogue is not usable: catalogue must be an array of items or an object { "items": [...] }'],
    [[{ id: 'a', title: 'A' }, { id: 'b' }], '[tacit] 1 catalogue row(s) rejected, e.g. row 1 (id "b"): title is required'],
  ])('%j: one warning', async (body, message) => {
    const api = await shop(body);
    await api.recommend();
    await api.recommend();
    expect(warnings()).toEqual([message]);
  });

  it('a catalogue that cannot be fetched: one warning naming the URL and the status', async () => {
    const api = await shop('missing', 404);
    expect(await api.recommend()).toEqual({ items: [], strategy: 'fallback:shop-order' });
    expect(warnings()).toEqual(['[tacit] catalogue could not be loaded: HTTP 404 for http://shop.test/catalog.json']);
  });
});

describe('on()', () => {
  it('an event that does not exist: one warning listing the events, an unsubscribe that does nothing', async () => {
    const api = createApi(new Tacit());
    const unsubscribe = api.on('nonsense' as never, () => {});
    expect(typeof unsubscribe).toBe('function');
    expect(() => unsubscribe()).not.toThrow();
    expect(warnings()).toEqual([
      '[tacit] on("nonsense", listener): no such event; the events are ready, consent, stored, model-progress, model-ready, recommendations, report, error, panel',
    ]);
  });

  it("on('error') hears every problem, each time (the console only once); a throwing error listener is reported, not looped", async () => {
    const api = await shop(items);
    const heard: unknown[] = [];
    api.on('error', (error) => heard.push(error));
    await api.recommend({ limit: 'ten' as never });
    await api.recommend({ limit: 'ten' as never });
    expect(heard).toEqual([
      { code: 'invalid-options', message: 'recommend({ limit }): limit must be a whole number from 0 to 100, not "ten"; using 10' },
      { code: 'invalid-options', message: 'recommend({ limit }): limit must be a whole number from 0 to 100, not "ten"; using 10' },
    ]);
    expect(warnings()).toHaveLength(1);
    api.on('error', () => {
      throw new Error('oops');
    });
    await api.track('');
    expect(warnings()).toEqual(expect.arrayContaining(['[tacit] a listener for "error" threw: Error: oops']));
  });

  it('a listener that is not a function: one warning', () => {
    const api = createApi(new Tacit());
    api.on('ready', 'not a function' as never);
    expect(warnings()).toEqual(['[tacit] on("ready", listener): listener must be a function']);
  });
});
