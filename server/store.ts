/**
 * The aggregation store: per-epoch counters and the stored releases.
 * All statements are prepared once. Reports are added in batches (see
 * group-commit.ts): a batch is summed in memory and written as one
 * transaction, so its reports are counted all together or not at all.
 */
import type { SqliteDatabase } from './db.ts';
import type { WriteOp } from './sqlite-writer.ts';

export interface EpochCounts {
  /** accepted reports */
  reports: number;
  /** slot value → how many slots carried it (values never seen are absent) */
  counts: Map<number, number>;
}

export interface EpochSummary {
  taxonomy: number;
  epoch: number;
  released: boolean;
}

/** One accepted report as the counters see it. */
export interface CountedReport {
  taxonomy: number;
  epoch: number;
  /** the report's slot values */
  segments: readonly number[];
}

export interface Store {
  /** Adds every report of the batch to the counters in one transaction: all of them or (on a throw) none. */
  addReports(reports: readonly CountedReport[]): void;
  /** Counters of one epoch, or null when it received no report. */
  epochCounts(taxonomy: number, epoch: number): EpochCounts | null;
  /** Epochs with at least one report, newest first, up to `beforeEpoch` (exclusive). */
  epochsBefore(beforeEpoch: number): EpochSummary[];
  /** The stored release JSON, or null. */
  release(taxonomy: number, epoch: number): string | null;
  /**
   * Stores a release unless one exists and returns the stored one, so that
   * concurrent first requests all end up serving the same numbers.
   */
  saveReleaseOnce(taxonomy: number, epoch: number, releaseJson: string): string;
}

/**
 * The statements that count reports, by index in `reportWriteOps`. Adding a batch's sums (instead of
 * +1 per report) keeps a commit to one row update per (taxonomy, epoch) and per distinct value.
 */
export const COUNT_STATEMENTS: readonly string[] = [
  `INSERT INTO epoch_counts (taxonomy, epoch, value, count) VALUES (?, ?, ?, ?)
   ON CONFLICT (taxonomy, epoch, value) DO UPDATE SET count = count + excluded.count`,
  `INSERT INTO epoch_reports (taxonomy, epoch, reports) VALUES (?, ?, ?)
   ON CONFLICT (taxonomy, epoch) DO UPDATE SET reports = reports + excluded.reports`,
];
const ADD_TO_COUNT = 0;
const ADD_TO_REPORTS = 1;

interface EpochSum {
  taxonomy: number;
  epoch: number;
  reports: number;
  counts: Map<number, number>;
}

/** The COUNT_STATEMENTS executions that add a batch of reports to the counters (run them in one transaction). */
export function reportWriteOps(reports: readonly CountedReport[]): WriteOp[] {
  const ops: WriteOp[] = [];
  for (const sum of sumReports(reports)) {
    for (const [value, count] of sum.counts) ops.push([ADD_TO_COUNT, [sum.taxonomy, sum.epoch, value, count]]);
    ops.push([ADD_TO_REPORTS, [sum.taxonomy, sum.epoch, sum.reports]]);
  }
  return ops;
}

/** Sums a batch per (taxonomy, epoch): report count and value → slot count. */
function sumReports(reports: readonly CountedReport[]): Iterable<EpochSum> {
  const sums = new Map<string, EpochSum>();
  for (const report of reports) {
    const key = `${report.taxonomy}:${report.epoch}`;
    let sum = sums.get(key);
    if (sum === undefined) {
      sum = { taxonomy: report.taxonomy, epoch: report.epoch, reports: 0, counts: new Map() };
      sums.set(key, sum);
    }
    sum.reports += 1;
    for (const value of report.segments) sum.counts.set(value, (sum.counts.get(value) ?? 0) + 1);
  }
  return sums.values();
}

export function createStore(db: SqliteDatabase): Store {
  const countStatements = COUNT_STATEMENTS.map((sql) => db.prepare<(number | string)[]>(sql));
  const selectReports = db.prepare<[number, number], { reports: number }>(
    'SELECT reports FROM epoch_reports WHERE taxonomy = ? AND epoch = ?',
  );
  const selectCounts = db.prepare<[number, number], { value: number; count: number }>(
    'SELECT value, count FROM epoch_counts WHERE taxonomy = ? AND epoch = ?',
  );
  const selectEpochs = db.prepare<[number], { taxonomy: number; epoch: number; released: number }>(
    `SELECT r.taxonomy, r.epoch, (rel.epoch IS NOT NULL) AS released
       FROM epoch_reports r
       LEFT JOIN releases rel ON rel.taxonomy = r.taxonomy AND rel.epoch = r.epoch
      WHERE r.epoch < ?
      ORDER BY r.epoch DESC, r.taxonomy DESC`,
  );
  const selectRelease = db.prepare<[number, number], { release: string }>(
    'SELECT release FROM releases WHERE taxonomy = ? AND epoch = ?',
  );
  const insertRelease = db.prepare<[number, number, string]>(
    'INSERT INTO releases (taxonomy, epoch, release) VALUES (?, ?, ?) ON CONFLICT (taxonomy, epoch) DO NOTHING',
  );

  const runOps = db.transaction((ops: readonly WriteOp[]) => {
    for (const [statement, params] of ops) countStatements[statement].run(...params);
  });

  return {
    addReports(reports) {
      if (reports.length > 0) runOps(reportWriteOps(reports));
    },
    epochCounts(taxonomy, epoch) {
      const row = selectReports.get(taxonomy, epoch);
      if (!row) return null;
      const counts = new Map<number, number>();
      for (const { value, count } of selectCounts.all(taxonomy, epoch)) counts.set(value, count);
      return { reports: row.reports, counts };
    },
    epochsBefore(beforeEpoch) {
      return selectEpochs.all(beforeEpoch).map((row) => ({ taxonomy: row.taxonomy, epoch: row.epoch, released: row.released === 1 }));
    },
    release(taxonomy, epoch) {
      return selectRelease.get(taxonomy, epoch)?.release ?? null;
    },
    saveReleaseOnce(taxonomy, epoch, releaseJson) {
      insertRelease.run(taxonomy, epoch, releaseJson);
      return selectRelease.get(taxonomy, epoch)!.release;
    },
  };
}
