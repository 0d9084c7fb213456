// Group commit in the app: reports that arrive together share one transaction, each 202 is sent only
// after that transaction, a failed commit answers 503 and counts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { counters, EPOCH0, makeTestServer, postReport, reportBody, WEEK, type TestServer } from './helpers.ts';

let server: TestServer;
let dir: string;
let files = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-commit-'));
});
afterEach(async () => {
  await server.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Counts transactions that wrote report totals (one row update per epoch per commit), via a trigger. */
function countCommits(server: TestServer): () => number {
  // Not TEMP: the writer thread's own connection must see the trigger too.
  server.db.exec(`
    CREATE TABLE commit_log (n INTEGER);
    CREATE TRIGGER log_insert AFTER INSERT ON epoch_reports BEGIN INSERT INTO commit_log VALUES (1); END;
    CREATE TRIGGER log_update AFTER UPDATE ON epoch_reports BEGIN INSERT INTO commit_log VALUES (1); END;
  `);
  return () => (server.db.prepare('SELECT COUNT(*) AS n FROM commit_log').get() as { n: number }).n;
}

/** Waits until `count` reports are validated and queued for a commit. */
async function queued(server: TestServer, count: number): Promise<void> {
  for (let turn = 0; turn < 1000 && server.app.reportQueue.pending < count; turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(server.app.reportQueue.pending).toBe(count);
}

// An in-memory database commits on the HTTP thread; a file database on the writer thread.
describe.each([
  ['on the HTTP thread (in-memory database)', () => ':memory:'],
  ['on the writer thread (database file)', () => join(dir, `commit-${files++}.sqlite`)],
])('group commit %s', (_name, dbPath) => {
  it('commits concurrent reports together and answers each 202 after its commit', async () => {
    server = await makeTestServer({}, {}, dbPath());
    const commits = countCommits(server);
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => postReport(server.app, reportBody(EPOCH0, [1 + (i % 4), 0, 9]))));
    expect(responses.map((response) => response.statusCode)).toEqual(Array(40).fill(202));
    expect(commits()).toBeLessThan(40); // grouped: far fewer transactions than reports
    expect(commits()).toBe(server.app.reportQueue.commits);
    expect(counters(server.db)).toEqual({
      reports: [{ taxonomy: 1, epoch: EPOCH0, reports: 40 }],
      counts: [
        { taxonomy: 1, epoch: EPOCH0, value: 0, count: 40 },
        { taxonomy: 1, epoch: EPOCH0, value: 1, count: 10 },
        { taxonomy: 1, epoch: EPOCH0, value: 2, count: 10 },
        { taxonomy: 1, epoch: EPOCH0, value: 3, count: 10 },
        { taxonomy: 1, epoch: EPOCH0, value: 4, count: 10 },
        { taxonomy: 1, epoch: EPOCH0, value: 9, count: 40 },
      ],
    });
  });

  it('answers 503 to every report of a failed commit and counts none of them; later commits work', async () => {
    server = await makeTestServer({}, {}, dbPath());
    expect((await postReport(server.app, reportBody(EPOCH0, [4, 5, 6]))).statusCode).toBe(202);
    const before = counters(server.db);
    // The counts are written before the report totals, so this failure also proves the rollback.
    server.db.exec(`CREATE TRIGGER fail_commit BEFORE UPDATE ON epoch_reports BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;`);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failed = await Promise.all([1, 2, 3].map((value) => postReport(server.app, reportBody(EPOCH0, [value, 0, 0]))));
    expect(logged).toHaveBeenCalledWith('tacit server: a commit of 3 report(s) failed; they were answered 503: disk on fire');
    logged.mockRestore();
    for (const response of failed) {
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ ok: false, error: 'storage_unavailable' });
      expect(response.headers['retry-after']).toBe('60');
    }
    expect(counters(server.db)).toEqual(before);
    server.db.exec('DROP TRIGGER fail_commit');
    expect((await postReport(server.app, reportBody(EPOCH0, [4, 5, 6]))).statusCode).toBe(202);
    expect(server.db.prepare('SELECT reports FROM epoch_reports').get()).toEqual({ reports: 2 });
  });

  it('keeps the current and the grace epoch apart within one batch', async () => {
    server = await makeTestServer({}, {}, dbPath());
    const responses = await Promise.all([
      postReport(server.app, reportBody(EPOCH0, [1, 1, 0])),
      postReport(server.app, reportBody(EPOCH0 - 1, [2, 0, 0])),
      postReport(server.app, reportBody(EPOCH0, [1, 3, 0])),
    ]);
    expect(responses.map((response) => response.statusCode)).toEqual([202, 202, 202]);
    expect(counters(server.db)).toEqual({
      reports: [
        { taxonomy: 1, epoch: EPOCH0 - 1, reports: 1 },
        { taxonomy: 1, epoch: EPOCH0, reports: 2 },
      ],
      counts: [
        { taxonomy: 1, epoch: EPOCH0 - 1, value: 0, count: 2 },
        { taxonomy: 1, epoch: EPOCH0 - 1, value: 2, count: 1 },
        { taxonomy: 1, epoch: EPOCH0, value: 0, count: 2 },
        { taxonomy: 1, epoch: EPOCH0, value: 1, count: 3 },
        { taxonomy: 1, epoch: EPOCH0, value: 3, count: 1 },
      ],
    });
  });

  it('a report still queued when its epoch closes is counted in the release, not lost from it', async () => {
    // releaseRandom 0.5 makes the Laplace noise exactly 0, so the released report count is exact.
    server = await makeTestServer({ epsilon: 12 }, { commitDelayMs: 3_600_000, releaseRandom: () => 0.5 }, dbPath());
    const seeded = Array.from({ length: 60 }, () => postReport(server.app, reportBody(EPOCH0, [1, 2, 0])));
    await queued(server, 60); // validated and waiting (the delay is an hour)
    expect(counters(server.db)).toEqual({ reports: [], counts: [] });
    server.clock.ms += WEEK * 1000; // EPOCH0 is now the grace epoch
    seeded.push(postReport(server.app, reportBody(EPOCH0, [1, 2, 0]))); // a grace-epoch report, also queued
    await queued(server, 61);
    server.clock.ms += WEEK * 1000; // EPOCH0 closes
    const release = await server.app.inject({ url: `/v1/aggregates/${EPOCH0}` });
    expect(release.statusCode).toBe(200);
    expect(release.json().reports).toBe(61);
    expect((await Promise.all(seeded)).map((response) => response.statusCode)).toEqual(Array(61).fill(202));
    expect(server.app.reportQueue.pending).toBe(0);
  });

  it('commits queued reports when the server closes, before answering them', async () => {
    server = await makeTestServer({}, { commitDelayMs: 3_600_000 }, dbPath());
    const pending = postReport(server.app, reportBody(EPOCH0, [7, 0, 0]));
    await queued(server, 1);
    expect(counters(server.db)).toEqual({ reports: [], counts: [] });
    await server.app.close();
    expect((await pending).statusCode).toBe(202);
    expect(server.db.prepare('SELECT reports FROM epoch_reports').get()).toEqual({ reports: 1 });
  });
});

describe('shuffledOrder (the order a batch is written in)', () => {
  it('is a permutation for batches larger than one getRandomValues call can fill', async () => {
    const { shuffledOrder } = await import('../../server/storage/store.ts');
    const n = 40_000; // 160,000 bytes of randomness: over the 65,536-byte limit of one call
    const order = shuffledOrder(n);
    expect(new Set(order).size).toBe(n);
    expect(Math.min(...order)).toBe(0);
    expect(Math.max(...order)).toBe(n - 1);
    expect(order.slice(20_000, 20_100)).not.toEqual(Array.from({ length: 100 }, (_, i) => 20_000 + i)); // shuffled past the first call's range too
  });
});
