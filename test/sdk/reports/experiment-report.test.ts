// The experiment part of a device's report (worker/reports/experiment-report.ts), against the real server
// (in-process, SQLite, report tokens on as by default), over fake-indexeddb: without an experiment the
// body is exactly the segment report it always was; an enrolled device describes its previous epoch;
// the part is left out, with one warning, when the total ε would pass the device's cap or the server
// counts another definition; the ledger records what was spent.
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listIdFor } from '../../../core/experiment-definition.ts';
import { mulberry32 } from '../../../core/random.ts';
import { parseReport } from '../../../protocol/report.ts';
import { reportRules } from '../../../protocol/params.ts';
import { createApp } from '../../../server/app.ts';
import { makeConfig, type ServerConfig, type ServerExperiment } from '../../../server/config.ts';
import { loadTaxonomy } from '../../../server/taxonomy-file.ts';
import { openSqliteStore, type SqliteStore } from '../../../server/storage/sqlite/sqlite-store.ts';
import { KV_KEYS } from '../../../worker/storage/schema.ts';
import type { TacitConfig } from '../../../src/types.ts';
import { testTokenSettings } from '../../support/token-key.ts';
import { reportTab } from './report-host.ts';

const HOUR = 3600;
const START = Date.UTC(2026, 10, 29, 10, 20, 0);
/** Each device starts three epochs after the one before (the server's per-connection rate limit follows the clock, so it never runs backwards). */
let nextEpoch = Math.floor(START / 1000 / HOUR);
const at = (epoch: number, offsetMs = 0) => epoch * HOUR * 1000 + offsetMs;
const EXPERIMENT: ServerExperiment = {
  id: 'shelf-1',
  arms: ['control', 'personal'],
  outcomes: ['impression', 'click', 'cart', 'order', 'revenue'],
  revenueBuckets: [25, 100, 250],
  epsilon: 30, // large enough that the randomized value is the true one (p = 1 − 4e-13), so the test can check it
  split: [0.5, 0.5],
};
const DEVICE_EXPERIMENT = { id: 'shelf-1', arms: ['control', 'personal'] };

let clock = START;
let store: SqliteStore | undefined;
let app: Awaited<ReturnType<typeof createApp>> | undefined;
let serverUrl: string;
let warn: ReturnType<typeof vi.spyOn>;

async function server(overrides: Partial<ServerConfig>): Promise<void> {
  await app?.close();
  await store?.close();
  store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'tacit-experiment-')), 'db.sqlite'), { epochSeconds: HOUR });
  app = await createApp(makeConfig({ ...testTokenSettings(), epochSeconds: HOUR, slots: 3, rateBurst: 1000, ratePerMinute: 100_000, ...overrides }), store, { now: () => clock });
  serverUrl = await app.listen({ port: 0, host: '127.0.0.1' });
}

beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(async () => {
  warn.mockRestore();
  await app?.close();
  await store?.close();
  app = undefined;
  store = undefined;
});

const warnings = (pattern: RegExp) => warn.mock.calls.map((c: unknown[]) => String(c[0])).filter((w: string) => pattern.test(w));

interface Device {
  /** the device's experiments (init) and privacy settings */
  config?: TacitConfig;
  /** its stored arm, drawn before its first epoch E0 began or 0.5 s into it */
  arm?: { arm: string; drawn: 'before' | 'during' };
  /** whether it went through the funnel (below) in E0 */
  funnel?: boolean;
  seed?: number;
}

/** A shelf seen, an item clicked from it, added, ordered for 60 — all in epoch `e0`. */
const funnel = (e0: number): [number, string, Record<string, unknown>][] => [
  [at(e0, 1000), 'Product List Viewed', { list_id: listIdFor('shelf-1', 'personal') }],
  [at(e0, 2000), 'Product Clicked', { product_id: 'p1', list_id: listIdFor('shelf-1', 'personal') }],
  [at(e0, 3000), 'Product Added', { product_id: 'p1' }],
  [at(e0, 4000), 'Order Completed', { order_id: 'o1', products: [{ product_id: 'p1' }], total: 60 }],
];
const TRUTH = [1, 1, 1, 1, 2]; // impression, click, cart, order, revenue bucket 25–100

/** A fresh device that starts keeping state 20 minutes into an epoch E0: it stores what it is given, then sends the report of E0 + 1. */
async function firstReport(device: Device): Promise<{ body: string; ledger: { epsilon: number }[] }> {
  const e0 = (nextEpoch += 3);
  globalThis.indexedDB = new IDBFactory();
  clock = at(e0, 20 * 60_000);
  const sent: string[] = [];
  const realFetch = globalThis.fetch;
  const { sync, storage } = reportTab(serverUrl, {
    config: { ...device.config, privacy: { minEpochSeconds: HOUR, ...device.config?.privacy } },
    now: () => clock,
    segments: async () => [{ id: 3 }, { id: 7 }],
    random: mulberry32(device.seed ?? 42),
    fetch: (input, init) => {
      if (init?.method === 'POST' && String(input).endsWith('/v1/reports')) sent.push(String(init.body));
      return realFetch(input, init);
    },
  });
  const kv = await storage.open();
  if (device.arm) await kv.set(KV_KEYS.experiment, { id: 'shelf-1', arm: device.arm.arm, assignedAt: device.arm.drawn === 'before' ? at(e0) - 1 : at(e0, 500) });
  if (device.funnel) await kv.append(funnel(e0).map(([ts, event, properties], i) => ({ uid: `u${i}`, ts, event, properties })));
  await sync.start();
  clock = at(e0 + 1);
  let result: { sent: boolean; status?: number; dueAt?: string } = { sent: false };
  for (let step = 0; step < 4 && sent.length === 0; step++) {
    result = (await sync.sync()) as typeof result;
    if (!result.sent && result.dueAt) clock = Date.parse(result.dueAt) + 1;
  }
  expect(result, JSON.stringify(result)).toMatchObject({ sent: true, status: 202 });
  const ledger = (sync.inspect() as { privacy: { ledger: { epsilon: number }[] } }).privacy.ledger;
  sync.stop();
  expect(sent).toHaveLength(1);
  expect(JSON.parse(sent[0]).epoch).toBe(e0 + 1);
  return { body: sent[0], ledger };
}

/** The body without what is random by design (nonce, token) or differs between the test's devices (epoch). */
const withoutRandomParts = (body: string) => {
  const report = JSON.parse(body);
  delete report.nonce;
  delete report.token;
  delete report.epoch;
  return report;
};

describe('the experiment part of a report', () => {
  it('without an experiment in init() the report is exactly the segment report: same keys, same values, same ε, whatever the server runs', async () => {
    await server({ epsilon: 2 }); // today's server: no experiment
    const today = await firstReport({});
    await server({ epsilon: 2, experiment: EXPERIMENT });
    const alongside = await firstReport({ funnel: true });
    const enrolledElsewhere = await firstReport({ config: { experiments: [DEVICE_EXPERIMENT] }, funnel: true }); // configured, never given an arm
    for (const { body, ledger } of [today, alongside, enrolledElsewhere]) {
      expect(Object.keys(JSON.parse(body))).toEqual(['taxonomy', 'epoch', 'segments', 'nonce', 'token']);
      expect(ledger.map((entry) => entry.epsilon)).toEqual([2]);
    }
    // The same seed draws the same segments and the same moments: the experiment code drew nothing.
    expect(withoutRandomParts(alongside.body)).toEqual(withoutRandomParts(today.body));
    expect(withoutRandomParts(enrolledElsewhere.body)).toEqual(withoutRandomParts(today.body));
    expect(warnings(/experiment/)).toEqual([]);
  });

  it('an enrolled device describes its previous epoch: its arm, one outcome, that outcome\'s value; the ledger records both parts', async () => {
    await server({ epsilon: 2, experiment: EXPERIMENT });
    const rules = reportRules({ taxonomy: loadTaxonomy(), slots: 3, experiment: EXPERIMENT });
    const seen = new Set<number>();
    for (const [seed, arm] of [[1, 'personal'], [2, 'control'], [3, 'personal'], [4, 'control'], [5, 'personal'], [6, 'personal'], [7, 'control']] as const) {
      const { body, ledger } = await firstReport({ config: { experiments: [DEVICE_EXPERIMENT], privacy: { maxEpsilon: 32 } }, arm: { arm, drawn: 'before' }, funnel: true, seed });
      expect(Object.keys(JSON.parse(body))).toEqual(['taxonomy', 'epoch', 'segments', 'nonce', 'experiment', 'token']);
      const part = parseReport(body, rules).experiment!;
      expect(part).toMatchObject({ id: 'shelf-1', arm: EXPERIMENT.arms.indexOf(arm) });
      expect(part.value).toBe(TRUTH[part.outcome]);
      seen.add(part.outcome);
      expect(ledger.map((entry) => entry.epsilon)).toEqual([32]);
    }
    expect(seen.size).toBeGreaterThan(2); // the outcome is drawn per report
    const counted = await store!.experimentCounts({ experiment: 'shelf-1', epochSeconds: HOUR }, 0, nextEpoch + 1);
    expect(counted.reduce((n, row) => n + row.count, 0)).toBe(7);
  });

  it('a device that drew its arm during the previous epoch leaves the part out (it did not see one arm all along)', async () => {
    await server({ epsilon: 2, experiment: EXPERIMENT });
    const { body } = await firstReport({ config: { experiments: [DEVICE_EXPERIMENT], privacy: { maxEpsilon: 32 } }, arm: { arm: 'personal', drawn: 'during' }, funnel: true });
    expect(JSON.parse(body)).not.toHaveProperty('experiment');
    expect(warnings(/experiment/)).toEqual([]);
  });

  it("the total ε is the device's to cap: segments 3 + experiment 2 would pass its cap of 4, so the part is left out, with one warning", async () => {
    await server({ epsilon: 3, experiment: { ...EXPERIMENT, epsilon: 2 } });
    const { body, ledger } = await firstReport({ config: { experiments: [DEVICE_EXPERIMENT] }, arm: { arm: 'control', drawn: 'before' }, funnel: true });
    expect(JSON.parse(body)).not.toHaveProperty('experiment');
    expect(ledger.map((entry) => entry.epsilon)).toEqual([3]);
    expect(warnings(/would spend ε = 5 \(segments 3 \+ experiment 2\), above this device's cap of 4/)).toHaveLength(1);
  });

  it('the server cannot change the experiment: another definition is not counted, with one warning', async () => {
    await server({ epsilon: 2, experiment: { ...EXPERIMENT, epsilon: 2, arms: ['control', 'personal', 'personal-b'], split: [1, 1, 1] } });
    const { body, ledger } = await firstReport({ config: { experiments: [DEVICE_EXPERIMENT] }, arm: { arm: 'personal', drawn: 'before' }, funnel: true });
    expect(JSON.parse(body)).not.toHaveProperty('experiment');
    expect(ledger.map((entry) => entry.epsilon)).toEqual([2]);
    expect(warnings(/experiment "shelf-1": the server counts experiment "shelf-1" \(control, personal, personal-b;/)).toHaveLength(1);
  });
});
