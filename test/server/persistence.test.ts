import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../../server/storage/sqlite/database.ts';
import { counters, EPOCH0, makeTestServer, postReport, reportBody } from './helpers.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-server-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const USER_AGENT = 'TacitProbeAgent/9.9 (X11; Linux x86_64)';

/** Every byte SQLite wrote for this database: main file, WAL and shared memory. */
function databaseBytes(path: string): string {
  return [path, `${path}-wal`, `${path}-shm`]
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString('latin1'))
    .join('');
}

describe('file database', () => {
  it('keeps accepted reports across close and reopen, and the schema version', async () => {
    const path = join(dir, 'reopen.sqlite');
    const first = await makeTestServer({}, {}, path);
    for (let i = 0; i < 5; i++) expect((await postReport(first.app, reportBody(EPOCH0, [7, 8, 0]))).statusCode).toBe(202);
    const before = counters(first.db);
    await first.close();

    const second = await makeTestServer({}, {}, path);
    expect(counters(second.db)).toEqual(before);
    expect(second.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(second.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(second.db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SCHEMA_VERSION }]);
    expect((await postReport(second.app, reportBody(EPOCH0, [7, 0, 0]))).statusCode).toBe(202);
    expect(second.db.prepare('SELECT reports FROM epoch_reports').get()).toEqual({ reports: 6 });
    await second.close();
  });

  it('stores no address, user agent or origin (checked in the file bytes)', async () => {
    const path = join(dir, 'privacy.sqlite');
    const server = await makeTestServer({}, {}, path);
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = server.app.server.address() as AddressInfo;
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`http://127.0.0.1:${port}/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': USER_AGENT, origin: 'http://localhost:5173' },
        body: reportBody(EPOCH0, [1 + (i % 5), 9, 0]),
      });
      expect(response.status).toBe(202);
    }
    const bytes = databaseBytes(path);
    expect(bytes).toContain('epoch_counts'); // the check reads the real file
    for (const needle of ['127.0.0.1', 'TacitProbeAgent', 'X11', 'localhost:5173', '::ffff']) expect(bytes).not.toContain(needle);
    await server.close();
    const after = databaseBytes(path);
    for (const needle of ['127.0.0.1', 'TacitProbeAgent', 'localhost']) expect(after).not.toContain(needle);
  });
});

describe('rate limit per connection', () => {
  function post(port: number, agent: Agent, body: string): Promise<{ status: number; retryAfter?: string; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/v1/reports', agent, headers: { 'content-type': 'text/plain' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('answers 429 with Retry-After once a connection spends its burst; another connection is unaffected', async () => {
    const server = await makeTestServer({ rateBurst: 3, ratePerMinute: 2 });
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = server.app.server.address() as AddressInfo;
    const oneConnection = new Agent({ keepAlive: true, maxSockets: 1 });
    const body = reportBody(EPOCH0, [2, 0, 0]);
    try {
      for (let i = 0; i < 3; i++) expect((await post(port, oneConnection, body)).status).toBe(202);
      const before = counters(server.db);
      const limited = await post(port, oneConnection, body);
      expect(limited.status).toBe(429);
      expect(limited.retryAfter).toBe('30'); // one token per 30 s at 2 per minute
      expect(JSON.parse(limited.body).error).toBe('rate_limited');
      expect(counters(server.db)).toEqual(before);

      const otherConnection = new Agent({ keepAlive: false });
      expect((await post(port, otherConnection, body)).status).toBe(202);
      otherConnection.destroy();

      server.clock.ms += 30_000; // one token refilled
      expect((await post(port, oneConnection, body)).status).toBe(202);
      expect((await post(port, oneConnection, body)).status).toBe(429);
    } finally {
      oneConnection.destroy();
      await server.close();
    }
  });
});

describe('tsx server/main.ts as a child process', () => {
  // `node --import tsx` runs the server in this one process, so SIGKILL really kills
  // the server (the tsx CLI is a wrapper process that cannot relay SIGKILL);
  // `tsx server/main.ts` (what `npm run server` runs) relays SIGINT/SIGTERM.
  const viaNode = ['--import', 'tsx', 'server/main.ts'];
  const viaTsxCli = [join(process.cwd(), 'node_modules/tsx/dist/cli.mjs'), 'server/main.ts'];

  function start(dbPath: string, args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
    const child = spawn(process.execPath, args, {
      cwd: process.cwd(),
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TACIT_DB: dbPath, TACIT_REQUIRE_TOKEN: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /listening on (http:\/\/[^\s]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve({ child, url: match[1], output: () => output });
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${output}`));
      });
    });
  }

  function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
    return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  async function send(url: string, count: number): Promise<void> {
    const params = (await (await fetch(`${url}/v1/params`)).json()) as { currentEpoch: number };
    for (let i = 0; i < count; i++) {
      const response = await fetch(`${url}/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': USER_AGENT },
        body: reportBody(params.currentEpoch, [5, 6, 0]),
      });
      expect(response.status).toBe(202);
    }
  }

  it('keeps acknowledged reports through SIGKILL and a restart, and stops cleanly on SIGTERM', async () => {
    const dbPath = join(dir, 'child', 'tacit.sqlite'); // the folder does not exist yet
    const first = await start(dbPath, viaNode);
    await send(first.url, 4);
    first.child.kill('SIGKILL'); // no chance to close or checkpoint
    expect((await exited(first.child)).signal).toBe('SIGKILL');

    const second = await start(dbPath, viaTsxCli);
    await send(second.url, 3);
    second.child.kill('SIGTERM');
    expect((await exited(second.child)).code).toBe(0);
    expect(second.output()).toContain('stopped (SIGTERM)');

    const db = new Database(dbPath, { readonly: true });
    try {
      const reports = db.prepare<[], { total: number }>('SELECT SUM(reports) AS total FROM epoch_reports').get()!;
      const counts = db.prepare<[], { value: number; total: number }>('SELECT value, SUM(count) AS total FROM epoch_counts GROUP BY value ORDER BY value').all();
      expect(reports.total).toBe(7);
      expect(counts).toEqual([{ value: 0, total: 7 }, { value: 5, total: 7 }, { value: 6, total: 7 }]);
    } finally {
      db.close();
    }
    const bytes = databaseBytes(dbPath);
    for (const needle of ['127.0.0.1', 'TacitProbeAgent']) expect(bytes).not.toContain(needle);
  }, 60_000);

  it('refuses to start on a bad setting, naming it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: process.cwd(),
      env: { ...process.env, PORT: '0', TACIT_EPOCH_SECONDS: '10', TACIT_DB: join(dir, 'never.sqlite') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const { code } = await exited(child);
    expect(code).toBe(1);
    expect(output).toContain('TACIT_EPOCH_SECONDS');
    expect(existsSync(join(dir, 'never.sqlite'))).toBe(false);
  }, 30_000);
});
