/**
 * Throughput benchmark of POST /v1/reports (not a test: speed goals are measured, not asserted).
 *
 *   npx tsx test/server/load.ts [seconds=30] [connections=100]
 *
 * Starts the real server (`node --import tsx server/main.ts`) on a fresh file database, drives it
 * with autocannon from a second process over loopback, stops the server with SIGTERM and then
 * checks in the database that every acknowledged report was counted. The per-connection rate
 * limit is raised for the run (autocannon reuses a few connections; real devices send one report
 * per epoch each).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const seconds = Number(process.argv[2] ?? 30);
const connections = Number(process.argv[3] ?? 100);

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { average: number; p50: number; p90: number; p99: number; max: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14 and 15 of stat)
}

function startServer(dbPath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TACIT_DB: dbPath, TACIT_RATE_BURST: '100000', TACIT_RATE_PER_MINUTE: '6000000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

function runAutocannon(url: string, body: string): Promise<AutocannonResult> {
  const args = ['node_modules/autocannon/autocannon.js', '-j', '-n', '-c', String(connections), '-d', String(seconds)];
  args.push('-m', 'POST', '-H', 'content-type=text/plain', '-b', body, `${url}/v1/reports`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as AutocannonResult) : reject(new Error(`autocannon exited with ${code}`))));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'tacit-load-'));
const dbPath = join(dir, 'tacit.sqlite');
try {
  const { child, url } = await startServer(dbPath);
  const { currentEpoch } = (await (await fetch(`${url}/v1/params`)).json()) as { currentEpoch: number };
  const cpuBefore = cpuMs(child.pid!);
  const result = await runAutocannon(url, JSON.stringify({ taxonomy: 1, epoch: currentEpoch, segments: [3, 0, 7] }));
  const serverCpuMs = cpuMs(child.pid!) - cpuBefore;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;

  const db = new Database(dbPath, { readonly: true });
  const stored = db.prepare<[], { total: number | null }>('SELECT SUM(reports) AS total FROM epoch_reports').get()!.total ?? 0;
  db.close();
  const { latency } = result;
  console.log(
    JSON.stringify(
      {
        seconds,
        connections,
        reportsPerSecond: Math.round(result['2xx'] / seconds),
        acknowledged: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        latencyMs: { average: latency.average, p50: latency.p50, p90: latency.p90, p99: latency.p99, max: latency.max },
        // The machine is shared: CPU per report is the figure that does not depend on the neighbours' load.
        serverCpuMsPerReport: Number((serverCpuMs / result['2xx']).toFixed(4)),
        serverCpuShare: Number((serverCpuMs / (seconds * 1000)).toFixed(2)),
        storedReports: stored,
        // Requests in flight when autocannon stopped, or that it gave up on (timeouts), may be
        // committed without being counted by it: at most one per connection plus one per timeout.
        everyAcknowledgedStored: stored >= result['2xx'] && stored <= result['2xx'] + connections + result.timeouts,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
