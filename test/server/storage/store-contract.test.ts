// The Store contract (server/storage/store.ts), run against every implementation: SQLite in memory
// (commits on the calling thread), a SQLite file (commits on the writer thread) and PostgreSQL (a
// throwaway cluster). Whatever the database, the server must see the same behaviour.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../server/storage/postgres/postgres-store.ts';
import { openSqliteStore } from '../../../server/storage/sqlite/sqlite-store.ts';
import { EpochReleasedError, type CountedReport, type EpochCounts, type EpochKey, type Store } from '../../../server/storage/store.ts';
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

const WEEK = 604_800;
const CONTEXT = { epochSeconds: WEEK };

const BACKENDS: [string, () => Promise<Opened>][] = [
  [
    'SQLite in memory',
    async () => {
      const store = await openSqliteStore(':memory:', CONTEXT);
      return { store, another: async () => store, reopen: null };
    },
  ],
  [
    'SQLite file (writer thread)',
    async () => {
      const path = join(dir, `store-${databases++}.sqlite`);
      const store = await openSqliteStore(path, CONTEXT);
      return { store, another: async () => store, reopen: () => openSqliteStore(path, CONTEXT) };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await cluster.createDatabase(`store_${databases++}`);
      const open = () => openPostgresStore(url, CONTEXT);
      return { store: await open(), another: open, reopen: open };
    },
  ],
];

let nonces = 0;
/** A report of epoch `epoch` (one-week epochs unless said), each with a new nonce unless given. */
const report = (epoch: number, segments: number[], more: Partial<CountedReport> = {}): CountedReport => ({
  taxonomy: 1,
  epochSeconds: WEEK,
  epoch,
  segments,
  nonce: `nonce-${String(nonces++).padStart(16, '0')}`,
  tokenId: null,
  ...more,
});
const key = (epoch: number, more: Partial<EpochKey> = {}): EpochKey => ({ taxonomy: 1, epochSeconds: WEEK, epoch, ...more });
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
    await store.addReports([report(10, [2, 0, 0]), report(10, [5, 5, 5], { taxonomy: 2 })]);
    await store.addReports([]);
    expect(asObject(await store.epochCounts(key(10)))).toEqual({ reports: 3, counts: { 0: 3, 1: 3, 2: 2, 3: 1 } });
    expect(asObject(await store.epochCounts(key(9)))).toEqual({ reports: 1, counts: { 0: 2, 4: 1 } });
    expect(asObject(await store.epochCounts(key(10, { taxonomy: 2 })))).toEqual({ reports: 1, counts: { 5: 3 } });
    expect(await store.epochCounts(key(11))).toBeNull();
    expect(await store.epochCounts(key(10, { taxonomy: 3 }))).toBeNull();
  });

  it('knows the first epoch with data of a series, and lists its releases newest first', async () => {
    const { store } = await openTracked();
    expect(await store.firstEpoch({ taxonomy: 1, epochSeconds: WEEK })).toBeNull();
    await store.addReports([report(7, [1, 0, 0]), report(8, [1, 0, 0]), report(3, [1, 0, 0], { taxonomy: 2 }), report(2, [1, 0, 0], { epochSeconds: 300 })]);
    await store.releaseOnce(key(5), () => '{"r":5}'); // a release before any counters also counts as data
    await store.releaseOnce(key(7), () => '{"r":7}');
    await store.releaseOnce(key(6, { epochSeconds: 300 }), () => '{"other length":6}');
    expect(await store.firstEpoch({ taxonomy: 1, epochSeconds: WEEK })).toBe(5);
    expect(await store.firstEpoch({ taxonomy: 2, epochSeconds: WEEK })).toBe(3);
    expect(await store.firstEpoch({ taxonomy: 1, epochSeconds: 300 })).toBe(2);
    expect(await store.releases({ taxonomy: 1, epochSeconds: WEEK }, 10)).toEqual(['{"r":7}', '{"r":5}']);
    expect(await store.releases({ taxonomy: 1, epochSeconds: WEEK }, 1)).toEqual(['{"r":7}']);
    expect(await store.releases({ taxonomy: 1, epochSeconds: 300 }, 10)).toEqual(['{"other length":6}']);
  });

  it('keeps epochs of different lengths apart: the same epoch number is another epoch', async () => {
    const { store } = await openTracked();
    await store.addReports([report(9, [1, 0, 0]), report(9, [2, 0, 0], { epochSeconds: 300 })]);
    await store.releaseOnce(key(9, { epochSeconds: 300 }), () => '{}');
    expect(asObject(await store.epochCounts(key(9)))).toEqual({ reports: 1, counts: { 0: 2, 1: 1 } });
    expect(await store.release(key(9))).toBeNull();
    await store.addReports([report(9, [1, 0, 0])]); // the weekly epoch 9 still counts
    expect((await store.epochCounts(key(9)))?.reports).toBe(2);
  });

  it('counts a resent report once (same nonce, same epoch), within a batch and across batches', async () => {
    const { store, another } = await openTracked();
    const second = await another();
    const original = report(12, [3, 0, 0]);
    expect(await store.addReports([original, report(12, [4, 0, 0]), { ...original }])).toEqual(['counted', 'counted', 'duplicate']);
    expect(await second.addReports([{ ...original }, report(12, [4, 0, 0])])).toEqual(['duplicate', 'counted']);
    expect(await store.addReports([{ ...original, epoch: 13 }])).toEqual(['counted']); // another epoch: another report
    expect(asObject(await store.epochCounts(key(12)))).toEqual({ reports: 3, counts: { 0: 6, 3: 1, 4: 2 } });
  });

  it('spends a token once per epoch: a second report with it is refused and keeps its nonce free', async () => {
    const { store } = await openTracked();
    const first = report(14, [1, 0, 0], { tokenId: 'token-a' });
    const reuse = report(14, [2, 0, 0], { tokenId: 'token-a' });
    expect(await store.addReports([first, reuse, report(14, [3, 0, 0], { tokenId: 'token-b' })])).toEqual(['counted', 'token_spent', 'counted']);
    expect(await store.addReports([{ ...reuse }])).toEqual(['token_spent']);
    expect(await store.addReports([{ ...first }])).toEqual(['duplicate']); // the resend of the first report
    expect(await store.addReports([{ ...reuse, tokenId: 'token-c' }])).toEqual(['counted']); // the refused report, with a good token
    expect(await store.addReports([report(15, [1, 0, 0], { tokenId: 'token-a' })])).toEqual(['counted']); // another epoch
    expect(asObject(await store.epochCounts(key(14)))).toEqual({ reports: 3, counts: { 0: 6, 1: 1, 2: 1, 3: 1 } });
  });

  it('forgets the nonces and spent tokens of closed epochs only', async () => {
    const { store } = await openTracked();
    const open = report(100, [1, 0, 0], { tokenId: 't-open' });
    const closed = report(98, [1, 0, 0], { tokenId: 't-closed' });
    await store.addReports([open, closed]);
    await store.sweep(100 * WEEK + 10); // epoch 100 running: 98 is closed, 99 would still take reports
    expect(await store.addReports([{ ...open }])).toEqual(['duplicate']);
    expect(await store.addReports([{ ...closed }])).toEqual(['counted']); // forgotten (the server refuses closed epochs before this)
  });

  it('counts experiment parts per epoch, arm, outcome and value, apart from other experiments and epoch lengths; a resend once', async () => {
    const { store, another } = await openTracked();
    const second = await another();
    const part = (arm: number, outcome: number, value: number, id = 'shelf-1') => ({ id, arm, outcome, value });
    const resent = report(16, [1, 0, 0], { experiment: part(0, 1, 1) });
    await store.addReports([resent, report(16, [2, 0, 0], { experiment: part(1, 1, 1) }), report(16, [3, 0, 0], { experiment: part(1, 1, 1) })]);
    await second.addReports([{ ...resent }, report(16, [0, 0, 0], { experiment: part(1, 4, 3) }), report(17, [0, 0, 0], { experiment: part(0, 0, 0) })]);
    await store.addReports([report(16, [0, 0, 0], { experiment: part(0, 1, 1, 'other') }), report(16, [0, 0, 0], { epochSeconds: 300, experiment: part(0, 1, 1) })]);
    await store.addReports([report(16, [4, 0, 0])]); // no experiment part: segments only
    expect(await store.experimentCounts({ experiment: 'shelf-1', epochSeconds: WEEK }, 16, 17)).toEqual([
      { epoch: 16, arm: 0, outcome: 1, value: 1, count: 1 },
      { epoch: 16, arm: 1, outcome: 1, value: 1, count: 2 },
      { epoch: 16, arm: 1, outcome: 4, value: 3, count: 1 },
      { epoch: 17, arm: 0, outcome: 0, value: 0, count: 1 },
    ]);
    expect(await store.experimentCounts({ experiment: 'shelf-1', epochSeconds: WEEK }, 17, 20)).toEqual([{ epoch: 17, arm: 0, outcome: 0, value: 0, count: 1 }]);
    expect(await store.experimentCounts({ experiment: 'other', epochSeconds: WEEK }, 0, 100)).toEqual([{ epoch: 16, arm: 0, outcome: 1, value: 1, count: 1 }]);
    expect(await store.experimentCounts({ experiment: 'shelf-1', epochSeconds: 300 }, 0, 100)).toEqual([{ epoch: 16, arm: 0, outcome: 1, value: 1, count: 1 }]);
    expect(await store.experimentCounts({ experiment: 'none', epochSeconds: WEEK }, 0, 100)).toEqual([]);
    expect((await store.epochCounts(key(16)))?.reports).toBe(6); // the segments of the same reports, counted once each
  });

  it('a batch refused for a released epoch counts none of its experiment parts', async () => {
    const { store } = await openTracked();
    await store.addReports([report(32, [1, 0, 0], { experiment: { id: 'x', arm: 0, outcome: 0, value: 1 } })]);
    await store.releaseOnce(key(32), () => '{}');
    const batch = [report(33, [1, 0, 0], { experiment: { id: 'x', arm: 1, outcome: 0, value: 1 } }), report(32, [1, 0, 0], { experiment: { id: 'x', arm: 0, outcome: 0, value: 1 } })];
    await expect(store.addReports(batch)).rejects.toBeInstanceOf(EpochReleasedError);
    expect(await store.experimentCounts({ experiment: 'x', epochSeconds: WEEK }, 0, 100)).toEqual([{ epoch: 32, arm: 0, outcome: 0, value: 1, count: 1 }]);
  });

  it('computes a release once from the final counters and serves the stored one after that', async () => {
    const { store } = await openTracked();
    const epoch20 = key(20);
    await store.addReports([report(20, [1, 2, 0]), report(20, [1, 0, 0])]);
    expect(await store.release(epoch20)).toBeNull();
    const seen: unknown[] = [];
    const first = await store.releaseOnce(epoch20, (counts) => (seen.push(asObject(counts)), '{"first":true}'));
    expect(first).toBe('{"first":true}');
    expect(seen).toEqual([{ reports: 2, counts: { 0: 3, 1: 2, 2: 1 } }]);
    expect(await store.releaseOnce(epoch20, () => '{"second":true}')).toBe('{"first":true}');
    expect(await store.release(epoch20)).toBe('{"first":true}');
    // an epoch without counters is released too, from what compute makes of null
    expect(await store.releaseOnce(key(21), (counts) => (counts === null ? 'empty' : 'x'))).toBe('empty');
    expect(await store.release(key(21))).toBe('empty');
  });

  it('refuses a batch that touches a released epoch, writing none of it', async () => {
    const { store } = await openTracked();
    await store.addReports([report(30, [1, 0, 0]), report(31, [2, 0, 0])]);
    await store.releaseOnce(key(30), () => '{}');
    await expect(store.addReports([report(31, [2, 0, 0]), report(30, [1, 0, 0])])).rejects.toBeInstanceOf(EpochReleasedError);
    expect(asObject(await store.epochCounts(key(30)))).toEqual({ reports: 1, counts: { 0: 2, 1: 1 } });
    expect(asObject(await store.epochCounts(key(31)))).toEqual({ reports: 1, counts: { 0: 2, 2: 1 } });
    await store.addReports([report(31, [2, 0, 0])]); // the open epoch still counts
    expect((await store.epochCounts(key(31)))?.reports).toBe(2);
  });

  it('counts concurrent batches from two writers exactly', async () => {
    const { store, another } = await openTracked();
    const second = await another();
    const batches = Array.from({ length: 40 }, (_, i) => Array.from({ length: 1 + (i % 7) }, (_, j) => report(40, [1 + (j % 3), 0, 9])));
    await Promise.all(batches.map((batch, i) => (i % 2 === 0 ? store : second).addReports(batch)));
    const total = batches.reduce((n, batch) => n + batch.length, 0);
    const counts = await second.epochCounts(key(40));
    expect(counts?.reports).toBe(total);
    expect(counts?.counts.get(0)).toBe(total);
    expect(counts?.counts.get(9)).toBe(total);
    expect((counts?.counts.get(1) ?? 0) + (counts?.counts.get(2) ?? 0) + (counts?.counts.get(3) ?? 0)).toBe(total);
  });

  it('a release racing with batches holds exactly the batches acknowledged before it; later ones are refused', async () => {
    const { store, another } = await openTracked();
    const releaser = await another();
    const epoch50 = key(50);
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
    const json = await releaser.releaseOnce(epoch50, (counts) => {
      released = counts?.reports ?? 0;
      return JSON.stringify({ reports: released });
    });
    releaseDone = true;
    await Promise.all(writers);
    expect(JSON.parse(json!)).toEqual({ reports: released });
    expect(released).toBe(acknowledged); // every acknowledged batch is in the release, no refused one
    expect(acknowledged).toBeGreaterThanOrEqual(20);
    expect(refused).toBeGreaterThanOrEqual(16);
    expect((await store.epochCounts(epoch50))?.reports).toBe(acknowledged); // nothing was added after the release
  });

  it('two writers asking for the same release at once publish one', async () => {
    const { store, another } = await openTracked();
    const second = await another();
    await store.addReports([report(60, [1, 0, 0])]);
    const epoch60 = key(60);
    let computed = 0;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? store : second).releaseOnce(epoch60, () => JSON.stringify({ draw: ++computed }))),
    );
    expect(computed).toBe(1);
    expect(new Set(answers)).toEqual(new Set([JSON.stringify({ draw: 1 })]));
  });

  it('keeps counters and releases across close and reopen, and answers the health check', async () => {
    const { store, reopen } = await openTracked();
    await store.check();
    if (reopen === null) return; // an in-memory database ends with its connection
    await store.addReports([report(70, [3, 3, 0])]);
    await store.releaseOnce(key(69), () => '{"kept":true}');
    await store.close();
    await expect(store.check()).rejects.toThrow();
    const again = await reopen();
    expect(asObject(await again.epochCounts(key(70)))).toEqual({ reports: 1, counts: { 0: 1, 3: 2 } });
    expect(await again.release(key(69))).toBe('{"kept":true}');
    const third = await reopen(); // migrations already applied: opening again changes nothing
    expect((await third.epochCounts(key(70)))?.reports).toBe(1);
  });
});
