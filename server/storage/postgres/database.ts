/**
 * Connecting to PostgreSQL (node-postgres) and bringing its schema up to date.
 *
 * Any number of server processes share one database, so the counters are sharded: each batch adds
 * its sums to one of SHARDS rows per key, picked at random, so that concurrent transactions of
 * different processes rarely wait on the same row lock; reads sum the shards. (The IETF DAP
 * reference implementation, Janus, shards its Postgres counters the same way.)
 *
 * What is stored is counters only, as in SQLite: no raw reports, no addresses, no user agents, no
 * per-report timestamps. Durability is PostgreSQL's: a transaction is acknowledged by the server
 * only once its WAL record is flushed (synchronous_commit = on, the default — keep it so).
 */
import pg from 'pg';

/** Rows per counter key (reads sum them). */
export const SHARDS = 16;

/**
 * The advisory lock key of one epoch's counters, as an SQL expression over two bigint expressions:
 * batches take it shared, the release takes it exclusive. A collision of two keys' hashes only
 * makes them wait on each other; it cannot break the protocol.
 */
export function epochLockKey(taxonomy: string, epochSeconds: string, epoch: string): string {
  return `hashtextextended(format('tacit-epoch:%s:%s:%s', ${taxonomy}, ${epochSeconds}, ${epoch}), 0)`;
}

/** What a migration may need to know about the server that runs it. */
export interface MigrationContext {
  /** the configured epoch length: rows from before schema version 2 are assumed to be counted with it */
  epochSeconds: number;
}

/** Each entry upgrades the schema by one version; never edit a shipped entry, append a new one. */
const MIGRATIONS: readonly (string | ((context: MigrationContext) => string))[] = [
  // version 1
  `
  CREATE TABLE epoch_reports (
    taxonomy BIGINT   NOT NULL,
    epoch    BIGINT   NOT NULL,
    shard    SMALLINT NOT NULL,
    reports  BIGINT   NOT NULL,        -- how many reports were accepted (this shard's part)
    PRIMARY KEY (taxonomy, epoch, shard)
  );
  CREATE TABLE epoch_counts (
    taxonomy BIGINT   NOT NULL,
    epoch    BIGINT   NOT NULL,
    value    INTEGER  NOT NULL,        -- a randomized slot value: 0 (none) or a segment id
    shard    SMALLINT NOT NULL,
    count    BIGINT   NOT NULL,        -- how many slots carried it (this shard's part)
    PRIMARY KEY (taxonomy, epoch, value, shard)
  );
  CREATE TABLE releases (
    taxonomy BIGINT NOT NULL,
    epoch    BIGINT NOT NULL,
    release  TEXT   NOT NULL,          -- JSON of the noisy, suppressed release; computed once
    PRIMARY KEY (taxonomy, epoch)
  );
  `,
  // version 2: keyed by epoch length too (an epoch number means nothing without it: changing
  // TACIT_EPOCH_SECONDS must not release an open epoch); report nonces and spent tokens of the open
  // epochs. Existing rows were counted with the epoch length configured now.
  ({ epochSeconds }) => `
  ALTER TABLE epoch_reports ADD COLUMN epoch_seconds INTEGER NOT NULL DEFAULT ${Math.trunc(epochSeconds)};
  ALTER TABLE epoch_reports ALTER COLUMN epoch_seconds DROP DEFAULT;
  ALTER TABLE epoch_reports DROP CONSTRAINT epoch_reports_pkey, ADD PRIMARY KEY (taxonomy, epoch_seconds, epoch, shard);
  ALTER TABLE epoch_counts ADD COLUMN epoch_seconds INTEGER NOT NULL DEFAULT ${Math.trunc(epochSeconds)};
  ALTER TABLE epoch_counts ALTER COLUMN epoch_seconds DROP DEFAULT;
  ALTER TABLE epoch_counts DROP CONSTRAINT epoch_counts_pkey, ADD PRIMARY KEY (taxonomy, epoch_seconds, epoch, value, shard);
  ALTER TABLE releases ADD COLUMN epoch_seconds INTEGER NOT NULL DEFAULT ${Math.trunc(epochSeconds)};
  ALTER TABLE releases ALTER COLUMN epoch_seconds DROP DEFAULT;
  ALTER TABLE releases DROP CONSTRAINT releases_pkey, ADD PRIMARY KEY (taxonomy, epoch_seconds, epoch);
  CREATE TABLE report_nonces (
    epoch_seconds INTEGER NOT NULL,
    epoch         BIGINT  NOT NULL,
    nonce         TEXT    NOT NULL,    -- a report's random nonce (protocol/report.ts)
    PRIMARY KEY (epoch_seconds, epoch, nonce)
  );
  CREATE TABLE spent_tokens (
    epoch_seconds INTEGER NOT NULL,
    epoch         BIGINT  NOT NULL,
    token         TEXT    NOT NULL,    -- the nonce of a Privacy Pass token spent on a report
    PRIMARY KEY (epoch_seconds, epoch, token)
  );
  `,
  // version 3: the counters of an experiment (core/experiments.ts), sharded like the others: per
  // epoch, how many reports of an arm carried an outcome with a (randomized) value.
  `
  CREATE TABLE experiment_counts (
    experiment    TEXT     NOT NULL,   -- the experiment id
    epoch_seconds INTEGER  NOT NULL,
    epoch         BIGINT   NOT NULL,
    arm           SMALLINT NOT NULL,   -- index into the experiment's arms
    outcome       SMALLINT NOT NULL,   -- index into its outcomes
    value         SMALLINT NOT NULL,   -- the randomized value reported
    shard         SMALLINT NOT NULL,
    count         BIGINT   NOT NULL,   -- this shard's part
    PRIMARY KEY (experiment, epoch_seconds, epoch, arm, outcome, value, shard)
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export interface PostgresOptions {
  /** connections per process (default 4: one group commit at a time, plus releases and reads) */
  maxConnections?: number;
  /** a query that takes longer fails (and its batch is answered 503) (default 30 s) */
  queryTimeoutMs?: number;
}

/** Connects to `url` and applies pending migrations (one process at a time, under an advisory lock). */
export async function openPool(url: string, context: MigrationContext, options: PostgresOptions = {}): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: 10_000,
    query_timeout: options.queryTimeoutMs ?? 30_000,
    application_name: 'tacit-server',
  });
  // An idle connection that breaks (database restart) must not crash the process; the next query reconnects.
  pool.on('error', (error) => console.error(`tacit server: PostgreSQL connection lost: ${error.message}`));
  try {
    await migrate(pool, context);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}

async function migrate(pool: pg.Pool, context: MigrationContext): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two processes starting together: the second waits here, then finds the schema current.
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('tacit-migrate', 0))`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(`database schema version ${current} is newer than this server understands (${SCHEMA_VERSION}); upgrade the server`);
    }
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      const migration = MIGRATIONS[version - 1];
      await client.query(typeof migration === 'string' ? migration : migration(context));
    }
    await client.query('DELETE FROM schema_version');
    await client.query('INSERT INTO schema_version (version) VALUES ($1)', [SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The URL without its password, for log lines. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres://${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgres (URL not shown)';
  }
}
