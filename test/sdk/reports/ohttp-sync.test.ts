// The report sync with privacy.ohttp: the device's report goes to the test relay (real sockets), the
// relay forwards it to the real server's gateway, and the device handles the encrypted answer exactly
// as a direct one (202 counted, 503 with Retry-After kept, a refusal for good dropped). A relay that
// fails never makes the device send straight to the server.

import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../../../core/random.ts';
import { OHTTP_PAD_TO } from '../../../protocol/ohttp.ts';
import { createApp } from '../../../server/app.ts';
import { makeConfig, type ServerConfig } from '../../../server/config.ts';
import { loadTaxonomy } from '../../../server/taxonomy-file.ts';
import { openSqliteStore, type SqliteStore } from '../../../server/storage/sqlite/sqlite-store.ts';
import { startTestRelay, type TestRelay } from '../../support/ohttp-relay.ts';
import { testTokenSettings } from '../../support/token-key.ts';
import { reportTab } from './report-host.ts';

const EPOCH_SECONDS = 3600;
let clock = Date.UTC(2026, 10, 29, 10, 0, 0);
let store: SqliteStore;
let app: Awaited<ReturnType<typeof createApp>>;
let serverUrl: string;
let relay: TestRelay;
let keyConfig: string;
let warn: ReturnType<typeof vi.spyOn>;
/** What reached the server over its sockets: method, path, and the peer's address. */
let seen: { method: string; path: string; from: string | undefined }[];

// One gateway key for the file, so a restarted server keeps it (as TACIT_OHTTP_KEY does in production).
const gatewayKeyPath = join(mkdtempSync(join(tmpdir(), 'tacit-ohttp-sync-')), 'ohttp.pem');
writeFileSync(gatewayKeyPath, generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));

async function startServer(overrides: Partial<ServerConfig> = {}, port = 0): Promise<void> {
  app = await createApp(makeConfig({ ...testTokenSettings(), epochSeconds: EPOCH_SECONDS, epsilon: 4, slots: 3, ohttpKeyPaths: [gatewayKeyPath], ohttpGateway: true, ...overrides }), store, { now: () => clock });
  serverUrl = await app.listen({ port, host: '127.0.0.1' });
  keyConfig = app.ohttpKeyConfig!;
  app.server.on('request', (req) => seen.push({ method: req.method!, path: req.url!, from: req.socket.remoteAddress }));
}

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  seen = [];
  store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'tacit-ohttp-sync-')), 'db.sqlite'));
  await startServer();
  relay = await startTestRelay({ gateway: `${serverUrl}/v1/gateway`, localAddress: '127.0.0.2' });
});
afterEach(async () => {
  warn.mockRestore();
  await relay.close();
  await app.close();
  await store.close();
});

const reportsCounted = () => (store.database.prepare('SELECT COALESCE(SUM(reports), 0) AS n FROM epoch_reports').get() as { n: number }).n;
const warnings = (): string[] => warn.mock.calls.map((c: unknown[]) => String(c[0]));

function tab(ohttp: { relay: string; keyConfig: string } = { relay: relay.url, keyConfig }) {
  return reportTab(serverUrl, {
    config: { privacy: { minEpochSeconds: EPOCH_SECONDS, ohttp } },
    now: () => clock,
    segments: async () => [{ id: 3 }, { id: 7 }],
    random: mulberry32(7),
  });
}

/** Moves the clock to this device's planned moment in the next epoch (see sync.test.ts). */
async function untilDue(sync: { sync(): Promise<unknown>; inspect(): Record<string, unknown> }): Promise<void> {
  clock = (Math.floor(clock / 1000 / EPOCH_SECONDS) + 1) * EPOCH_SECONDS * 1000;
  for (let step = 0; step < 3; step++) {
    const waiting = (await sync.sync()) as { sent: boolean; dueAt?: string };
    expect(waiting).toMatchObject({ sent: false });
    clock = Date.parse(waiting.dueAt!) + 1;
    const planned = (sync.inspect() as { privacy: { plannedAt: string | null } }).privacy.plannedAt;
    if (planned !== null && Date.parse(planned) < clock) return;
  }
  throw new Error('the report never came due');
}

const pending = (sync: { inspect(): Record<string, unknown> }) => sync.inspect().pendingReport as { nextAttemptAt: number; attempts: number; body: string } | null;

describe('reports through an OHTTP relay', () => {
  it('the report goes through the relay and is counted; the server sees the relay, never the device, for it', async () => {
    const { sync } = tab();
    await sync.start();
    await untilDue(sync);
    expect(await sync.sync()).toMatchObject({ sent: true, status: 202, ack: { ok: true } });
    expect(reportsCounted()).toBe(1);
    // The relay saw the device's address and one fixed-size opaque message …
    expect(relay.exchanges).toEqual([{ client: '127.0.0.1', contentType: 'message/ohttp-req', bytes: 7 + 32 + OHTTP_PAD_TO + 16, status: 200 }]);
    // … the server saw that message from the relay's address, and never a report from the device.
    expect(seen.filter((r) => r.method === 'POST')).toEqual([
      { method: 'POST', path: '/v1/tokens', from: '127.0.0.1' },
      { method: 'POST', path: '/v1/gateway', from: '127.0.0.2' },
    ]);
    expect(seen.filter((r) => r.path === '/v1/params')).toEqual([{ method: 'GET', path: '/v1/params', from: '127.0.0.1' }]);
    const info = sync.inspect() as { privacy: { relay: string }; lastReport: { status: number; body: string } };
    expect(info.privacy.relay).toBe(relay.url);
    expect(info.lastReport.status).toBe(202);
    expect(Object.keys(JSON.parse(info.lastReport.body))).toEqual(['taxonomy', 'epoch', 'segments', 'nonce', 'token']);
  });

  it('a 503 with Retry-After inside keeps the report for that long, then it goes through once', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const addReports = store.addReports.bind(store);
    store.addReports = async () => {
      throw new Error('disk full');
    };
    const { sync } = tab();
    await sync.start();
    await untilDue(sync);
    expect(await sync.sync()).toMatchObject({ sent: false, status: 503, ack: { error: 'storage_unavailable' } });
    const waiting = pending(sync)!;
    expect(waiting.nextAttemptAt).toBeGreaterThanOrEqual(clock + 60_000);
    store.addReports = addReports;
    clock = waiting.nextAttemptAt + 1;
    expect(await sync.sync()).toMatchObject({ sent: true, status: 202 });
    expect(JSON.parse((sync.inspect().lastReport as { body: string }).body).nonce).toBe(JSON.parse(waiting.body).nonce); // the same report
    expect(reportsCounted()).toBe(1);
    error.mockRestore();
  });

  it('a refusal for good inside (the server changed its taxonomy) drops the report with a warning, as when sent straight', async () => {
    const { sync } = tab();
    await sync.start();
    await untilDue(sync);
    const port = Number(new URL(serverUrl).port);
    await app.close();
    const taxonomy = { ...loadTaxonomy(), version: 2 };
    app = await createApp(makeConfig({ ...testTokenSettings(), epochSeconds: EPOCH_SECONDS, ohttpKeyPaths: [gatewayKeyPath], ohttpGateway: true }), store, { now: () => clock, taxonomy });
    await app.listen({ port, host: '127.0.0.1' });
    expect(await sync.sync()).toMatchObject({ sent: false, status: 422, ack: { error: 'unknown_taxonomy' } });
    expect(pending(sync)).toBeNull();
    expect(warnings().some((w) => w.includes('rejected the report (422)'))).toBe(true);
    expect(reportsCounted()).toBe(0);
  });

  it('a relay that fails keeps the report and never sends it straight to the server; it goes once the relay is back', async () => {
    const { sync } = tab();
    await sync.start();
    await untilDue(sync);
    relay.failWith(502);
    expect(await sync.sync()).toMatchObject({ sent: false, status: 'network-error', ack: expect.stringMatching(/relay answered 502/) });
    const waiting = pending(sync)!;
    expect(waiting.attempts).toBe(1);
    relay.failWith(null);
    clock = waiting.nextAttemptAt + 1;
    expect(await sync.sync()).toMatchObject({ sent: true, status: 202 });
    expect(seen.filter((r) => r.path === '/v1/reports')).toEqual([]);
    expect(relay.exchanges.map((e) => e.status)).toEqual([502, 200]);
    expect(reportsCounted()).toBe(1);
  });

  it('an unreachable relay is a network error: the report waits', async () => {
    const { sync } = tab({ relay: 'http://127.0.0.1:9/relay', keyConfig });
    await sync.start();
    await untilDue(sync);
    expect(await sync.sync()).toMatchObject({ sent: false, status: 'network-error' });
    expect(pending(sync)).not.toBeNull();
    expect(seen.filter((r) => r.method === 'POST' && r.path !== '/v1/tokens')).toEqual([]);
  });

  it('when the page goes away the report goes through the relay too, never straight; one cut short goes again, counted once', async () => {
    const { sync } = tab();
    await sync.start();
    await untilDue(sync);
    // The page goes away as the relay takes the report: it reaches the server, but no answer reaches
    // this worker (it ended with its page).
    const realFetch = globalThis.fetch;
    (sync as unknown as { fetch: typeof fetch }).fetch = (input, init) => {
      if (String(input) !== relay.url) return realFetch(input, init);
      void realFetch(input, init);
      return new Promise<Response>(() => {});
    };
    void sync.pageHidden(true);
    await vi.waitFor(() => expect(relay.exchanges.map((e) => e.status)).toEqual([200]));
    expect(reportsCounted()).toBe(1);
    expect(pending(sync)).toMatchObject({ attempts: 1 });
    // A later page, once the dead page's claim expired: the same report, through the relay again; the
    // server knows its nonce and does not count it twice.
    clock += 31_000;
    const next = tab();
    await next.sync.start();
    expect(next.sync.inspect()).toMatchObject({ lastReport: { status: 202 } });
    expect(relay.exchanges.map((e) => e.status)).toEqual([200, 200]);
    expect(reportsCounted()).toBe(1);
    expect(pending(next.sync)).toBeNull();
    expect(seen.filter((r) => r.path === '/v1/reports')).toEqual([]);
  });

  it('a key configuration that is not one: the report waits, with a warning naming the setting', async () => {
    const { sync } = tab({ relay: relay.url, keyConfig: 'AAAAAAAAAAAA' });
    await sync.start();
    await untilDue(sync);
    expect(await sync.sync()).toMatchObject({ sent: false, status: 'network-error', ack: expect.stringMatching(/privacy\.ohttp\.keyConfig is not a key configuration/) });
    expect(pending(sync)).not.toBeNull();
    expect(relay.exchanges).toEqual([]);
    clock = pending(sync)!.nextAttemptAt + 1;
    expect(await sync.sync()).toMatchObject({ sent: false, status: 'network-error' });
    expect(warnings().filter((w) => w.includes('privacy.ohttp.keyConfig'))).toHaveLength(1); // the console hears it once
  });

  it('an old key configuration (the server rotated its key away): the gateway refuses it in the clear and the report waits', async () => {
    const { sync } = tab();
    await sync.start();
    await untilDue(sync);
    const port = Number(new URL(serverUrl).port);
    await app.close();
    await startServer({ ohttpKeyPaths: [] }, port); // a new key, made at start
    expect(await sync.sync()).toMatchObject({ sent: false, status: 'network-error', ack: expect.stringMatching(/relay answered 400/) });
    expect(pending(sync)).not.toBeNull();
    expect(reportsCounted()).toBe(0);
  });
});
