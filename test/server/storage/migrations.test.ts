// Migrations: a database written by an earlier server version opens with its counters and releases
// intact, keyed by the epoch length the upgraded server is configured with (SQLite v1 → v4,
// PostgreSQL v1 → v3), and gets the experiment counters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../server/storage/postgres/postgres-store.ts';
import { SCHEMA_VERSION as PG_SCHEMA_VERSION } from '../../../server/storage/postgres/database.ts';
import { SCHEMA_VERSION as SQLITE_SCHEMA_VERSION } from '../../../server/storage/sqlite/database.ts';
import { openSqliteStore } from '../../../server/storage/sqlite/sqlite-store.ts';
import { EpochReleasedError, type Store } from '../../../server/storage/store.ts';
import { startPostgres, type PostgresCluster } from '../postgres-cluster.ts';

let dir: string;
let cluster: PostgresCluster;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-migrate-'));
  cluster = await startPostgres();
}, 60_000);
afterAll(() => {
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The schema version 1 both stores shipped first (copied here: shipped migrations never change). */
const V1_TABLES = `
  CREATE TABLE epoch_reports (taxonomy BIGINT NOT NULL, epoch BIGINT NOT NULL, SHARD_COLUMN reports BIGINT NOT NULL, PRIMARY KEY (taxonomy, epoch SHARD_KEY));
  CREATE TABLE epoch_counts (taxonomy BIGINT NOT NULL, epoch BIGINT NOT NULL, value INTEGER NOT NULL, SHARD_COLUMN count BIGINT NOT NULL, PRIMARY KEY (taxonomy, epoch, value SHARD_KEY));
  CREATE TABLE releases (taxonomy BIGINT NOT NULL, epoch BIGINT NOT NULL, release TEXT NOT NULL, PRIMARY KEY (taxonomy, epoch));
  CREATE TABLE schema_version (version INTEGER NOT NULL);
  INSERT INTO schema_version VALUES (1);`;

async function expectMigrated(store: Store): Promise<void> {
  const key = { taxonomy: 1, epochSeconds: 300, epoch: 5000 };
  expect((await store.epochCounts(key))?.reports).toBe(7);
  expect((await store.epochCounts(key))?.counts.get(4)).toBe(7);
  expect(await store.release({ ...key, epoch: 4990 })).toBe('{"old":true}');
  expect(await store.epochCounts({ ...key, epochSeconds: 604_800 })).toBeNull();
  await store.addReports([{ ...key, segments: [4, 0, 0], nonce: 'after-the-upgrade-0001', tokenId: null }]);
  expect((await store.epochCounts(key))?.reports).toBe(8);
  // The experiment counters of the latest schema (SQLite v4, PostgreSQL v3) are there too.
  await store.addReports([{ ...key, segments: [0, 0, 0], nonce: 'after-the-upgrade-0003', tokenId: null, experiment: { id: 'e', arm: 1, outcome: 0, value: 1 } }]);
  expect(await store.experimentCounts({ experiment: 'e', epochSeconds: 300 }, 5000, 5000)).toEqual([{ epoch: 5000, arm: 1, outcome: 0, value: 1, count: 1 }]);
  await expect(store.addReports([{ ...key, epoch: 4990, segments: [4, 0, 0], nonce: 'after-the-upgrade-0002', tokenId: null }])).rejects.toBeInstanceOf(
    EpochReleasedError,
  );
}

describe('migrations', () => {
  it('SQLite: a version 1 file keeps its counters and releases, under the configured epoch length', async () => {
    const path = join(dir, 'v1.sqlite');
    const old = new Database(path);
    old.exec(V1_TABLES.replace(/SHARD_COLUMN |, SHARD_KEY| SHARD_KEY/g, ''));
    old.exec(`INSERT INTO epoch_reports VALUES (1, 5000, 7); INSERT INTO epoch_counts VALUES (1, 5000, 4, 7), (1, 5000, 0, 14);
              INSERT INTO releases VALUES (1, 4990, '{"old":true}');`);
    old.close();
    const store = await openSqliteStore(path, { epochSeconds: 300 });
    try {
      expect(store.database.prepare('SELECT version FROM schema_version').get()).toEqual({ version: SQLITE_SCHEMA_VERSION });
      await expectMigrated(store);
    } finally {
      await store.close();
    }
  });

  it('PostgreSQL: a version 1 database keeps its counters and releases, under the configured epoch length', async () => {
    const url = await cluster.createDatabase('v1');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(V1_TABLES.replace(/SHARD_COLUMN /g, 'shard SMALLINT NOT NULL, ').replace(/ SHARD_KEY/g, ', shard'));
    await client.query(`INSERT INTO epoch_reports VALUES (1, 5000, 3, 5), (1, 5000, 9, 2); INSERT INTO epoch_counts VALUES (1, 5000, 4, 0, 7), (1, 5000, 0, 1, 14);
                        INSERT INTO releases VALUES (1, 4990, '{"old":true}');`);
    await client.end();
    const store = await openPostgresStore(url, { epochSeconds: 300 });
    try {
      await expectMigrated(store);
    } finally {
      await store.close();
    }
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    expect((await check.query('SELECT version FROM schema_version')).rows).toEqual([{ version: PG_SCHEMA_VERSION }]);
    await check.end();
  });
});
