/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, `pg_ctl start` on a
 * free port (TCP on 127.0.0.1 only, socket in the same folder), trust authentication, removed again
 * by `stop()`. Uses Debian's postgresql (`.ci/run` installs it). As root, every server command runs
 * as the `postgres` user (PostgreSQL refuses to run as root). Starting takes about 2 s.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresCluster {
  port: number;
  /** a connection URL for database `name` */
  url(name?: string): string;
  /** creates an empty database and returns its URL */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

/** The newest installed PostgreSQL's bin folder (Debian layout), or a clear error. */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) if (existsSync(join(root, version, 'bin/initdb'))) return join(root, version, 'bin');
  throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); install it with: apt-get install -y postgresql');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBin();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'tacit-pg-'));
  chmodSync(dir, 0o777); // the postgres user writes here when we are root
  const data = join(dir, 'data');
  const run = (tool: string, args: string[]): void => {
    const [command, commandArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    execFileSync(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  };
  const port = await freePort();
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    // fsync stays on (the crash tests count on committed = durable); small shared memory for a test box.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100 -c shared_buffers=32MB`;
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`could not start a PostgreSQL cluster: ${(error as Error).message}\n${stderr}`);
  }
  const url = (name = 'postgres'): string => `postgres://postgres@127.0.0.1:${port}/${name}`;
  let stopped = false;
  return {
    port,
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
