// Server hygiene (issue 15, "Low" and "Server hygiene"): a resent report is counted once; nothing on
// disk lets anyone read back a single report; changing the epoch length never releases an open epoch;
// the aggregates list does not tell which epochs had reports.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counters, EPOCH0, makeTestServer, postReport, T0, WEEK, type TestServer } from './helpers.ts';

let dir: string;
let files = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-hygiene-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const NONCE_A = 'AAAAAAAAAAAAAAAAAAAAAA';
const body = (epoch: number, segments: number[], nonce: string, taxonomy = 1) =>
  `{"taxonomy":${taxonomy},"epoch":${epoch},"segments":[${segments.join(',')}],"nonce":"${nonce}"}`;
/** 22 base64url characters (16 random bytes), distinct per call. */
let nonces = 0;
const freshNonce = () => `n${String(nonces++).padStart(21, '0')}`;

describe('a resent report (lost 202) is counted once', () => {
  it('answers 202 to the resend and counts the report once, within one batch and across batches', async () => {
    const server = await makeTestServer();
    try {
      expect((await postReport(server.app, body(EPOCH0, [3, 0, 0], NONCE_A))).statusCode).toBe(202);
      expect((await postReport(server.app, body(EPOCH0, [3, 0, 0], NONCE_A))).statusCode).toBe(202); // the resend
      const same = await Promise.all([1, 2, 3].map(() => postReport(server.app, body(EPOCH0, [4, 0, 0], 'BBBBBBBBBBBBBBBBBBBBBB'))));
      expect(same.map((r) => r.statusCode)).toEqual([202, 202, 202]);
      expect(counters(server.db)).toEqual({
        reports: [{ taxonomy: 1, epoch: EPOCH0, reports: 2 }],
        counts: [
          { taxonomy: 1, epoch: EPOCH0, value: 0, count: 4 },
          { taxonomy: 1, epoch: EPOCH0, value: 3, count: 1 },
          { taxonomy: 1, epoch: EPOCH0, value: 4, count: 1 },
        ],
      });
    } finally {
      await server.close();
    }
  });

  it.each([
    ['missing', `{"taxonomy":1,"epoch":${EPOCH0},"segments":[1,0,0]}`],
    ['too short', body(EPOCH0, [1, 0, 0], 'abc')],
    ['not base64url', body(EPOCH0, [1, 0, 0], 'AAAAAAAAAAAAAAAAAAAA+/')],
    ['a number', `{"taxonomy":1,"epoch":${EPOCH0},"segments":[1,0,0],"nonce":12345}`],
  ])('refuses a report whose nonce is %s (400)', async (_name, payload) => {
    const server = await makeTestServer();
    try {
      const response = await postReport(server.app, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_report');
    } finally {
      await server.close();
    }
  });
});

/** Every byte SQLite wrote for this database: main file, WAL and shared memory. */
function fileBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`, `${path}-shm`].filter((file) => existsSync(file)).map((file) => readFileSync(file)));
}

/**
 * The bytes of an epoch_counts row as SQLite's record format stores them, for small non-negative
 * integers: a header (its own length, then one serial type per column) and the values big-endian.
 */
function recordBytes(values: number[]): Buffer {
  const types: number[] = [];
  const data: number[] = [];
  for (const value of values) {
    if (value === 0) types.push(8);
    else if (value === 1) types.push(9);
    else if (value < 0x80) (types.push(1), data.push(value));
    else if (value < 0x8000) (types.push(2), data.push(value >> 8, value & 0xff));
    else if (value < 0x800000) (types.push(3), data.push(value >> 16, (value >> 8) & 0xff, value & 0xff));
    else (types.push(4), data.push((value >>> 24) & 0xff, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff));
  }
  return Buffer.from([types.length + 1, ...types, ...data]);
}

describe('no single report can be read back from the SQLite files', () => {
  it('after a commit and a short idle time, the WAL is empty and no earlier counter state is left in the files', async () => {
    const path = join(dir, `forensic-${files++}.sqlite`);
    const server = await makeTestServer({}, {}, path);
    try {
      // One report alone in its commit: the counter rows right after it are that report.
      expect((await postReport(server.app, body(EPOCH0, [5, 6, 7], freshNonce()))).statusCode).toBe(202);
      for (let i = 0; i < 9; i++) expect((await postReport(server.app, body(EPOCH0, [5, 6, 7], freshNonce()))).statusCode).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // idle: the writer checkpoints
      expect(statSync(`${path}-wal`).size).toBe(0);
      const bytes = fileBytes(path);
      expect(bytes.includes(recordBytes([1, WEEK, EPOCH0, 5, 10]))).toBe(true); // the current state is there (the search works)
      for (let count = 1; count < 10; count++) expect(bytes.includes(recordBytes([1, WEEK, EPOCH0, 5, count])), `count ${count}`).toBe(false);
      expect(server.db.pragma('secure_delete', { simple: true })).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('a closed epoch keeps no report nonce in the files once it is released', async () => {
    const path = join(dir, `forensic-${files++}.sqlite`);
    const server = await makeTestServer({ k: 0 }, {}, path);
    try {
      const sent = Array.from({ length: 5 }, () => `Zq${freshNonce().slice(2)}`);
      for (const nonce of sent) expect((await postReport(server.app, body(EPOCH0, [1, 0, 0], nonce))).statusCode).toBe(202);
      expect(fileBytes(path).includes(Buffer.from(sent[0]))).toBe(true); // kept while the epoch is open (deduplication)
      server.clock.ms += 2 * WEEK * 1000;
      expect((await server.app.inject({ url: `/v1/aggregates/${EPOCH0}` })).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const bytes = fileBytes(path);
      for (const nonce of sent) expect(bytes.includes(Buffer.from(nonce)), nonce).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('the sweep of closed epochs', () => {
  it('leaves no nonce readable in the files (secure_delete), also for an epoch nobody asked to release', async () => {
    const path = join(dir, `forensic-${files++}.sqlite`);
    const server = await makeTestServer({}, {}, path);
    try {
      const sent = Array.from({ length: 5 }, () => `Sw${freshNonce().slice(2)}`);
      for (const nonce of sent) expect((await postReport(server.app, body(EPOCH0, [1, 0, 0], nonce))).statusCode).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 600)); // checkpointed: the nonces are in the main file now
      expect(fileBytes(path).includes(Buffer.from(sent[0]))).toBe(true);
      await server.store.sweep(Math.floor((T0 + 2 * WEEK * 1000) / 1000)); // two weeks later: EPOCH0 is closed
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const bytes = fileBytes(path);
      for (const nonce of sent) expect(bytes.includes(Buffer.from(nonce)), nonce).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('changing TACIT_EPOCH_SECONDS on an existing database', () => {
  it('never releases an epoch that is still open under the length it was counted with', async () => {
    const path = join(dir, `epochs-${files++}.sqlite`);
    const weekly = await makeTestServer({ k: 0 }, {}, path);
    for (let i = 0; i < 30; i++) expect((await postReport(weekly.app, body(EPOCH0, [2, 0, 0], freshNonce()))).statusCode).toBe(202);
    await weekly.close();

    // Restarted with 5-minute epochs a few minutes later: the weekly epoch EPOCH0 is still open.
    const fiveMinutes = await makeTestServer({ k: 0, epochSeconds: 300 }, { now: () => T0 + 600_000 }, path);
    try {
      const list = (await fiveMinutes.app.inject({ url: '/v1/aggregates' })).json();
      expect(list.epochs.map((e: { epoch: number }) => e.epoch)).not.toContain(EPOCH0);
      const asked = await fiveMinutes.app.inject({ url: `/v1/aggregates/${EPOCH0}` }); // closed long ago in 5-minute numbering
      expect(asked.statusCode).toBe(404); // nothing counted under 5-minute epochs yet: the weekly counters are not this epoch's
      expect(fiveMinutes.db.prepare('SELECT COUNT(*) AS n FROM releases WHERE epoch_seconds = ?').get(WEEK)).toEqual({ n: 0 });
    } finally {
      await fiveMinutes.close();
    }

    // Back to weekly epochs: the open epoch's counters are intact and keep counting.
    const again = await makeTestServer({ k: 0 }, {}, path);
    try {
      expect((await postReport(again.app, body(EPOCH0, [2, 0, 0], freshNonce()))).statusCode).toBe(202);
      expect(again.db.prepare('SELECT reports FROM epoch_reports WHERE epoch_seconds = ? AND epoch = ?').get(WEEK, EPOCH0)).toEqual({ reports: 31 });
    } finally {
      await again.close();
    }
  });
});

describe('the aggregates list', () => {
  it('lists released epochs only, and whether an epoch had reports changes neither the list nor the answer', async () => {
    const server: TestServer = await makeTestServer({ k: 0 });
    try {
      for (let i = 0; i < 20; i++) expect((await postReport(server.app, body(EPOCH0, [1, 0, 0], freshNonce()))).statusCode).toBe(202);
      // EPOCH0 has reports, EPOCH0 + 1 has none; three weeks later both are closed.
      server.clock.ms += 3 * WEEK * 1000;
      const empty = await server.app.inject({ url: `/v1/aggregates/${EPOCH0 + 1}` });
      expect(empty.statusCode).toBe(200); // a release from noise, not "404 no reports"
      const full = await server.app.inject({ url: `/v1/aggregates/${EPOCH0}` });
      expect(full.statusCode).toBe(200);
      expect(Object.keys(empty.json()).sort()).toEqual(Object.keys(full.json()).sort());
      const list = (await server.app.inject({ url: '/v1/aggregates' })).json();
      const listed = list.epochs.map((e: { epoch: number }) => e.epoch);
      // Every epoch listed has a stored release; the list holds the window of recent closed epochs whether or not they had reports.
      const stored = server.db.prepare<[], { epoch: number }>('SELECT epoch FROM releases ORDER BY epoch DESC').all().map((row) => row.epoch);
      expect(listed).toEqual(stored);
      expect(listed).toContain(EPOCH0 + 1);
      expect(listed).toContain(EPOCH0);
    } finally {
      await server.close();
    }
  });
});
