/**
 * The aggregation store: what the server keeps (per-epoch counters and the stored releases) behind
 * one asynchronous interface, so that the database is one implementation of it (storage/sqlite/,
 * and later others). The store owns the write path: `addReports` resolves only once the batch is
 * committed (durable), and rejects when nothing of it was written.
 *
 * Group commit (../group-commit.ts) sits above the store: it collects the reports that arrive
 * together and hands them to `addReports` as one batch, hence one transaction. A store writes a
 * batch's reports in a shuffled order and only sums to the counters, so nothing it writes keeps the
 * order in which reports arrived.
 */

/** Which counters: a taxonomy version, an epoch length and an epoch (epoch numbers mean nothing without their length). */
export interface EpochKey {
  taxonomy: number;
  epochSeconds: number;
  epoch: number;
}

/** The experiment part of a report as the store counts it (protocol/experiment.ts). */
export interface CountedExperiment {
  id: string;
  arm: number;
  outcome: number;
  value: number;
}

/** One accepted report as the store sees it. */
export interface CountedReport extends EpochKey {
  /** the report's slot values */
  segments: readonly number[];
  /** the report's experiment part, if it has one: counted per (experiment, epoch, arm, outcome, value) */
  experiment?: CountedExperiment | null;
  /** the report's random nonce: a report whose nonce the epoch already has is a resend, counted once */
  nonce: string;
  /** the id of the Privacy Pass token it spent (protocol/token.ts), or null */
  tokenId: string | null;
}

/**
 * What became of one report of a batch: counted; a resend of a report already counted (same nonce,
 * same epoch: not counted again); or refused because its token was already spent on another report.
 */
export type ReportOutcome = 'counted' | 'duplicate' | 'token_spent';

export interface EpochCounts {
  /** accepted reports */
  reports: number;
  /** slot value → how many slots carried it (values never seen are absent) */
  counts: Map<number, number>;
}

/** An experiment's counters under one epoch length. */
export interface ExperimentKey {
  experiment: string;
  epochSeconds: number;
}

/** One experiment counter: how many reports of an epoch's arm carried this outcome with this value. */
export interface ExperimentCountRow {
  epoch: number;
  arm: number;
  outcome: number;
  value: number;
  count: number;
}

/** The releases of one taxonomy under one epoch length. */
export type ReleaseSeries = Pick<EpochKey, 'taxonomy' | 'epochSeconds'>;

export interface Store {
  /**
   * Adds the batch to the counters in one transaction and answers one outcome per report (in the
   * batch's order): resolves once committed; rejects having written none, with EpochReleasedError
   * when an epoch of the batch is already released (a release never changes after it was published).
   * Nonces and spent tokens are kept until sweep() finds their epoch closed.
   */
  addReports(reports: readonly CountedReport[]): Promise<ReportOutcome[]>;
  /**
   * The experiment's counters of the epochs fromEpoch … toEpoch, one row per (epoch, arm, outcome,
   * value) that any report carried, ordered by those. Counted in the same transaction as the report's
   * segments, so a refused batch counts neither.
   */
  experimentCounts(key: ExperimentKey, fromEpoch: number, toEpoch: number): Promise<ExperimentCountRow[]>;
  /** Counters of one epoch, or null when it received no report. */
  epochCounts(key: EpochKey): Promise<EpochCounts | null>;
  /** The first epoch of the series that has counters or a release, or null for none. */
  firstEpoch(series: ReleaseSeries): Promise<number | null>;
  /** The stored release JSON, or null. */
  release(key: EpochKey): Promise<string | null>;
  /** The series' stored releases, newest epoch first, at most `limit`. */
  releases(series: ReleaseSeries, limit: number): Promise<string[]>;
  /**
   * The epoch's release, computed once under its unique key: returns the stored one if there is
   * one; otherwise, with every write to this epoch's counters shut out (in this process and in any
   * other on the same database), reads the counters, stores what `compute` makes of them and
   * returns it. Whoever asks, and however many processes ask at once, everybody gets the same
   * release. The epoch's nonces and spent tokens are forgotten with it.
   */
  releaseOnce(key: EpochKey, compute: (counts: EpochCounts | null) => string): Promise<string>;
  /** Forgets the nonces and spent tokens of every epoch closed at `nowSeconds` (Unix time). */
  sweep(nowSeconds: number): Promise<void>;
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

/**
 * Which reports of a batch are resends or reuse a token within the batch itself (the database then
 * only sees distinct nonces and tokens): the first occurrence stays a candidate.
 */
export function withinBatch(reports: readonly CountedReport[]): (ReportOutcome | null)[] {
  const nonces = new Set<string>();
  const tokens = new Set<string>();
  return reports.map((report) => {
    const nonceKey = `${report.epochSeconds}:${report.epoch}:${report.nonce}`;
    if (nonces.has(nonceKey)) return 'duplicate';
    const tokenKey = report.tokenId === null ? null : `${report.epochSeconds}:${report.epoch}:${report.tokenId}`;
    if (tokenKey !== null && tokens.has(tokenKey)) return 'token_spent';
    nonces.add(nonceKey);
    if (tokenKey !== null) tokens.add(tokenKey);
    return null;
  });
}

/** A random permutation of 0..n−1 (Fisher–Yates on crypto randomness): writes in no meaningful order. */
export function shuffledOrder(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const random = new Uint32Array(Math.max(1, n));
  // getRandomValues fills at most 65,536 bytes per call.
  for (let at = 0; at < random.length; at += 16_384) globalThis.crypto.getRandomValues(random.subarray(at, at + 16_384));
  for (let i = n - 1; i > 0; i--) {
    const j = random[i] % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
