import type { EpochKey } from './store.ts';

/** A batch's counted reports summed per epoch: how many reports, and [value, slots carrying it] in value order. */
export interface EpochSum extends EpochKey {
  reports: number;
  counts: [value: number, count: number][];
}

export function sumReports(reports: readonly (EpochKey & { segments: readonly number[] })[]): EpochSum[];
