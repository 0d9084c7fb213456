// Crash safety of group commit: the real server (child process) is SIGKILLed while a few hundred valid
// reports are in flight, then restarted on the same database: a SQLite file, and PostgreSQL (a
// throwaway cluster; the server process dies, the database does not).
//
// What must hold, precisely. Let
//   acked    = reports answered 2xx (before the kill, or read from the socket just after it),
//   unacked  = reports sent that never got an answer (they were in flight when the server died).
// Every acknowledged report was committed before its 2xx was written, so it is counted; a report
// cut off before its answer may or may not have been in the last commit. Each commit is one SQLite
// transaction, so a report is counted once or not at all. Hence, after the restart:
//   acked ≤ counted ≤ acked + unacked,   and unacked ≤ in flight at the kill.
// No report is answered 4xx/5xx and none fails before the kill. The counters of each value agree with
// the report count (a transaction is never half applied).
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { writeReportBody } from '../../protocol/report.ts';
import { readCounters, readPostgresCounters, startChildServer, type ChildServer, type CounterRows } from './child-server.ts';
import { startPostgres, type PostgresCluster } from './postgres-cluster.ts';

const CONCURRENCY = 300;
const REPORTS_PER_ROUND = 4000;
const KILL_AFTER_ACKS = 500;
const RATE_ENV = { TACIT_RATE_BURST: '100000', TACIT_RATE_PER_MINUTE: '6000000' }; // one client, many reports

let dir: string;
let cluster: PostgresCluster;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-crash-'));
  cluster = await startPostgres();
}, 60_000);
afterAll(() => {
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface CrashDatabase {
  /** environment that points the server at it */
  env: Record<string, string>;
  read(): Promise<CounterRows>;
  /** the database's own consistency check */
  check(): Promise<void>;
}

const DATABASES: [string, () => Promise<CrashDatabase>][] = [
  [
    'a SQLite file',
    async () => {
      const dbPath = join(dir, 'tacit.sqlite');
      return {
        env: { TACIT_DB: dbPath },
        read: async () => readCounters(dbPath),
        check: async () => {
          const check = new Database(dbPath, { readonly: true });
          expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
          check.close();
        },
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await cluster.createDatabase('crash');
      return { env: { TACIT_DATABASE_URL: url }, read: () => readPostgresCounters(url), check: async () => {} };
    },
  ],
];

function post(port: number, agent: Agent, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/reports', agent, headers: { 'content-type': 'text/plain' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Round {
  acked: number;
  unacked: number;
  refused: number;
  inFlightAtKill: number;
  failedBeforeKill: number;
}

/** Sends reports from CONCURRENCY parallel clients and SIGKILLs the server after KILL_AFTER_ACKS acks. */
async function loadAndKill(server: ChildServer, body: () => string): Promise<Round> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const round: Round = { acked: 0, unacked: 0, refused: 0, inFlightAtKill: -1, failedBeforeKill: 0 };
  let started = 0;
  let inFlight = 0;
  let killed = false;
  const client = async (): Promise<void> => {
    while (!killed && started < REPORTS_PER_ROUND) {
      started++;
      inFlight++;
      try {
        const status = await post(server.port, agent, body()); // a new report (nonce) each time
        if (status >= 200 && status < 300) round.acked++;
        else round.refused++;
      } catch {
        round.unacked++;
        if (!killed) round.failedBeforeKill++;
      } finally {
        inFlight--;
      }
      if (!killed && round.acked >= KILL_AFTER_ACKS) {
        killed = true;
        round.inFlightAtKill = inFlight;
        server.child.kill('SIGKILL'); // mid-load: the other clients' requests are in flight
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  agent.destroy();
  expect((await server.exited()).signal).toBe('SIGKILL');
  return round;
}

describe.each(DATABASES)('SIGKILL during a load of concurrent reports, on %s', (_name, makeDatabase) => {
  it('after a restart counts every acknowledged report exactly once, and no more than were in flight', async () => {
    const database = await makeDatabase();
    const env = { ...RATE_ENV, ...database.env };
    let server = await startChildServer(join(dir, 'unused.sqlite'), env);
    const { currentEpoch } = (await (await fetch(`${server.url}/v1/params`)).json()) as { currentEpoch: number };
    const body = () => writeReportBody({ taxonomy: 1, epoch: currentEpoch, segments: [5, 6, 0] });

    let acked = 0;
    let unacked = 0;
    for (let roundNumber = 1; roundNumber <= 2; roundNumber++) {
      const round = await loadAndKill(server, body);
      console.log(`crash round ${roundNumber}: ${JSON.stringify(round)}`);
      expect(round.refused).toBe(0);
      expect(round.failedBeforeKill).toBe(0);
      expect(round.inFlightAtKill).toBeGreaterThan(0); // the kill really happened mid-load
      expect(round.unacked).toBeLessThanOrEqual(round.inFlightAtKill);
      acked += round.acked;
      unacked += round.unacked;

      server = await startChildServer(join(dir, 'unused.sqlite'), env); // SQLite recovers its WAL on open
      const { reports, counts } = await database.read();
      const counted = reports.reduce((sum, row) => sum + row.reports, 0);
      console.log(`crash round ${roundNumber}: acked ${acked}, unacked ${unacked}, counted ${counted}`);
      expect(counted).toBeGreaterThanOrEqual(acked); // no acknowledged report lost
      expect(counted).toBeLessThanOrEqual(acked + unacked); // none counted twice, none invented
      expect(reports).toEqual([{ taxonomy: 1, epoch: currentEpoch, reports: counted }]);
      expect(counts.map(({ value, count }) => [value, count])).toEqual([[0, counted], [5, counted], [6, counted]]);
    }

    // The restarted server is healthy: the database passes its integrity check and counts new reports.
    await database.check();
    const before = (await database.read()).reports[0].reports;
    expect(await post(server.port, new Agent(), body())).toBe(202);
    expect((await database.read()).reports[0].reports).toBe(before + 1);
    server.child.kill('SIGTERM');
    expect((await server.exited()).code).toBe(0);
  }, 120_000);
});
