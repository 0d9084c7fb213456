// Order statistics for benchmark timings. Every timing in the results is a median of repeated runs,
// reported with its spread (min/max), because these machines are noisy.

export interface Spread {
  value: number;
  min: number;
  max: number;
  runs: number;
}

/** Linear-interpolated quantile q ∈ [0, 1] of the values (not mutated). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median of the runs, with min and max. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spread: no runs');
  return { value: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length };
}

/** Rounds to `digits` significant digits (for readable JSON and tables). */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}
