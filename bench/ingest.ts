// Benchmark 6: the real aggregation server (server/main.ts, its own process) loaded by autocannon from a
// second process over loopback with valid reports, then a check that nothing was lost: the counters in
// the SQLite file (read after the server stopped) must equal the number of 2xx responses.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { epochOf } from '../protocol/epoch.ts';
import { atLeast, atMost, failed, timing, type BenchResult } from './lib/results.ts';
import { spread } from './lib/stats.ts';
import { ROOT, TMP_DIR } from './lib/paths.ts';

const EPOCH_SECONDS = 604_800;
const SLOTS = 3;
const CONNECTIONS = 50;
const PROBE_REQUESTS = 2000;
const RUN_SECONDS = 5;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Seconds. */
  duration: number;
}

function waitForListening(server: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${output}`));
    });
  });
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} exited with ${code}: ${stderr.slice(-500)}`))));
  });
}

export async function benchIngest(seconds = 30): Promise<BenchResult[]> {
  const dir = join(TMP_DIR, 'ingest');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const dbPath = join(dir, 'tacit.sqlite');
  const server = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'server/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      TACIT_DB: dbPath,
      TACIT_SLOTS: String(SLOTS),
      TACIT_EPOCH_SECONDS: String(EPOCH_SECONDS),
      TACIT_RATE_BURST: '100000',
      TACIT_RATE_PER_MINUTE: '6000000',
    },
  });
  const stopServer = () =>
    new Promise<void>((resolve) => {
      if (server.exitCode !== null) return resolve();
      server.once('exit', () => resolve());
      server.kill('SIGTERM');
      setTimeout(() => server.kill('SIGKILL'), 15_000).unref();
    });
  try {
    const url = await waitForListening(server);
    const taxonomy = JSON.parse(readFileSync(join(ROOT, 'server/taxonomy.json'), 'utf8')) as { version: number; segments: { id: number }[] };
    const ids = taxonomy.segments.map((s) => s.id);
    const epoch = epochOf(Date.now(), EPOCH_SECONDS);
    const body = JSON.stringify({ taxonomy: taxonomy.version, epoch, segments: [ids[0], ids[1] ?? 0, 0].slice(0, SLOTS) });
    const load = async (limit: string[]): Promise<AutocannonResult> => {
      const stdout = await run(process.execPath, [
        join(ROOT, 'node_modules/autocannon/autocannon.js'),
        '--json',
        '-c', String(CONNECTIONS),
        ...limit,
        '-m', 'POST',
        '-H', 'content-type=text/plain',
        '-b', body,
        `${url}/v1/reports`,
      ]);
      return JSON.parse(stdout.slice(stdout.indexOf('{'))) as AutocannonResult;
    };
    // Runs limited by a number of requests, not a duration: autocannon drops the requests in flight when
    // a duration ends, though the server may have stored them, and then nothing could be checked exactly.
    // After a warm-up, runs of about RUN_SECONDS each (sized from the previous run's rate) follow one
    // another until `seconds` have passed; each run's rate and latencies are one sample.
    const warmUp = await load(['-a', String(PROBE_REQUESTS)]);
    let rate = warmUp['2xx'] / Math.max(warmUp.duration, 0.1);
    let accepted = warmUp['2xx'];
    const runs: AutocannonResult[] = [];
    const started = Date.now();
    while (Date.now() - started < seconds * 1000) {
      const run = await load(['-a', String(Math.max(PROBE_REQUESTS, Math.round(rate * RUN_SECONDS)))]);
      runs.push(run);
      accepted += run['2xx'];
      rate = run['2xx'] / Math.max(run.duration, 0.1);
    }
    const sent = runs.reduce((n, r) => n + r['2xx'], 0);
    const elapsed = runs.reduce((t, r) => t + r.duration, 0);
    const problems = runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
    await stopServer();
    const db = new Database(dbPath, { readonly: true });
    const stored = (db.prepare('SELECT COALESCE(SUM(reports), 0) AS n FROM epoch_reports').get() as { n: number }).n;
    const values = (db.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM epoch_counts').get() as { n: number }).n;
    db.close();
    const note = `${CONNECTIONS} connections, ${sent} reports in ${elapsed.toFixed(1)} s as ${runs.length} runs of ~${RUN_SECONDS} s (after a warm-up), autocannon in its own process on loopback; ${problems} non-2xx/errors/timeouts; overall ${Math.round(sent / elapsed)} reports/s`;
    return [
      atLeast(timing('server ingest: throughput', 'reports/s', spread(runs.map((r) => Math.round(r['2xx'] / r.duration))), { note }), 5000),
      atMost(timing('server ingest: p99 latency', 'ms', spread(runs.map((r) => r.latency.p99)), { note: `p50 per run: ${runs.map((r) => r.latency.p50).join(', ')} ms` }), 25),
      {
        name: 'server ingest: stored reports − 2xx responses (nothing lost)',
        unit: 'reports',
        value: stored - accepted,
        goal: '= 0, and value counters = 2xx × slots',
        met: stored === accepted && values === accepted * SLOTS,
        note: `epoch_reports ${stored}, epoch_counts ${values} (${SLOTS} per report), 2xx responses ${accepted} (warm-up included)`,
      },
    ];
  } catch (error) {
    return [failed('server ingest', 'reports/s', error)];
  } finally {
    await stopServer();
  }
}
