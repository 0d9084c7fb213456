import type { CountedExperiment, EpochKey } from './store.ts';

/**
 * A batch's counted reports summed per epoch: how many reports, [value, slots carrying it] in value
 * order, and the experiment parts per (experiment, arm, outcome, value), in that order.
 */
export interface EpochSum extends EpochKey {
  reports: number;
  counts: [value: number, count: number][];
  experiments: (CountedExperiment & { count: number })[];
}

export function sumReports(reports: readonly (EpochKey & { segments: readonly number[]; experiment?: CountedExperiment | null })[]): EpochSum[];
