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
 * agents, no per-report timestamps. See SCHEMA below.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;
export type Transaction<F extends (...args: never[]) => unknown> = Database.Transaction<F>;

/** The message of the error SQLite raises when a batch writes to a released epoch. */
export const RELEASED_EPOCH_ERROR = 'tacit: an epoch of this batch is already released';

/** Each entry upgrades the schema by one version; never edit a shipped entry, append a new one. */
const MIGRATIONS: readonly string[] = [
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
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Opens (creating if needed) the database at `path` (':memory:' for tests),
 * sets WAL + synchronous=FULL and applies pending migrations.
 */
export function openDatabase(path: string): SqliteDatabase {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 5000 });
  try {
    if (path !== ':memory:') {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`could not switch ${path} to WAL mode (got ${String(mode)})`);
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: SqliteDatabase): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare<[], { version: number }>('SELECT version FROM schema_version').get();
  const current = row?.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(`database schema version ${current} is newer than this server understands (${SCHEMA_VERSION}); upgrade the server`);
  }
  const upgrade = db.transaction(() => {
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) db.exec(MIGRATIONS[version - 1]);
    db.exec('DELETE FROM schema_version');
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
  });
  if (current < SCHEMA_VERSION) upgrade();
}
