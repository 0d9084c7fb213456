/**
 * Opening the SQLite database and bringing its schema up to date.
 *
 * Durability: WAL journal with synchronous=FULL, so a transaction is on disk
 * (WAL fsynced) before better-sqlite3 returns, hence before the server answers
 * 2xx. A report the server acknowledged survives a crash or power loss.
 * (NORMAL would be faster but can lose the last transactions on power loss.)
 * Speed comes from group commit instead: one transaction, one fsync, for all
 * reports that arrive together (../../group-commit.ts, writer.ts).
 *
 * What is stored is counters only: no raw reports, no addresses, no user
 * agents, no per-report timestamps. See MIGRATIONS below. While an epoch takes
 * reports, its report nonces and spent token ids are kept (random strings, to
 * count a resent report once); they are deleted when the epoch closes.
 *
 * No single report can be read back from the files: batches only add sums to
 * counters; secure_delete overwrites deleted rows and freed pages with zeros;
 * and the writer thread checkpoints and empties the WAL shortly after each
 * burst of writes, so the WAL does not keep the sequence of counter states.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;
export type Transaction<F extends (...args: never[]) => unknown> = Database.Transaction<F>;

/** The message of the error SQLite raises when a batch writes to a released epoch. */
export const RELEASED_EPOCH_ERROR = 'tacit: an epoch of this batch is already released';

/** What a migration may need to know about the server that runs it. */
export interface MigrationContext {
  /** the configured epoch length: rows from before schema version 3 are assumed to be counted with it */
  epochSeconds: number;
}

/** Each entry upgrades the schema by one version; never edit a shipped entry, append a new one. */
const MIGRATIONS: readonly (string | ((context: MigrationContext) => string))[] = [
  // version 1
  `
  CREATE TABLE epoch_reports (
    taxonomy INTEGER NOT NULL,
    epoch    INTEGER NOT NULL,
    reports  INTEGER NOT NULL,          -- how many reports were accepted
    PRIMARY KEY (taxonomy, epoch)
  ) WITHOUT ROWID;
  CREATE TABLE epoch_counts (
    taxonomy INTEGER NOT NULL,
    epoch    INTEGER NOT NULL,
    value    INTEGER NOT NULL,          -- a randomized slot value: 0 (none) or a segment id
    count    INTEGER NOT NULL,          -- how many slots carried it
    PRIMARY KEY (taxonomy, epoch, value)
  ) WITHOUT ROWID;
  CREATE TABLE releases (
    taxonomy INTEGER NOT NULL,
    epoch    INTEGER NOT NULL,
    release  TEXT    NOT NULL,          -- JSON of the noisy, suppressed release; computed once
    PRIMARY KEY (taxonomy, epoch)
  ) WITHOUT ROWID;
  `,
  // version 2: a released epoch's counters are final. The report total is written last in each
  // batch's transaction, so refusing it rolls the whole batch back.
  `
  CREATE TRIGGER epoch_reports_final_insert BEFORE INSERT ON epoch_reports
    WHEN EXISTS (SELECT 1 FROM releases WHERE taxonomy = NEW.taxonomy AND epoch = NEW.epoch)
    BEGIN SELECT RAISE(ABORT, '${RELEASED_EPOCH_ERROR}'); END;
  CREATE TRIGGER epoch_reports_final_update BEFORE UPDATE ON epoch_reports
    WHEN EXISTS (SELECT 1 FROM releases WHERE taxonomy = NEW.taxonomy AND epoch = NEW.epoch)
    BEGIN SELECT RAISE(ABORT, '${RELEASED_EPOCH_ERROR}'); END;
  `,
  // version 3: counters and releases keyed by epoch length too (an epoch number means nothing without
  // it: changing TACIT_EPOCH_SECONDS must not release an open epoch); report nonces and spent tokens
  // of the open epochs. Existing rows were counted with the epoch length configured now.
  ({ epochSeconds }) => `
  CREATE TABLE epoch_reports_v3 (
    taxonomy      INTEGER NOT NULL,
    epoch_seconds INTEGER NOT NULL,
    epoch         INTEGER NOT NULL,
    reports       INTEGER NOT NULL,
    PRIMARY KEY (taxonomy, epoch_seconds, epoch)
  ) WITHOUT ROWID;
  INSERT INTO epoch_reports_v3 SELECT taxonomy, ${Math.trunc(epochSeconds)}, epoch, reports FROM epoch_reports;
  DROP TABLE epoch_reports;
  ALTER TABLE epoch_reports_v3 RENAME TO epoch_reports;
  CREATE TABLE epoch_counts_v3 (
    taxonomy      INTEGER NOT NULL,
    epoch_seconds INTEGER NOT NULL,
    epoch         INTEGER NOT NULL,
    value         INTEGER NOT NULL,
    count         INTEGER NOT NULL,
    PRIMARY KEY (taxonomy, epoch_seconds, epoch, value)
  ) WITHOUT ROWID;
  INSERT INTO epoch_counts_v3 SELECT taxonomy, ${Math.trunc(epochSeconds)}, epoch, value, count FROM epoch_counts;
  DROP TABLE epoch_counts;
  ALTER TABLE epoch_counts_v3 RENAME TO epoch_counts;
  CREATE TABLE releases_v3 (
    taxonomy      INTEGER NOT NULL,
    epoch_seconds INTEGER NOT NULL,
    epoch         INTEGER NOT NULL,
    release       TEXT    NOT NULL,
    PRIMARY KEY (taxonomy, epoch_seconds, epoch)
  ) WITHOUT ROWID;
  INSERT INTO releases_v3 SELECT taxonomy, ${Math.trunc(epochSeconds)}, epoch, release FROM releases;
  DROP TABLE releases;
  ALTER TABLE releases_v3 RENAME TO releases;
  CREATE TRIGGER epoch_reports_final_insert BEFORE INSERT ON epoch_reports
    WHEN EXISTS (SELECT 1 FROM releases WHERE taxonomy = NEW.taxonomy AND epoch_seconds = NEW.epoch_seconds AND epoch = NEW.epoch)
    BEGIN SELECT RAISE(ABORT, '${RELEASED_EPOCH_ERROR}'); END;
  CREATE TRIGGER epoch_reports_final_update BEFORE UPDATE ON epoch_reports
    WHEN EXISTS (SELECT 1 FROM releases WHERE taxonomy = NEW.taxonomy AND epoch_seconds = NEW.epoch_seconds AND epoch = NEW.epoch)
    BEGIN SELECT RAISE(ABORT, '${RELEASED_EPOCH_ERROR}'); END;
  CREATE TABLE report_nonces (
    epoch_seconds INTEGER NOT NULL,
    epoch         INTEGER NOT NULL,
    nonce         TEXT    NOT NULL,     -- a report's random nonce (protocol/report.ts)
    PRIMARY KEY (epoch_seconds, epoch, nonce)
  ) WITHOUT ROWID;
  CREATE TABLE spent_tokens (
    epoch_seconds INTEGER NOT NULL,
    epoch         INTEGER NOT NULL,
    token         TEXT    NOT NULL,     -- the nonce of a Privacy Pass token spent on a report
    PRIMARY KEY (epoch_seconds, epoch, token)
  ) WITHOUT ROWID;
  `,
  // version 4: the counters of an experiment (core/experiments.ts): per epoch, how many reports of an
  // arm carried an outcome with a (randomized) value. Written in the batch's transaction, before the
  // report total whose trigger refuses released epochs, so a refused batch counts none of them.
  `
  CREATE TABLE experiment_counts (
    experiment    TEXT    NOT NULL,     -- the experiment id
    epoch_seconds INTEGER NOT NULL,
    epoch         INTEGER NOT NULL,
    arm           INTEGER NOT NULL,     -- index into the experiment's arms
    outcome       INTEGER NOT NULL,     -- index into its outcomes
    value         INTEGER NOT NULL,     -- the randomized value reported
    count         INTEGER NOT NULL,
    PRIMARY KEY (experiment, epoch_seconds, epoch, arm, outcome, value)
  ) WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Opens (creating if needed) the database at `path` (':memory:' for tests),
 * sets WAL + synchronous=FULL + secure_delete and applies pending migrations.
 */
export function openDatabase(path: string, context: MigrationContext): SqliteDatabase {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 5000 });
  try {
    if (path !== ':memory:') {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`could not switch ${path} to WAL mode (got ${String(mode)})`);
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    migrate(db, context);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: SqliteDatabase, context: MigrationContext): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare<[], { version: number }>('SELECT version FROM schema_version').get();
  const current = row?.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(`database schema version ${current} is newer than this server understands (${SCHEMA_VERSION}); upgrade the server`);
  }
  const upgrade = db.transaction(() => {
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      const migration = MIGRATIONS[version - 1];
      db.exec(typeof migration === 'string' ? migration : migration(context));
    }
    db.exec('DELETE FROM schema_version');
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
  });
  if (current < SCHEMA_VERSION) upgrade();
}
