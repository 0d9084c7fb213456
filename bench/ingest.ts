// Benchmark 6 (BENCH_INGEST_SETUPS=sqlite,pg1,pg2 chooses the set-ups): the real aggregation server (server/main.ts, its own process) loaded by autocannon
// (bench/ingest-load.ts, its own process) over loopback with valid reports, on three set-ups side by
// side (reports without tokens: TACIT_REQUIRE_TOKEN=false): the SQLite file (one process), PostgreSQL with one server process, and PostgreSQL with two
// server processes sharing it (one load generator per process, half the connections each). After
// each, the servers are stopped and the counters in the database must equal the 2xx responses.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { epochOf } from '../protocol/epoch.ts';
import { startPostgres, type PostgresCluster } from '../test/server/postgres-cluster.ts';
import type { Result as AutocannonResult } from 'autocannon';
import type { LoadSpec } from './ingest-load.ts';
import { atLeast, atMost, failed, timing, type BenchResult } from './lib/results.ts';
import { spread } from './lib/stats.ts';
import { ROOT, TMP_DIR } from './lib/paths.ts';

const EPOCH_SECONDS = 604_800;
const SLOTS = 3;
const CONNECTIONS = 50;
const PROBE_REQUESTS = 2000;
const RUN_SECONDS = 5;
const SEGMENTS = [1, 2, 0];

interface Setup {
  /** row label */
  label: string;
  processes: number;
  env: Record<string, string>;
  /** reports and slot counts stored (read after the servers stopped) */
  stored(): Promise<{ reports: number; values: number }>;
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14 and 15 of stat)
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

function runLoad(spec: LoadSpec): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/ingest-load.ts', JSON.stringify(spec)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout) as AutocannonResult) : reject(new Error(`load generator exited with ${code}: ${stderr.slice(-500)}`))));
  });
}

function startServer(env: Record<string, string>): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      TACIT_SLOTS: String(SLOTS),
      TACIT_EPOCH_SECONDS: String(EPOCH_SECONDS),
      TACIT_RATE_BURST: '100000',
      TACIT_RATE_PER_MINUTE: '6000000',
      // The write path alone: with tokens required (the default) each report would need a token issued
      // for it first, which the load generator cannot mint; the token check is one RSA verification.
      TACIT_REQUIRE_TOKEN: 'false',
      ...env,
    },
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    });
  return { child, stop };
}

/** One set-up: warm-up, then runs of about RUN_SECONDS until `seconds` have passed; each run is one sample. */
async function measure(setup: Setup, seconds: number): Promise<BenchResult[]> {
  const servers = Array.from({ length: setup.processes }, () => startServer(setup.env));
  try {
    const urls = await Promise.all(servers.map((server) => waitForListening(server.child)));
    const epoch = epochOf(Date.now(), EPOCH_SECONDS);
    // Runs are limited by a number of requests, not a duration: autocannon drops the requests in flight
    // when a duration ends, though the server may have stored them, and then nothing could be checked exactly.
    const load = async (amount: number) => {
      const parts = await Promise.all(
        urls.map((url) => runLoad({ url, connections: CONNECTIONS / urls.length, amount: Math.round(amount / urls.length), taxonomy: 1, epoch, segments: SEGMENTS })),
      );
      const duration = Math.max(...parts.map((part) => part.duration));
      const sum = (pick: (r: AutocannonResult) => number) => parts.reduce((n, part) => n + pick(part), 0);
      return {
        ok: sum((r) => r['2xx']),
        problems: sum((r) => r.non2xx + r.errors + r.timeouts),
        duration,
        // Each generator measures its own connections; the slower one's p99 is the honest figure.
        p99: Math.max(...parts.map((part) => part.latency.p99)),
        p50: Math.max(...parts.map((part) => part.latency.p50)),
      };
    };
    const warmUp = await load(PROBE_REQUESTS);
    // The machine is shared: server CPU per report is the figure that does not depend on the neighbours' load.
    const serverCpu = () => servers.reduce((ms, server) => ms + cpuMs(server.child.pid!), 0);
    const cpuBefore = serverCpu();
    let rate = warmUp.ok / Math.max(warmUp.duration, 0.1);
    let accepted = warmUp.ok;
    const runs: Awaited<ReturnType<typeof load>>[] = [];
    const started = Date.now();
    while (Date.now() - started < seconds * 1000) {
      const run = await load(Math.max(PROBE_REQUESTS, Math.round(rate * RUN_SECONDS)));
      runs.push(run);
      accepted += run.ok;
      rate = run.ok / Math.max(run.duration, 0.1);
    }
    const cpuPerReport = (serverCpu() - cpuBefore) / runs.reduce((n, r) => n + r.ok, 0);
    await Promise.all(servers.map((server) => server.stop()));
    const sent = runs.reduce((n, r) => n + r.ok, 0);
    const elapsed = runs.reduce((t, r) => t + r.duration, 0);
    const problems = runs.reduce((n, r) => n + r.problems, 0) + warmUp.problems;
    const stored = await setup.stored();
    const note =
      `${setup.processes} server process(es), ${CONNECTIONS} connections, ${sent} reports in ${elapsed.toFixed(1)} s as ${runs.length} runs of ~${RUN_SECONDS} s ` +
      `(after a warm-up), autocannon in its own process(es) on loopback; ${problems} non-2xx/errors/timeouts; overall ${Math.round(sent / elapsed)} reports/s`;
    const throughput = timing(`server ingest (${setup.label}): throughput`, 'reports/s', spread(runs.map((r) => Math.round(r.ok / r.duration))), { note });
    const p99 = timing(`server ingest (${setup.label}): p99 latency`, 'ms', spread(runs.map((r) => r.p99)), { note: `p50 per run: ${runs.map((r) => r.p50).join(', ')} ms` });
    const sqlite = setup.processes === 1 && !('TACIT_DATABASE_URL' in setup.env);
    return [
      sqlite ? atLeast(throughput, 5000) : throughput,
      sqlite ? atMost(p99, 25) : p99,
      {
        name: `server ingest (${setup.label}): server CPU per report`,
        unit: 'ms',
        value: Number(cpuPerReport.toFixed(4)),
        note: `user + system time of the server process(es) over the measured runs ÷ reports; ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)} at the end`,
      },
      {
        name: `server ingest (${setup.label}): stored reports − 2xx responses (nothing lost)`,
        unit: 'reports',
        value: stored.reports - accepted,
        goal: '= 0, and value counters = 2xx × slots',
        met: stored.reports === accepted && stored.values === accepted * SLOTS,
        note: `reports stored ${stored.reports}, slot counters ${stored.values} (${SLOTS} per report), 2xx responses ${accepted} (warm-up included)`,
      },
    ];
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

async function postgresStored(url: string): Promise<{ reports: number; values: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const reports = (await client.query('SELECT COALESCE(SUM(reports), 0)::float8 AS n FROM epoch_reports')).rows[0].n as number;
    const values = (await client.query('SELECT COALESCE(SUM(count), 0)::float8 AS n FROM epoch_counts')).rows[0].n as number;
    return { reports, values };
  } finally {
    await client.end();
  }
}

/** Which set-ups to run: BENCH_INGEST_SETUPS=sqlite,pg1,pg2 (default all three). */
const SETUPS = new Set((process.env.BENCH_INGEST_SETUPS ?? 'sqlite,pg1,pg2').split(',').map((name) => name.trim()));

export async function benchIngest(seconds = 30): Promise<BenchResult[]> {
  const dir = join(TMP_DIR, 'ingest');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const dbPath = join(dir, 'tacit.sqlite');
  const results: BenchResult[] = [];
  const sqlite: Setup = {
    label: 'SQLite',
    processes: 1,
    env: { TACIT_DB: dbPath },
    stored: async () => {
      const db = new Database(dbPath, { readonly: true });
      try {
        const reports = (db.prepare('SELECT COALESCE(SUM(reports), 0) AS n FROM epoch_reports').get() as { n: number }).n;
        const values = (db.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM epoch_counts').get() as { n: number }).n;
        return { reports, values };
      } finally {
        db.close();
      }
    },
  };
  try {
    if (SETUPS.has('sqlite')) results.push(...(await measure(sqlite, seconds)));
  } catch (error) {
    results.push(failed('server ingest (SQLite)', 'reports/s', error));
  }
  const postgres = [1, 2].filter((processes) => SETUPS.has(`pg${processes}`));
  if (postgres.length === 0) return results;
  let cluster: PostgresCluster | null = null;
  try {
    cluster = await startPostgres();
    for (const processes of postgres) {
      const url = await cluster.createDatabase(`ingest_${processes}`);
      const label = `PostgreSQL, ${processes} process${processes > 1 ? 'es' : ''}`;
      try {
        results.push(...(await measure({ label, processes, env: { TACIT_DATABASE_URL: url }, stored: () => postgresStored(url) }, seconds)));
      } catch (error) {
        results.push(failed(`server ingest (${label})`, 'reports/s', error));
      }
    }
  } catch (error) {
    results.push(failed('server ingest (PostgreSQL)', 'reports/s', error));
  } finally {
    cluster?.stop();
  }
  return results;
}
