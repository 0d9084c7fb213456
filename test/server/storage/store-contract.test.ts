// The Store contract (server/storage/store.ts), run against every implementation: SQLite in memory
// (commits on the calling thread), a SQLite file (commits on the writer thread) and PostgreSQL (a
// throwaway cluster). Whatever the database, the server must see the same behaviour.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../server/storage/postgres/postgres-store.ts';
import { openSqliteStore } from '../../../server/storage/sqlite/sqlite-store.ts';
import { EpochReleasedError, type CountedReport, type EpochCounts, type Store } from '../../../server/storage/store.ts';
import { startPostgres, type PostgresCluster } from '../postgres-cluster.ts';

interface Opened {
  store: Store;
  /** another store on the same database (a second process), or the same one where there is only one */
  another(): Promise<Store>;
  /** opens the database again after `store` was closed; null for an in-memory database */
  reopen: (() => Promise<Store>) | null;
}

let cluster: PostgresCluster;
let dir: string;
let databases = 0;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-store-'));
  cluster = await startPostgres();
}, 60_000);
afterAll(() => {
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const BACKENDS: [string, () => Promise<Opened>][] = [
  [
    'SQLite in memory',
    async () => {
      const store = await openSqliteStore(':memory:');
      return { store, another: async () => store, reopen: null };
    },
  ],
  [
    'SQLite file (writer thread)',
    async () => {
      const path = join(dir, `store-${databases++}.sqlite`);
      const store = await openSqliteStore(path);
      return { store, another: async () => store, reopen: () => openSqliteStore(path) };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await cluster.createDatabase(`store_${databases++}`);
      return { store: await openPostgresStore(url), another: () => openPostgresStore(url), reopen: () => openPostgresStore(url) };
    },
  ],
];

const report = (epoch: number, segments: number[], taxonomy = 1): CountedReport => ({ taxonomy, epoch, segments });
const asObject = (counts: EpochCounts | null) => counts && { reports: counts.reports, counts: Object.fromEntries([...counts.counts].sort(([a], [b]) => a - b)) };

describe.each(BACKENDS)('Store on %s', (_name, open) => {
  const opened: Store[] = [];
  const track = (store: Store): Store => (opened.push(store), store);
  afterEach(async () => {
    await Promise.all([...new Set(opened.splice(0))].map((store) => store.close().catch(() => {})));
  });
  const openTracked = async (): Promise<Opened> => {
    const result = await open();
    track(result.store);
    return { ...result, another: async () => track(await result.another()), reopen: result.reopen && (async () => track(await result.reopen!())) };
  };

  it('sums every batch per epoch and value, keeps taxonomies and epochs apart, and knows epochs without reports', async () => {
    const { store } = await openTracked();
    await store.addReports([report(10, [1, 2, 0]), report(10, [1, 1, 3]), report(9, [4, 0, 0])]);
    await store.addReports([report(10, [2, 0, 0]), report(10, [5, 5, 5], 2)]);
    await store.addReports([]);
    expect(asObject(await store.epochCounts({ taxonomy: 1, epoch: 10 }))).toEqual({ reports: 3, counts: { 0: 3, 1: 3, 2: 2, 3: 1 } });
    expect(asObject(await store.epochCounts({ taxonomy: 1, epoch: 9 }))).toEqual({ reports: 1, counts: { 0: 2, 4: 1 } });
    expect(asObject(await store.epochCounts({ taxonomy: 2, epoch: 10 }))).toEqual({ reports: 1, counts: { 5: 3 } });
    expect(await store.epochCounts({ taxonomy: 1, epoch: 11 })).toBeNull();
    expect(await store.epochCounts({ taxonomy: 3, epoch: 10 })).toBeNull();
  });

  it('lists epochs with reports before a bound, newest first, saying which are released', async () => {
    const { store } = await openTracked();
    await store.addReports([report(5, [1, 0, 0]), report(7, [1, 0, 0]), report(8, [1, 0, 0]), report(7, [1, 0, 0], 2)]);
    await store.releaseOnce({ taxonomy: 1, epoch: 5 }, () => '{"r":5}');
    expect(await store.epochsBefore(8)).toEqual([
      { taxonomy: 2, epoch: 7, released: false },
      { taxonomy: 1, epoch: 7, released: false },
      { taxonomy: 1, epoch: 5, released: true },
    ]);
    expect(await store.epochsBefore(5)).toEqual([]);
  });

  it('computes a release once from the final counters and serves the stored one after that', async () => {
    const { store } = await openTracked();
    const key = { taxonomy: 1, epoch: 20 };
    await store.addReports([report(20, [1, 2, 0]), report(20, [1, 0, 0])]);
    expect(await store.release(key)).toBeNull();
    const seen: unknown[] = [];
    const first = await store.releaseOnce(key, (counts) => (seen.push(asObject(counts)), '{"first":true}'));
    expect(first).toBe('{"first":true}');
    expect(seen).toEqual([{ reports: 2, counts: { 0: 3, 1: 2, 2: 1 } }]);
    expect(await store.releaseOnce(key, () => '{"second":true}')).toBe('{"first":true}');
    expect(await store.release(key)).toBe('{"first":true}');
    // compute returning null stores nothing (an epoch the caller does not release)
    expect(await store.releaseOnce({ taxonomy: 1, epoch: 21 }, (counts) => (counts === null ? null : 'x'))).toBeNull();
    expect(await store.release({ taxonomy: 1, epoch: 21 })).toBeNull();
  });

  it('refuses a batch that touches a released epoch, writing none of it', async () => {
    const { store } = await openTracked();
    await store.addReports([report(30, [1, 0, 0]), report(31, [2, 0, 0])]);
    await store.releaseOnce({ taxonomy: 1, epoch: 30 }, () => '{}');
    await expect(store.addReports([report(31, [2, 0, 0]), report(30, [1, 0, 0])])).rejects.toBeInstanceOf(EpochReleasedError);
    expect(asObject(await store.epochCounts({ taxonomy: 1, epoch: 30 }))).toEqual({ reports: 1, counts: { 0: 2, 1: 1 } });
    expect(asObject(await store.epochCounts({ taxonomy: 1, epoch: 31 }))).toEqual({ reports: 1, counts: { 0: 2, 2: 1 } });
    await store.addReports([report(31, [2, 0, 0])]); // the open epoch still counts
    expect((await store.epochCounts({ taxonomy: 1, epoch: 31 }))?.reports).toBe(2);
  });

  it('counts concurrent batches from two writers exactly', async () => {
    const { store, another } = await openTracked();
    const second = await another();
    const batches = Array.from({ length: 40 }, (_, i) => Array.from({ length: 1 + (i % 7) }, (_, j) => report(40, [1 + (j % 3), 0, 9])));
    await Promise.all(batches.map((batch, i) => (i % 2 === 0 ? store : second).addReports(batch)));
    const total = batches.reduce((n, batch) => n + batch.length, 0);
    const counts = await second.epochCounts({ taxonomy: 1, epoch: 40 });
    expect(counts?.reports).toBe(total);
    expect(counts?.counts.get(0)).toBe(total);
    expect(counts?.counts.get(9)).toBe(total);
    expect((counts?.counts.get(1) ?? 0) + (counts?.counts.get(2) ?? 0) + (counts?.counts.get(3) ?? 0)).toBe(total);
  });

  it('a release racing with batches holds exactly the batches acknowledged before it; later ones are refused', async () => {
    const { store, another } = await openTracked();
    const releaser = await another();
    const key = { taxonomy: 1, epoch: 50 };
    let acknowledged = 0;
    let refused = 0;
    let released: number | null = null;
    let releaseDone = false;
    // Eight writers send batch after batch until each has seen a refusal after the release finished.
    const writer = async (): Promise<void> => {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve)); // an in-memory store never yields on its own
        const after = releaseDone;
        try {
          await store.addReports([report(50, [1, 0, 0]), report(50, [2, 0, 0])]);
          acknowledged += 2;
        } catch (error) {
          expect(error).toBeInstanceOf(EpochReleasedError);
          refused += 2;
          if (after) return;
        }
      }
    };
    const writers = Array.from({ length: 8 }, writer);
    while (acknowledged < 20) await new Promise((resolve) => setTimeout(resolve, 1));
    const json = await releaser.releaseOnce(key, (counts) => {
      released = counts?.reports ?? 0;
      return JSON.stringify({ reports: released });
    });
    releaseDone = true;
    await Promise.all(writers);
    expect(JSON.parse(json!)).toEqual({ reports: released });
    expect(released).toBe(acknowledged); // every acknowledged batch is in the release, no refused one
    expect(acknowledged).toBeGreaterThanOrEqual(20);
    expect(refused).toBeGreaterThanOrEqual(16);
    expect((await store.epochCounts(key))?.reports).toBe(acknowledged); // nothing was added after the release
  });

  it('two writers asking for the same release at once publish one', async () => {
    const { store, another } = await openTracked();
    const second = await another();
    await store.addReports([report(60, [1, 0, 0])]);
    const key = { taxonomy: 1, epoch: 60 };
    let computed = 0;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? store : second).releaseOnce(key, () => JSON.stringify({ draw: ++computed }))),
    );
    expect(computed).toBe(1);
    expect(new Set(answers)).toEqual(new Set([JSON.stringify({ draw: 1 })]));
  });

  it('keeps counters and releases across close and reopen, and answers the health check', async () => {
    const { store, reopen } = await openTracked();
    await store.check();
    if (reopen === null) return; // an in-memory database ends with its connection
    await store.addReports([report(70, [3, 3, 0])]);
    await store.releaseOnce({ taxonomy: 1, epoch: 69 }, () => '{"kept":true}');
    await store.close();
    await expect(store.check()).rejects.toThrow();
    const again = await reopen();
    expect(asObject(await again.epochCounts({ taxonomy: 1, epoch: 70 }))).toEqual({ reports: 1, counts: { 0: 1, 3: 2 } });
    expect(await again.release({ taxonomy: 1, epoch: 69 })).toBe('{"kept":true}');
    const third = await reopen(); // migrations already applied: opening again changes nothing
    expect((await third.epochCounts({ taxonomy: 1, epoch: 70 }))?.reports).toBe(1);
  });
});
