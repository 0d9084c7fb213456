import type { SqliteDatabase } from './database.ts';
import type { CountedReport, ReportOutcome } from '../store.ts';

/** One transaction per call: the outcome of each report, in the order given. */
export function prepareBatchCommit(db: SqliteDatabase): (reports: readonly CountedReport[]) => ReportOutcome[];
/** Forgets nonces and spent tokens of the epochs closed at `nowSeconds`. */
export function prepareSweep(db: SqliteDatabase): (nowSeconds: number) => void;
