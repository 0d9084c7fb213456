import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../worker/storage/memory-store.ts';
import { IndexedDBStore } from '../../worker/storage/indexeddb-store.ts';
import type { NewEvent, Retention } from '../../worker/storage/store.ts';

const DAY = 24 * 3600 * 1000;
const ev = (ts: number, i = 0): NewEvent => ({ ts, event: 'Product Viewed', properties: { product_id: String(i) } });

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe.each([
  ['indexeddb', (r: Retention, now: () => number) => IndexedDBStore.open(r, now)],
  ['memory', async (r: Retention, now: () => number) => new MemoryStore(r, now)],
] as const)('%s store', (_kind, open) => {
  it('assigns increasing sequence numbers and reads events back in order', async () => {
    const store = await open({ maxAgeMs: 90 * DAY, maxEvents: 100 }, () => 1000);
    const first = await store.append([ev(1000, 1), ev(1000, 2)]);
    const second = await store.append([ev(1001, 3)]);
    expect(first[0]).toBeLessThan(first[1]);
    expect(first[1]).toBeLessThan(second[0]);
    const events = await store.events();
    expect(events.map((e) => e.properties.product_id)).toEqual(['1', '2', '3']);
    expect((await store.events(first[1])).map((e) => e.seq)).toEqual(second);
  });

  it('evicts the oldest events beyond maxEvents', async () => {
    const store = await open({ maxAgeMs: 90 * DAY, maxEvents: 5 }, () => 1000);
    for (let i = 0; i < 8; i++) await store.append([ev(1000 + i, i)]);
    const kept = await store.events();
    expect(kept.map((e) => e.properties.product_id)).toEqual(['3', '4', '5', '6', '7']);
  });

  it('evicts events older than maxAge', async () => {
    let now = 100 * DAY;
    const store = await open({ maxAgeMs: 90 * DAY, maxEvents: 100 }, () => now);
    await store.append([ev(5 * DAY, 1), ev(50 * DAY, 2)]);
    now = 120 * DAY; // the first event is now 115 days old, the second 70
    await store.append([ev(now, 3)]);
    expect((await store.events()).map((e) => e.properties.product_id)).toEqual(['2', '3']);
  });

  it('keeps key-value state and reports it; clear() removes everything', async () => {
    const store = await open({ maxAgeMs: 90 * DAY, maxEvents: 100 }, () => 1000);
    await store.set('profile', { v: [1, 2] });
    await store.append([ev(1000)]);
    expect(await store.get('profile')).toEqual({ v: [1, 2] });
    expect(await store.state()).toMatchObject({ profile: { v: [1, 2] } });
    await store.clear();
    expect(await store.count()).toBe(0);
    expect(await store.get('profile')).toBeUndefined();
  });
});

describe('IndexedDB specifics', () => {
  const retention = { maxAgeMs: 90 * DAY, maxEvents: 1000 };

  it('two tabs writing at once lose and duplicate nothing', async () => {
    const [a, b] = await Promise.all([IndexedDBStore.open(retention), IndexedDBStore.open(retention)]);
    const writes: Promise<number[]>[] = [];
    for (let i = 0; i < 50; i++) {
      writes.push(a.append([ev(Date.now(), i)]));
      writes.push(b.append([ev(Date.now(), 1000 + i), ev(Date.now(), 2000 + i)]));
    }
    const seqs = (await Promise.all(writes)).flat();
    expect(new Set(seqs).size).toBe(150);
    const stored = await a.events();
    expect(stored.length).toBe(150);
    expect(new Set(stored.map((e) => e.properties.product_id)).size).toBe(150);
  });

  it('QuotaExceededError evicts the oldest events and keeps the newest', async () => {
    const store = await IndexedDBStore.open(retention);
    for (let i = 0; i < 20; i++) await store.append([ev(Date.now(), i)]);
    const { IDBObjectStore: FDBObjectStore } = await import('fake-indexeddb');
    const realAdd = FDBObjectStore.prototype.add;
    let failures = 1;
    const spy = vi.spyOn(FDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      if (failures-- > 0) throw new DOMException('full', 'QuotaExceededError');
      return realAdd.apply(this, args);
    });
    try {
      const [seq] = await store.append([ev(Date.now(), 999)]);
      expect(seq).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
    const stored = await store.events();
    expect(stored.at(-1)!.properties.product_id).toBe('999');
    expect(stored.length).toBeLessThan(21);
    expect(stored[0].properties.product_id).not.toBe('0');
  });

  it('gives up with the error after repeated quota failures (the caller keeps the batch)', async () => {
    const store = await IndexedDBStore.open(retention);
    const { IDBObjectStore: FDBObjectStore } = await import('fake-indexeddb');
    const spy = vi.spyOn(FDBObjectStore.prototype, 'add').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    try {
      await expect(store.append([ev(Date.now())])).rejects.toMatchObject({ name: 'QuotaExceededError' });
    } finally {
      spy.mockRestore();
    }
  });

  it('a second tab reopens after another tab deleted the database', async () => {
    const a = await IndexedDBStore.open(retention);
    const b = await IndexedDBStore.open(retention);
    await a.append([ev(Date.now(), 1)]);
    await b.clear();
    await a.append([ev(Date.now(), 2)]);
    expect((await a.events()).map((e) => e.properties.product_id)).toEqual(['2']);
  });
});
