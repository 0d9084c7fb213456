/**
 * The Store on SQLite (better-sqlite3): one file, one process.
 *
 * Reads and releases run on `database`, a connection on the HTTP thread (they are small and
 * rare). Report batches are written on a writer thread (writer.ts) when the database is a file,
 * so that the fsync of each commit does not stall the HTTP thread; an in-memory database (tests)
 * has only one connection and commits on this thread.
 */
import { openDatabase, RELEASED_EPOCH_ERROR, type SqliteDatabase, type Transaction } from './database.ts';
import { SqliteWriter, type WriteOp } from './writer.ts';
import { EpochReleasedError, sumReports, type CountedReport, type EpochCounts, type EpochKey, type EpochSummary, type Store } from '../store.ts';

export interface SqliteStoreOptions {
  /** commit on a writer thread (default true; an in-memory database always commits on this thread) */
  writerThread?: boolean;
}

/** The statements that count reports, by index in `reportWriteOps`. */
const COUNT_STATEMENTS: readonly string[] = [
  `INSERT INTO epoch_counts (taxonomy, epoch, value, count) VALUES (?, ?, ?, ?)
   ON CONFLICT (taxonomy, epoch, value) DO UPDATE SET count = count + excluded.count`,
  `INSERT INTO epoch_reports (taxonomy, epoch, reports) VALUES (?, ?, ?)
   ON CONFLICT (taxonomy, epoch) DO UPDATE SET reports = reports + excluded.reports`,
];
const ADD_TO_COUNT = 0;
const ADD_TO_REPORTS = 1;

/** The COUNT_STATEMENTS executions that add a batch of reports to the counters (run them in one transaction). */
function reportWriteOps(reports: readonly CountedReport[]): WriteOp[] {
  const ops: WriteOp[] = [];
  for (const sum of sumReports(reports)) {
    for (const [value, count] of sum.counts) ops.push([ADD_TO_COUNT, [sum.taxonomy, sum.epoch, value, count]]);
    ops.push([ADD_TO_REPORTS, [sum.taxonomy, sum.epoch, sum.reports]]);
  }
  return ops;
}

/** Opens (creating and migrating) the SQLite database at `path` (':memory:' for tests) as a Store. */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const database = openDatabase(path);
  try {
    const writer = !database.memory && options.writerThread !== false ? await SqliteWriter.start(database.name, COUNT_STATEMENTS) : null;
    return new SqliteStore(database, writer);
  } catch (error) {
    database.close();
    throw error;
  }
}

/** Every statement the store runs on its own connection, prepared once. */
function prepareStatements(db: SqliteDatabase) {
  const countStatements = COUNT_STATEMENTS.map((sql) => db.prepare<(number | string)[]>(sql));
  return {
    runOps: db.transaction((ops: readonly WriteOp[]) => {
      for (const [statement, params] of ops) countStatements[statement].run(...params);
    }),
    selectReports: db.prepare<[number, number], { reports: number }>('SELECT reports FROM epoch_reports WHERE taxonomy = ? AND epoch = ?'),
    selectCounts: db.prepare<[number, number], { value: number; count: number }>('SELECT value, count FROM epoch_counts WHERE taxonomy = ? AND epoch = ?'),
    selectEpochs: db.prepare<[number], { taxonomy: number; epoch: number; released: number }>(
      `SELECT r.taxonomy, r.epoch, (rel.epoch IS NOT NULL) AS released
         FROM epoch_reports r
         LEFT JOIN releases rel ON rel.taxonomy = r.taxonomy AND rel.epoch = r.epoch
        WHERE r.epoch < ?
        ORDER BY r.epoch DESC, r.taxonomy DESC`,
    ),
    selectRelease: db.prepare<[number, number], { release: string }>('SELECT release FROM releases WHERE taxonomy = ? AND epoch = ?'),
    insertRelease: db.prepare<[number, number, string]>('INSERT INTO releases (taxonomy, epoch, release) VALUES (?, ?, ?)'),
  };
}

export class SqliteStore implements Store {
  private readonly sql: ReturnType<typeof prepareStatements> & {
    releaseOnce: Transaction<(key: EpochKey, compute: (counts: EpochCounts | null) => string | null) => string | null>;
  };

  constructor(
    /** the connection on this thread (tests and diagnostics read it directly) */
    readonly database: SqliteDatabase,
    private readonly writer: SqliteWriter | null,
  ) {
    const sql = prepareStatements(database);
    this.sql = {
      ...sql,
      releaseOnce: database.transaction((key: EpochKey, compute: (counts: EpochCounts | null) => string | null) => {
        const stored = sql.selectRelease.get(key.taxonomy, key.epoch);
        if (stored) return stored.release;
        const json = compute(this.readCounts(key));
        if (json !== null) sql.insertRelease.run(key.taxonomy, key.epoch, json);
        return json;
      }),
    };
  }

  async addReports(reports: readonly CountedReport[]): Promise<void> {
    if (reports.length === 0) return;
    const ops = reportWriteOps(reports);
    try {
      if (this.writer) await this.writer.run(ops);
      else this.sql.runOps(ops);
    } catch (error) {
      if (error instanceof Error && error.message.includes(RELEASED_EPOCH_ERROR)) throw new EpochReleasedError('an epoch of this batch');
      throw error;
    }
  }

  async epochCounts(key: EpochKey): Promise<EpochCounts | null> {
    return this.readCounts(key);
  }

  private readCounts({ taxonomy, epoch }: EpochKey): EpochCounts | null {
    const row = this.sql.selectReports.get(taxonomy, epoch);
    if (!row) return null;
    const counts = new Map<number, number>();
    for (const { value, count } of this.sql.selectCounts.all(taxonomy, epoch)) counts.set(value, count);
    return { reports: row.reports, counts };
  }

  async epochsBefore(beforeEpoch: number): Promise<EpochSummary[]> {
    return this.sql.selectEpochs.all(beforeEpoch).map((row) => ({ taxonomy: row.taxonomy, epoch: row.epoch, released: row.released === 1 }));
  }

  async release({ taxonomy, epoch }: EpochKey): Promise<string | null> {
    return this.sql.selectRelease.get(taxonomy, epoch)?.release ?? null;
  }

  async releaseOnce(key: EpochKey, compute: (counts: EpochCounts | null) => string | null): Promise<string | null> {
    // IMMEDIATE: the write lock is taken first, so no batch can commit between reading the counters
    // and storing the release (SQLite has one writer at a time; the writer thread waits).
    return this.sql.releaseOnce.immediate(key, compute);
  }

  async check(): Promise<void> {
    this.database.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.writer?.close(); // after the runs already sent
    if (this.database.open) this.database.close();
  }
}
