/**
 * The aggregation store: per-epoch counters and the stored releases.
 * All statements are prepared once; each report is one transaction.
 */
import type { SqliteDatabase } from './db.ts';

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

export interface Store {
  /** Adds one report's slot values to the counters, atomically. */
  addReport(taxonomy: number, epoch: number, values: readonly number[]): void;
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

export function createStore(db: SqliteDatabase): Store {
  const bumpReports = db.prepare<[number, number]>(
    `INSERT INTO epoch_reports (taxonomy, epoch, reports) VALUES (?, ?, 1)
     ON CONFLICT (taxonomy, epoch) DO UPDATE SET reports = reports + 1`,
  );
  const bumpCount = db.prepare<[number, number, number]>(
    `INSERT INTO epoch_counts (taxonomy, epoch, value, count) VALUES (?, ?, ?, 1)
     ON CONFLICT (taxonomy, epoch, value) DO UPDATE SET count = count + 1`,
  );
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

  const addReport = db.transaction((taxonomy: number, epoch: number, values: readonly number[]) => {
    bumpReports.run(taxonomy, epoch);
    for (const value of values) bumpCount.run(taxonomy, epoch, value);
  });

  return {
    addReport(taxonomy, epoch, values) {
      addReport(taxonomy, epoch, values);
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
