/**
 * The aggregation store: what the server keeps (per-epoch counters and the stored releases) behind
 * one asynchronous interface, so that the database is one implementation of it (storage/sqlite/,
 * and later others). The store owns the write path: `addReports` resolves only once the batch is
 * committed (durable), and rejects when nothing of it was written.
 *
 * Group commit (../group-commit.ts) sits above the store: it collects the reports that arrive
 * together and hands them to `addReports` as one batch, hence one transaction.
 */

/** Which counters: a taxonomy version and an epoch. */
export interface EpochKey {
  taxonomy: number;
  epoch: number;
}

/** One accepted report as the counters see it. */
export interface CountedReport extends EpochKey {
  /** the report's slot values */
  segments: readonly number[];
}

export interface EpochCounts {
  /** accepted reports */
  reports: number;
  /** slot value → how many slots carried it (values never seen are absent) */
  counts: Map<number, number>;
}

export interface EpochSummary extends EpochKey {
  released: boolean;
}

export interface Store {
  /**
   * Adds every report of the batch to the counters in one transaction: resolves once committed;
   * rejects having written none, with EpochReleasedError when an epoch of the batch is already
   * released (a release never changes after it was published).
   */
  addReports(reports: readonly CountedReport[]): Promise<void>;
  /** Counters of one epoch, or null when it received no report. */
  epochCounts(key: EpochKey): Promise<EpochCounts | null>;
  /** Epochs with at least one report, newest first, up to `beforeEpoch` (exclusive). */
  epochsBefore(beforeEpoch: number): Promise<EpochSummary[]>;
  /** The stored release JSON, or null. */
  release(key: EpochKey): Promise<string | null>;
  /**
   * The epoch's release, computed once under its unique key: returns the stored one if there is
   * one; otherwise, with every write to this epoch's counters shut out (in this process and in any
   * other on the same database), reads the counters, stores what `compute` makes of them and
   * returns it (null from `compute`: nothing is stored). Whoever asks, and however many processes
   * ask at once, everybody gets the same release.
   */
  releaseOnce(key: EpochKey, compute: (counts: EpochCounts | null) => string | null): Promise<string | null>;
  /** Resolves when the database answers (the health check). */
  check(): Promise<void>;
  /** Waits for writes in flight and closes the connection(s). */
  close(): Promise<void>;
}

/** addReports refused a batch: one of its epochs is already released. Nothing of the batch was written. */
export class EpochReleasedError extends Error {
  constructor(which: string) {
    super(`${which} is already released; its counters are final`);
    this.name = 'EpochReleasedError';
  }
}

/** A batch summed per epoch: how many reports, and value → how many slots carried it. */
export interface EpochSum extends EpochKey {
  reports: number;
  counts: Map<number, number>;
}

/**
 * Sums a batch per (taxonomy, epoch). Adding a batch's sums (instead of +1 per report) keeps a
 * commit to one row update per epoch and per distinct value, whatever the database.
 */
export function sumReports(reports: readonly CountedReport[]): EpochSum[] {
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
  return [...sums.values()];
}
