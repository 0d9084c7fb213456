// The report sync against the real aggregation server (in-process Fastify, SQLite on disk): what leaves the
// device, exactly once per epoch across tabs, and how failures are retried.

import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NONCE_PATTERN } from '../../../protocol/report.ts';
import { createApp } from '../../../server/app.ts';
import { makeConfig } from '../../../server/config.ts';
import { testTokenSettings } from '../../support/token-key.ts';
import { openSqliteStore, type SqliteStore } from '../../../server/storage/sqlite/sqlite-store.ts';
import { reportTab } from './report-host.ts';
import { mulberry32 } from '../../../core/random.ts';

const EPOCH_SECONDS = 3600;
let clock = Date.UTC(2026, 10, 29, 10, 0, 0);
let store: SqliteStore;
let app: Awaited<ReturnType<typeof createApp>>;
let serverUrl: string;
let warn: ReturnType<typeof vi.spyOn>;

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'tacit-sync-')), 'db.sqlite'));
  app = await createApp(makeConfig({ ...testTokenSettings(), epochSeconds: EPOCH_SECONDS, epsilon: 4, slots: 3 }), store, { now: () => clock });
  serverUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  warn.mockRestore();
  await app.close();
  await store.close();
});

const reportsCounted = () => (store.database.prepare('SELECT COALESCE(SUM(reports), 0) AS n FROM epoch_reports').get() as { n: number }).n;

async function tab(server = serverUrl, config: { privacy?: Record<string, unknown> } = {}) {
  // The server's test epochs are an hour: the device must be told it may accept that (default 7 days).
  const privacy = { minEpochSeconds: EPOCH_SECONDS, ...config.privacy };
  return reportTab(server, { config: { ...config, privacy }, now: () => clock, segments: async () => [{ id: 3 }, { id: 7 }], random: mulberry32(42) });
}

const epochOfClock = () => Math.floor(clock / 1000 / EPOCH_SECONDS);

/**
 * A device reports from the first epoch that begins after it started keeping state, at a random moment
 * of that epoch: move the clock there (each sync() on the way finds the report not yet due).
 */
async function untilDue(sync: { sync(): Promise<unknown>; inspect(): Record<string, unknown> }): Promise<void> {
  clock = (epochOfClock() + 1) * EPOCH_SECONDS * 1000;
  // First the token's own moment (the server takes tokens), then the report's.
  for (let step = 0; step < 3; step++) {
    const waiting = (await sync.sync()) as { sent: boolean; dueAt?: string };
    expect(waiting).toMatchObject({ sent: false });
    expect(waiting.dueAt).toBeDefined();
    clock = Date.parse(waiting.dueAt!) + 1;
    const planned = (sync.inspect() as { privacy: { plannedAt: string | null } }).privacy.plannedAt;
    if (planned !== null && Date.parse(planned) < clock) return;
  }
  throw new Error('the report never came due');
}

describe('ReportSync', () => {
  it('sends one report with only the documented fields, and not again in the same epoch', async () => {
    const sent: string[] = [];
    const realFetch = globalThis.fetch;
    const { sync } = await tab();
    (sync as unknown as { fetch: typeof fetch }).fetch = async (input, init) => {
      if (init?.method === 'POST' && String(input).endsWith('/v1/reports')) sent.push(String(init.body));
      return realFetch(input, init);
    };
    await sync.start();
    expect(await sync.sync()).toMatchObject({ sent: false }); // its first epoch: it started keeping state in it
    await untilDue(sync);
    const first = await sync.sync();
    expect(first).toMatchObject({ sent: true, status: 202 });
    expect(await sync.sync()).toMatchObject({ sent: false });
    expect(sent).toHaveLength(1);
    const body = JSON.parse(sent[0]);
    expect(Object.keys(body)).toEqual(['taxonomy', 'epoch', 'segments', 'nonce', 'token']);
    expect(body.nonce).toMatch(NONCE_PATTERN);
    expect(body.epoch).toBe(Math.floor(clock / 1000 / EPOCH_SECONDS));
    expect(body.segments).toHaveLength(3);
    expect(reportsCounted()).toBe(1);
    expect(sync.inspect()).toMatchObject({ lastReport: { status: 202, body: sent[0] }, pendingReport: null });
  });

  it('two tabs racing for the same epoch send exactly one report', async () => {
    const a = await tab();
    const b = await tab();
    await Promise.all([a.sync.start(), b.sync.start()]);
    await untilDue(a.sync);
    await Promise.all([a.sync.sync(), b.sync.sync(), a.sync.sync(), b.sync.sync()]);
    expect(reportsCounted()).toBe(1);
  });

  it('a report whose page went away before the answer is sent again by a later page, and counted once', async () => {
    const a = await tab();
    await a.sync.start();
    await untilDue(a.sync);
    const posts: string[] = [];
    // Page A's request leaves, then the page navigates (its worker ends): its promise never settles.
    (a.sync as unknown as { fetch: typeof fetch }).fetch = (_input, init) => {
      posts.push(String(init?.body));
      return new Promise<Response>(() => {});
    };
    void a.sync.sync();
    await new Promise((r) => setTimeout(r, 50));
    // Another page of the same epoch while A's claim holds: it leaves the report alone.
    clock += 10_000;
    const b = await tab();
    await b.sync.start();
    expect(await b.sync.sync()).toMatchObject({ sent: false, reason: 'nothing due' });
    // Later, the claim has expired: the next page sends the very same report (same nonce) as it starts …
    clock += 31_000;
    const c = await tab();
    await c.sync.start();
    expect(c.sync.inspect()).toMatchObject({ lastReport: { status: 202, body: posts[0] }, pendingReport: null });
    expect(await c.sync.sync()).toMatchObject({ sent: false, reason: 'nothing due' });
    expect(reportsCounted()).toBe(1);
    // … and should A's request have reached the server after all, it is a resend: counted once.
    const resend = await fetch(`${serverUrl}/v1/reports`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: posts[0] });
    expect(resend.status).toBe(202);
    expect(reportsCounted()).toBe(1);
    expect(posts).toHaveLength(1);
  });

  it('sends a new report in the next epoch', async () => {
    const { sync } = await tab();
    await sync.start();
    await untilDue(sync);
    expect(await sync.sync()).toMatchObject({ sent: true });
    await untilDue(sync);
    expect(await sync.sync()).toMatchObject({ sent: true });
    expect(reportsCounted()).toBe(2);
  });

  it('keeps the report while the server is down and sends it with backoff once it is back', async () => {
    const { sync } = await tab();
    await sync.start();
    await untilDue(sync);
    await app.close(); // server goes down after the parameters were loaded
    const failed = await sync.sync();
    expect(failed).toMatchObject({ sent: false, status: 'network-error' });
    const pending = sync.inspect().pendingReport as { nextAttemptAt: number; attempts: number };
    expect(pending.attempts).toBe(1);
    expect(pending.nextAttemptAt).toBeGreaterThan(clock + 2000); // 5 s × jitter in [0.5, 1.5)
    // Back up on the same port and database.
    const port = Number(new URL(serverUrl).port);
    app = await createApp(makeConfig({ ...testTokenSettings(), epochSeconds: EPOCH_SECONDS }), store, { now: () => clock });
    await app.listen({ port, host: '127.0.0.1' });
    clock = pending.nextAttemptAt + 1;
    expect(await sync.sync()).toMatchObject({ sent: true, status: 202 });
    expect(reportsCounted()).toBe(1);
  });

  it('honours 429 Retry-After and drops a report the server rejects for good', async () => {
    let answer = { status: 429, headers: { 'retry-after': '120' } as Record<string, string> };
    const bodies: string[] = [];
    const fake: Server = createServer((req, res) => {
      if (req.url === '/v1/params') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ taxonomy: { version: 1, segments: [{ id: 3, name: 'a' }, { id: 7, name: 'b' }] }, epsilon: 4, slots: 3, epochSeconds: EPOCH_SECONDS }),
        );
        return;
      }
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end('{"ok":false}');
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
    const { sync } = await tab(url);
    await sync.start();
    await untilDue(sync);
    await sync.sync();
    const pending = sync.inspect().pendingReport as { nextAttemptAt: number };
    expect(pending.nextAttemptAt).toBeGreaterThanOrEqual(clock + 120_000);
    answer = { status: 400, headers: {} };
    clock = pending.nextAttemptAt;
    await sync.sync();
    expect(sync.inspect().pendingReport).toBeNull();
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toBe(bodies[0]); // the same report, never a re-randomized one
    expect(warn.mock.calls.some((c: unknown[]) => String(c[0]).includes('rejected the report (400)'))).toBe(true);
    await new Promise((r) => fake.close(r));
  });

  it('refuses to report when the server asks for more ε than the shop allows', async () => {
    await app.close();
    await store.close();
    store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'tacit-sync-')), 'db.sqlite'));
    app = await createApp(makeConfig({ ...testTokenSettings(), epochSeconds: EPOCH_SECONDS, epsilon: 8 }), store, { now: () => clock });
    serverUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    const { sync } = await tab(serverUrl, { privacy: { maxEpsilon: 4 } });
    await sync.start();
    clock += 2 * EPOCH_SECONDS * 1000;
    expect(await sync.sync()).toMatchObject({ sent: false, reason: expect.stringMatching(/^refused by this device/) });
    expect(reportsCounted()).toBe(0);
    expect(warn.mock.calls.filter((c: unknown[]) => String(c[0]).includes('ε = 8'))).toHaveLength(1);
  });

  it('sends nothing without consent', async () => {
    const { sync } = reportTab(serverUrl, { consent: 'pending', now: () => clock, config: { privacy: { minEpochSeconds: EPOCH_SECONDS } } });
    await sync.start();
    expect(await sync.sync()).toMatchObject({ sent: false, reason: 'no consent' });
    expect(reportsCounted()).toBe(0);
  });
});
