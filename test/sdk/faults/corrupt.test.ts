// Corrupted records left in IndexedDB (by a bug, an older release, or another script on the origin):
// garbage consent, profile and report state in the kv store, events of the wrong shape. Tacit must not
// throw, must not send anything but the documented report, and must keep using the good records.

import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../../../src/api.ts';
import { Tacit } from '../../../src/sdk.ts';
import { REPORT_STATE_KEY } from '../../../worker/reports/sync.ts';
import { reportTab } from '../reports/report-host.ts';
import { Engine } from '../../../worker/engine.ts';
import { mulberry32 } from '../../../core/random.ts';
import { catalogFetch, fakeEmbedder, rawEvents, rawPut } from '../../support/fault-support.ts';

let warn: ReturnType<typeof vi.spyOn>;
const warnings = (): string[] => warn.mock.calls.map((c: unknown[]) => String(c[0]));

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

const now = Date.UTC(2026, 10, 29, 10, 0, 0);
const EPOCH_SECONDS = 3600;
const epoch = Math.floor(now / 1000 / EPOCH_SECONDS);

describe('corrupted kv records', () => {
  it.each([
    ['a string', 'granted'],
    ['a wrong type', { state: 42 }],
    ['null', null],
    ['an array', ['granted']],
  ])('a consent record that is %s is no grant, and nothing throws', async (_label, value) => {
    await rawPut('kv', value, 'consent');
    const sdk = new Tacit();
    const api = createApi(sdk);
    await api.init({ consent: 'pending' });
    expect(sdk.consentStatus).toBe('pending');
    expect(warnings()).toEqual([]);
  });

  async function engineWith(records: { kv?: Record<string, unknown>; events?: unknown[] }) {
    for (const [key, value] of Object.entries(records.kv ?? {})) await rawPut('kv', value, key);
    for (const event of records.events ?? []) await rawPut('events', event);
    const engine = new Engine({ createEmbedder: fakeEmbedder, fetch: catalogFetch(), now: () => now });
    await engine.init({ catalogUrl: 'http://shop.test/catalog.json', catalogVectorsUrl: null, model: { model: 'fake' }, events: 'indexeddb' });
    return engine;
  }

  it.each([
    ['garbage', 'not a profile'],
    ['a profile of the wrong size', { profile: { format: 'tacit-profile/1', modelId: 'fake', dim: 3, sum: [1, 2, 3] } }],
    ['a profile with NaN and a huge lastSeq', { profile: { format: 'tacit-profile/1', modelId: 'fake', dim: 8, sum: Array(8).fill('NaN'), lastSeq: 1e12 } }],
  ])('a stored profile that is %s is replaced by a fresh one built from the events', async (_label, profile) => {
    const engine = await engineWith({
      kv: { profile },
      events: [{ ts: now - 1000, event: 'Product Viewed', properties: { product_id: 'p3' } }],
    });
    const result = await engine.recommend({ limit: 3 });
    expect(result.items).toHaveLength(3);
    expect(result.strategy).toBe('profile');
    expect(engine.inspect().profile.interactions).toBe(1);
  });

  it('events of the wrong shape are skipped; the good ones around them still count', async () => {
    const engine = await engineWith({
      events: [
        { ts: now - 5000, event: 'Product Viewed', properties: { product_id: 'p1' } },
        { ts: 'yesterday', event: 'Product Viewed', properties: { product_id: 'p2' } },
        { ts: now - 4000, event: 42, properties: null },
        { ts: now - 3000, event: 'Order Completed', properties: { products: 'p4' } },
        { ts: now - 2000, event: 'Products Searched', properties: { query: { $ne: 1 } } },
        { ts: now - 1000, event: 'Product Added', properties: { product_id: 'p3' } },
      ],
    });
    const result = await engine.recommend({ limit: 5 });
    expect(result.strategy).toBe('profile');
    expect(engine.inspect().profile.interactions).toBe(2); // p1 viewed, p3 added
    // The SDK's export still returns every stored record, bad ones included: the shopper sees all.
    const sdk = new Tacit();
    await sdk.init({ consent: 'granted' });
    expect((await sdk.export()).events).toHaveLength(6);
    expect(await rawEvents()).toHaveLength(6);
  });
});

describe('corrupted report state', () => {
  let clock = now;
  beforeEach(() => {
    clock = now;
  });
  const params = {
    taxonomy: { version: 1, segments: [1, 2, 3, 4, 5].map((id) => ({ id, name: `s${id}`, description: '' })) },
    epsilon: 4,
    slots: 3,
    epochSeconds: EPOCH_SECONDS,
    k: 10,
    releaseEpsilon: 1,
  };

  async function syncWith(state: unknown) {
    await rawPut('kv', { state: 'granted', day: '2026-11-29' }, 'consent');
    await rawPut('kv', state, REPORT_STATE_KEY);
    const posted: unknown[] = [];
    const { sync } = reportTab('http://stats.test', {
      config: { privacy: { minEpochSeconds: EPOCH_SECONDS } },
      segments: async () => [{ id: 2 }],
      now: () => clock,
      random: mulberry32(7),
      fetch: async (input, init) => {
        if (init?.method === 'POST') {
          posted.push(init.body);
          return Response.json({ ok: true }, { status: 202 });
        }
        return Response.json(params);
      },
    });
    await sync.start();
    return { sync, posted };
  }

  const documented = (body: unknown) => {
    const json = JSON.parse(String(body));
    return Object.keys(json).join(',') === 'taxonomy,epoch,segments,nonce' && Number.isSafeInteger(json.epoch) && json.segments.length === 3 && /^[A-Za-z0-9_-]{22}$/.test(json.nonce);
  };

  it.each([
    ['garbage', 'xyz'],
    ['null fields', { createdEpoch: null, pending: null, last: null }],
    ['a pending report that is a string', { createdEpoch: 0, pending: 'oops', last: null }],
  ])('report state that is %s: read as a fresh start, never throws, then one documented report when due', async (_label, state) => {
    const { sync, posted } = await syncWith(state);
    // Unreadable bookkeeping cannot prove this epoch is unreported: the device treats it as new (silent
    // for the rest of this epoch), then reports normally.
    expect(await sync.sync()).toMatchObject({ sent: false });
    const nextEpoch = (Math.floor(now / 1000 / EPOCH_SECONDS) + 1) * EPOCH_SECONDS * 1000;
    let result: unknown = null;
    for (clock = nextEpoch; clock < nextEpoch + EPOCH_SECONDS * 1000 && posted.length === 0; clock += 60_000) result = await sync.sync();
    expect(result).toMatchObject({ sent: true });
    expect(posted).toHaveLength(1);
    expect(JSON.parse(String(posted[0])).epoch).toBe(Math.floor(nextEpoch / 1000 / EPOCH_SECONDS));
    expect(Object.keys(JSON.parse(String(posted[0])))).toEqual(['taxonomy', 'epoch', 'segments', 'nonce']);
  });

  // BUG: a pending report found in IndexedDB is POSTed verbatim, whatever its body holds: a corrupted
  // (or planted) record makes Tacit send data in a form other than the documented report. Root cause:
  // ReportSync.send (src/sync.ts) trusts `pending.body`. Fix: before claiming, parse pending.body and
  // check it is exactly {"taxonomy","epoch","segments"} with the current taxonomy version, epoch ===
  // pending.epoch and `slots` ids from the taxonomy's domain; otherwise drop the pending report (and,
  // if its epoch is the current one, let createReport make a fresh one).
  it('a pending report whose body is not the documented report is never sent', async () => {
    const { sync, posted } = await syncWith({
      createdEpoch: epoch,
      pending: { epoch, body: '{"email":"shopper@example.com","cart":["p1"]}', attempts: 0, nextAttemptAt: 0, inFlightUntil: 0 },
      last: null,
    });
    for (let i = 0; i < 150; i++, clock += 60_000) await sync.sync(); // through the next epoch too
    expect(posted.length).toBeGreaterThan(0);
    for (const body of posted) expect(documented(body)).toBe(true);
  });
});
