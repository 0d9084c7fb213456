/**
 * The Store on SQLite (better-sqlite3): one file, one process.
 *
 * Report batches and sweeps are written on a writer thread (writer.ts) when the database is a file,
 * so that the fsync of each commit does not stall the HTTP thread; reads and releases run on
 * `database`, a connection on the HTTP thread (they are small and rare). An in-memory database
 * (tests) has only one connection and does everything on this thread.
 */
import { prepareBatchCommit, prepareSweep } from './batch.js';
import { openDatabase, RELEASED_EPOCH_ERROR, type MigrationContext, type SqliteDatabase, type Transaction } from './database.ts';
import { SqliteWriter } from './writer.ts';
import {
  EpochReleasedError,
  shuffledOrder,
  withinBatch,
  type CountedReport,
  type EpochCounts,
  type EpochKey,
  type ExperimentCountRow,
  type ExperimentKey,
  type ReleaseSeries,
  type ReportOutcome,
  type Store,
} from '../store.ts';

export interface SqliteStoreOptions extends Partial<MigrationContext> {
  /** commit on a writer thread (default true; an in-memory database always commits on this thread) */
  writerThread?: boolean;
  /** how long after the last write the writer thread empties the WAL (default writer.ts CHECKPOINT_DELAY_MS) */
  checkpointDelayMs?: number;
}

/** The epoch length assumed for rows written before counters were keyed by it, when the caller does not say. */
const DEFAULT_EPOCH_SECONDS = 604_800;

/** Opens (creating and migrating) the SQLite database at `path` (':memory:' for tests) as a Store. */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const database = openDatabase(path, { epochSeconds: options.epochSeconds ?? DEFAULT_EPOCH_SECONDS });
  try {
    const writer = !database.memory && options.writerThread !== false ? await SqliteWriter.start(database.name, options.checkpointDelayMs) : null;
    return new SqliteStore(database, writer);
  } catch (error) {
    database.close();
    throw error;
  }
}

type Compute = (counts: EpochCounts | null) => string;

/** Every statement the store runs on its own connection, prepared once. */
function prepareStatements(db: SqliteDatabase) {
  return {
    commit: prepareBatchCommit(db),
    sweep: prepareSweep(db),
    selectReports: db.prepare<[number, number, number], { reports: number }>(
      'SELECT reports FROM epoch_reports WHERE taxonomy = ? AND epoch_seconds = ? AND epoch = ?',
    ),
    selectExperiment: db.prepare<[string, number, number, number], ExperimentCountRow>(
      `SELECT epoch, arm, outcome, value, count FROM experiment_counts
       WHERE experiment = ? AND epoch_seconds = ? AND epoch BETWEEN ? AND ? ORDER BY epoch, arm, outcome, value`,
    ),
    selectCounts: db.prepare<[number, number, number], { value: number; count: number }>(
      'SELECT value, count FROM epoch_counts WHERE taxonomy = ? AND epoch_seconds = ? AND epoch = ?',
    ),
    selectFirst: db.prepare<[number, number, number, number], { epoch: number | null }>(
      `SELECT MIN(epoch) AS epoch FROM (
         SELECT MIN(epoch) AS epoch FROM epoch_reports WHERE taxonomy = ? AND epoch_seconds = ?
         UNION ALL SELECT MIN(epoch) FROM releases WHERE taxonomy = ? AND epoch_seconds = ?)`,
    ),
    selectRelease: db.prepare<[number, number, number], { release: string }>(
      'SELECT release FROM releases WHERE taxonomy = ? AND epoch_seconds = ? AND epoch = ?',
    ),
    selectReleases: db.prepare<[number, number, number], { release: string }>(
      'SELECT release FROM releases WHERE taxonomy = ? AND epoch_seconds = ? ORDER BY epoch DESC LIMIT ?',
    ),
    insertRelease: db.prepare<[number, number, number, string]>('INSERT INTO releases (taxonomy, epoch_seconds, epoch, release) VALUES (?, ?, ?, ?)'),
    forgetNonces: db.prepare<[number, number]>('DELETE FROM report_nonces WHERE epoch_seconds = ? AND epoch = ?'),
    forgetTokens: db.prepare<[number, number]>('DELETE FROM spent_tokens WHERE epoch_seconds = ? AND epoch = ?'),
  };
}

export class SqliteStore implements Store {
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly releaseTransaction: Transaction<(key: EpochKey, compute: Compute) => string>;

  constructor(
    /** the connection on this thread (tests and diagnostics read it directly) */
    readonly database: SqliteDatabase,
    private readonly writer: SqliteWriter | null,
  ) {
    const sql = prepareStatements(database);
    this.sql = sql;
    this.releaseTransaction = database.transaction((key: EpochKey, compute: Compute) => {
      const stored = sql.selectRelease.get(key.taxonomy, key.epochSeconds, key.epoch);
      if (stored) return stored.release;
      const json = compute(this.readCounts(key));
      sql.insertRelease.run(key.taxonomy, key.epochSeconds, key.epoch, json);
      sql.forgetNonces.run(key.epochSeconds, key.epoch);
      sql.forgetTokens.run(key.epochSeconds, key.epoch);
      return json;
    });
  }

  async addReports(reports: readonly CountedReport[]): Promise<ReportOutcome[]> {
    const outcomes = withinBatch(reports);
    // The database sees the remaining reports in a random order: nothing written keeps the arrival order.
    const order = shuffledOrder(reports.length).filter((index) => outcomes[index] === null);
    if (order.length === 0) return outcomes as ReportOutcome[];
    const candidates = order.map((index) => reports[index]);
    let written: ReportOutcome[];
    try {
      written = this.writer ? await this.writer.commit(candidates) : this.sql.commit(candidates);
    } catch (error) {
      if (error instanceof Error && error.message.includes(RELEASED_EPOCH_ERROR)) throw new EpochReleasedError('an epoch of this batch');
      throw error;
    }
    order.forEach((index, position) => (outcomes[index] = written[position]));
    return outcomes as ReportOutcome[];
  }

  async epochCounts(key: EpochKey): Promise<EpochCounts | null> {
    return this.readCounts(key);
  }

  async experimentCounts({ experiment, epochSeconds }: ExperimentKey, fromEpoch: number, toEpoch: number): Promise<ExperimentCountRow[]> {
    return this.sql.selectExperiment.all(experiment, epochSeconds, fromEpoch, toEpoch);
  }

  private readCounts({ taxonomy, epochSeconds, epoch }: EpochKey): EpochCounts | null {
    const row = this.sql.selectReports.get(taxonomy, epochSeconds, epoch);
    if (!row) return null;
    const counts = new Map<number, number>();
    for (const { value, count } of this.sql.selectCounts.all(taxonomy, epochSeconds, epoch)) counts.set(value, count);
    return { reports: row.reports, counts };
  }

  async firstEpoch({ taxonomy, epochSeconds }: ReleaseSeries): Promise<number | null> {
    return this.sql.selectFirst.get(taxonomy, epochSeconds, taxonomy, epochSeconds)?.epoch ?? null;
  }

  async release({ taxonomy, epochSeconds, epoch }: EpochKey): Promise<string | null> {
    return this.sql.selectRelease.get(taxonomy, epochSeconds, epoch)?.release ?? null;
  }

  async releases({ taxonomy, epochSeconds }: ReleaseSeries, limit: number): Promise<string[]> {
    return this.sql.selectReleases.all(taxonomy, epochSeconds, limit).map((row) => row.release);
  }

  async releaseOnce(key: EpochKey, compute: Compute): Promise<string> {
    // IMMEDIATE: the write lock is taken first, so no batch can commit between reading the counters
    // and storing the release (SQLite has one writer at a time; the writer thread waits).
    const json = this.releaseTransaction.immediate(key, compute);
    await this.writer?.checkpointSoon(); // this connection wrote: let the writer empty the WAL
    return json;
  }

  async sweep(nowSeconds: number): Promise<void> {
    if (this.writer) await this.writer.sweep(nowSeconds);
    else this.sql.sweep(nowSeconds);
  }

  async check(): Promise<void> {
    this.database.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.writer?.close(); // after the requests already sent
    if (this.database.open) this.database.close();
  }
}
