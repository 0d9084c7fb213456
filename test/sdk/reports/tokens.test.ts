// Privacy Pass on the device (issue 15, poisoning): against the real server with tokens required, the
// device fetches one token per epoch at a moment of its own, before its report, and sends the report
// with it; a report whose token the server refuses goes again, the same report (same nonce, same
// values), with a new token. The token request and the report are separate requests at separate times.

import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../../../core/random.ts';
import { parseReport } from '../../../protocol/report.ts';
import { reportRules } from '../../../protocol/params.ts';
import { createApp } from '../../../server/app.ts';
import { makeConfig } from '../../../server/config.ts';
import { loadTaxonomy } from '../../../server/taxonomy-file.ts';
import { openSqliteStore, type SqliteStore } from '../../../server/storage/sqlite/sqlite-store.ts';
import { reportTab } from './report-host.ts';

const HOUR = 3600;
let clock = Date.UTC(2026, 10, 29, 10, 0, 0);
let store: SqliteStore | undefined;
let app: Awaited<ReturnType<typeof createApp>>;
let serverUrl: string;
let warn: ReturnType<typeof vi.spyOn>;

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'tacit-tokens-')), 'db.sqlite'), { epochSeconds: HOUR });
  app = await createApp(makeConfig({ epochSeconds: HOUR, epsilon: 4, slots: 3, requireToken: true, tokensPerAddress: 0 }), store, { now: () => clock });
  serverUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  warn.mockRestore();
  await app.close();
  await store?.close();
});

const counted = () => (store!.database.prepare('SELECT COALESCE(SUM(reports), 0) AS n FROM epoch_reports').get() as { n: number }).n;

/** A device whose requests are logged with the clock at which each left. */
function device(seed = 1) {
  const requests: { at: number; url: string; method: string; body?: string }[] = [];
  const tab = reportTab(serverUrl, {
    config: { privacy: { minEpochSeconds: HOUR } },
    now: () => clock,
    segments: async () => [{ id: 2 }],
    random: mulberry32(seed),
    fetch: (input, init) => {
      const url = String(input);
      requests.push({ at: clock, url, method: init?.method ?? 'GET', ...(typeof init?.body === 'string' ? { body: init.body } : {}) });
      return fetch(input, init);
    },
  });
  return { ...tab, requests };
}

async function runFor(sync: { sync(): Promise<unknown> }, limitMs: number, stepMs = 60_000): Promise<void> {
  for (let t = 0; t <= limitMs; t += stepMs) {
    await sync.sync();
    clock += stepMs;
  }
}

describe('report tokens on the device', () => {
  it('gets a token at its own moment before the report, and the report with it is counted', async () => {
    const { sync, requests } = device();
    await sync.start();
    clock = (Math.floor(clock / 1000 / HOUR) + 1) * HOUR * 1000; // the device's first full epoch
    await runFor(sync, HOUR * 1000 - 60_000);
    const tokenRequests = requests.filter((r) => r.url.endsWith('/v1/tokens'));
    const reports = requests.filter((r) => r.url.endsWith('/v1/reports'));
    expect(tokenRequests).toHaveLength(1);
    expect(reports).toHaveLength(1);
    expect(tokenRequests[0].at).toBeLessThan(reports[0].at); // never in the same moment
    const body = JSON.parse(reports[0].body!);
    expect(Object.keys(body)).toEqual(['taxonomy', 'epoch', 'segments', 'nonce', 'token']);
    expect(counted()).toBe(1);
  });

  it('a refused token (spent elsewhere): the same report again with a new token, counted once', async () => {
    const { sync, requests } = device(2);
    await sync.start();
    clock = (Math.floor(clock / 1000 / HOUR) + 1) * HOUR * 1000;
    // Spend the device's token before its report goes: the server answers 403 token_spent.
    let spent = false;
    const realFetch = (sync as unknown as { fetch: typeof fetch }).fetch;
    (sync as unknown as { fetch: typeof fetch }).fetch = async (input, init) => {
      if (!spent && String(input).endsWith('/v1/reports') && typeof init?.body === 'string') {
        spent = true;
        const stolen = { ...JSON.parse(init.body), nonce: 'AAAAAAAAAAAAAAAAAAAAAA' };
        await fetch(`${serverUrl}/v1/reports`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(stolen) });
      }
      return realFetch(input, init);
    };
    await runFor(sync, HOUR * 1000 - 60_000);
    const reports = requests.filter((r) => r.url.endsWith('/v1/reports')).map((r) => parseReport(r.body!, reportRules({ slots: 3, taxonomy: loadTaxonomy() })));
    expect(reports.length).toBe(2);
    expect(reports[1].nonce).toBe(reports[0].nonce);
    expect(reports[1].segments).toEqual(reports[0].segments);
    expect(reports[1].token).not.toBe(reports[0].token);
    expect(counted()).toBe(2); // the stolen copy and the device's own report
    expect(sync.inspect()).toMatchObject({ pendingReport: null, lastReport: { status: 202 } });
  });
});
