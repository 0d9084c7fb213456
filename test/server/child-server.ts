/**
 * The real server as a child process (`node --import tsx server/main.ts`), for tests that need a
 * listening socket, a process that can die (SIGKILL), or the server's own memory figures.
 * Node runs the server in that one process, so the pid is the server's and SIGKILL really kills it
 * (the tsx CLI would be a wrapper process in between).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';

export interface ChildServer {
  child: ChildProcess;
  url: string;
  port: number;
  /** everything the server printed */
  output(): string;
  /** resident set size of the server process, in bytes (Linux /proc) */
  rssBytes(): number;
  /** resolves when the process has exited */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `server/main.ts`, or a test entry such as test/server/fixtures/clocked-server.ts. */
export function startChildServer(dbPath: string, env: Record<string, string> = {}, entry = 'server/main.ts'): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: process.cwd(),
    // Tokens off unless a test asks for them: these servers are fed reports directly.
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TACIT_DB: dbPath, TACIT_REQUIRE_TOKEN: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within 30 s:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        child,
        url: match[1],
        port: Number(new URL(match[1]).port),
        output: () => output,
        rssBytes: () => {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          const kilobytes = /VmRSS:\s+(\d+) kB/.exec(status);
          if (!kilobytes) throw new Error('no VmRSS in /proc status');
          return Number(kilobytes[1]) * 1024;
        },
        exited: () => exited,
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

export interface CounterRows {
  reports: { taxonomy: number; epoch: number; reports: number }[];
  counts: { taxonomy: number; epoch: number; value: number; count: number }[];
}

/** Every counter row of a database file, read through a separate read-only connection. */
export function readCounters(dbPath: string): CounterRows {
  const db = new Database(dbPath, { readonly: true });
  try {
    return {
      reports: db.prepare<[], CounterRows['reports'][number]>('SELECT taxonomy, epoch, reports FROM epoch_reports ORDER BY taxonomy, epoch_seconds, epoch').all(),
      counts: db.prepare<[], CounterRows['counts'][number]>(
        'SELECT taxonomy, epoch, value, count FROM epoch_counts ORDER BY taxonomy, epoch_seconds, epoch, value',
      ).all(),
    };
  } finally {
    db.close();
  }
}

/** The same rows from PostgreSQL, shards summed. */
export async function readPostgresCounters(url: string): Promise<CounterRows> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const reports = await client.query(
      'SELECT taxonomy::float8 AS taxonomy, epoch::float8 AS epoch, SUM(reports)::float8 AS reports FROM epoch_reports GROUP BY 1, 2 ORDER BY 1, 2',
    );
    const counts = await client.query(
      'SELECT taxonomy::float8 AS taxonomy, epoch::float8 AS epoch, value, SUM(count)::float8 AS count FROM epoch_counts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3',
    );
    return { reports: reports.rows as CounterRows['reports'], counts: counts.rows as CounterRows['counts'] };
  } finally {
    await client.end();
  }
}
