// The device, not the server, decides what it sends (issue: "the privacy promise must hold against a
// hostile server"). Against the real aggregation server, over fake-indexeddb: a server asking for short
// epochs is refused; one report per epoch holds across forget() and a new grant; the yearly ε ledger
// caps a device; the report goes out at a random moment of its epoch; memory-only state never reports;
// the parameters are fetched without cookies or referrer.

import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../../../core/random.ts';
import { createApp } from '../../../server/app.ts';
import { makeConfig } from '../../../server/config.ts';
import { testTokenSettings } from '../../support/token-key.ts';
import { openSqliteStore, type SqliteStore } from '../../../server/storage/sqlite/sqlite-store.ts';
import { eraseDeviceData } from '../../../src/storage/page-database.ts';
import { reportTab } from './report-host.ts';

const HOUR = 3600;
let clock = Date.UTC(2026, 10, 29, 10, 0, 0);
let store: SqliteStore | undefined;
let app: Awaited<ReturnType<typeof createApp>>;
let serverUrl: string;
let warn: ReturnType<typeof vi.spyOn>;

async function server(epochSeconds: number, epsilon = 4): Promise<void> {
  store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'tacit-privacy-')), 'db.sqlite'), { epochSeconds });
  app = await createApp(makeConfig({ ...testTokenSettings(), epochSeconds, epsilon, slots: 3 }), store, { now: () => clock });
  serverUrl = await app.listen({ port: 0, host: '127.0.0.1' });
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(async () => {
  warn.mockRestore();
  await app?.close();
  await store?.close();
  store = undefined;
});

const counted = () => (store!.database.prepare('SELECT COALESCE(SUM(reports), 0) AS n FROM epoch_reports').get() as { n: number }).n;
const warnings = (): string[] => warn.mock.calls.map((c: unknown[]) => String(c[0]));

function device(privacy: Record<string, unknown> = { minEpochSeconds: HOUR }, seed = 1) {
  return reportTab(serverUrl, { config: { privacy }, now: () => clock, segments: async () => [{ id: 2 }], random: mulberry32(seed) });
}

/** Runs sync() with the clock moving forward in `step`s until it sends or `limit` ms pass. */
async function runFor(sync: { sync(): Promise<unknown> }, limitMs: number, stepMs = 60_000): Promise<number> {
  let sent = 0;
  for (let t = 0; t <= limitMs; t += stepMs) {
    if (((await sync.sync()) as { sent: boolean }).sent) sent++;
    clock += stepMs;
  }
  return sent;
}

describe('the privacy accountant on the device', () => {
  it('a server publishing 60-second epochs gets nothing (the device allows one report per 7 days by default)', async () => {
    await server(60);
    const { sync } = device({});
    await sync.start();
    expect(await runFor(sync, 60 * 60_000)).toBe(0); // an hour of minutes: 60 epochs offered
    expect(counted()).toBe(0);
    expect(warnings().filter((w) => /more often than this device allows \(one per 604800 s\)/.test(w))).toHaveLength(1);
    expect(sync.inspect()).toMatchObject({ privacy: { refused: expect.stringMatching(/every 60 s/) } });
  });

  it('one report per epoch: forget() and a new grant in the same epoch send no second report', async () => {
    await server(HOUR);
    const first = device();
    await first.sync.start();
    clock = (Math.floor(clock / 1000 / HOUR) + 1) * HOUR * 1000; // the device's first full epoch
    expect(await runFor(first.sync, 50 * 60_000)).toBe(1);
    // forget(): the worker stops and lets go, the page deletes every byte, the report bookkeeping too.
    first.sync.stop();
    first.storage.close();
    await eraseDeviceData();
    const again = device(undefined, 2); // granted again, same epoch
    await again.sync.start();
    const remaining = HOUR * 1000 - (clock % (HOUR * 1000)) - 1;
    expect(await runFor(again.sync, remaining, 30_000)).toBe(0);
    expect(counted()).toBe(1);
    // Its next epoch is its own again.
    expect(await runFor(again.sync, HOUR * 1000)).toBe(1);
    expect(counted()).toBe(2);
  });

  it('keeps a 365-day ledger of ε and stops at the yearly cap, with one warning', async () => {
    await server(HOUR);
    const { sync } = device({ minEpochSeconds: HOUR, maxEpsilonPerYear: 8 });
    await sync.start();
    expect(await runFor(sync, 5 * HOUR * 1000)).toBe(2); // ε 4 each: two fit under 8
    expect(counted()).toBe(2);
    const privacy = (sync.inspect() as { privacy: { spentLast365Days: number; ledger: unknown[] } }).privacy;
    expect(privacy.spentLast365Days).toBe(8);
    expect(privacy.ledger).toHaveLength(2);
    expect(warnings().filter((w) => /already spent ε = 8 in the last 365 days/.test(w)).length).toBeGreaterThanOrEqual(1);
  });

  it('sends at a random moment of the epoch, not when the page loads', async () => {
    await server(HOUR);
    const start = (Math.floor(clock / 1000 / HOUR) + 1) * HOUR * 1000;
    const moments: number[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      globalThis.indexedDB = new IDBFactory();
      clock = start - 1000; // each device starts keeping state just before the epoch
      const { sync } = device(undefined, seed);
      const posted: number[] = [];
      const bodies = new Set<string>();
      const realFetch = globalThis.fetch;
      (sync as unknown as { fetch: typeof fetch }).fetch = (input, init) => {
        if (init?.method === 'POST' && String(input).endsWith('/v1/reports')) {
          posted.push(clock);
          bodies.add(String(init.body));
        }
        return realFetch(input, init);
      };
      await sync.start();
      clock = start;
      await runFor(sync, HOUR * 1000 - 1, 30_000);
      // One report (a 429 from the shared test connection's rate limit makes it retry the same body).
      expect(bodies.size).toBe(1);
      moments.push(posted[0] - start);
      sync.stop();
    }
    // Spread over the epoch (before its last tenth), not bunched at its start.
    expect(Math.max(...moments)).toBeLessThan(0.9 * HOUR * 1000 + 30_000);
    expect(Math.max(...moments) - Math.min(...moments)).toBeGreaterThan(0.3 * HOUR * 1000);
  });

  it('memory-only storage never reports: it could not remember that it did', async () => {
    await server(HOUR);
    const saved = globalThis.indexedDB;
    (globalThis as { indexedDB?: unknown }).indexedDB = undefined;
    try {
      const { sync } = device();
      await sync.start();
      clock += 3 * HOUR * 1000;
      expect(await sync.sync()).toMatchObject({ sent: false, reason: expect.stringMatching(/memory-only/) });
      expect(counted()).toBe(0);
    } finally {
      globalThis.indexedDB = saved;
    }
  });

  it('fetches the parameters without cookies and without the page URL as referrer', async () => {
    await server(HOUR);
    const inits: RequestInit[] = [];
    const { sync } = reportTab(serverUrl, {
      config: { privacy: { minEpochSeconds: HOUR } },
      now: () => clock,
      fetch: (input, init) => {
        inits.push(init ?? {});
        return fetch(input, init);
      },
    });
    await sync.start();
    expect(inits[0]).toMatchObject({ credentials: 'omit', referrerPolicy: 'no-referrer' });
    expect(inits[0].cache).toBeUndefined(); // the browser's HTTP cache may answer
  });
});
