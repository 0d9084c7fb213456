// Top-N metrics of one method over a fold, with 95% bootstrap intervals, and catalogue coverage.
//
// For each evaluated user the method returns its top-N list (N = 10); the target's 1-based position p in
// it (or none) gives HR@10 = [p ≤ 10], NDCG@10 = 1/log2(p + 1) (one relevant item, so the ideal DCG is 1)
// and MRR@10 = 1/p. Intervals are percentile bootstrap intervals over users (B = 1000 resamples, fixed
// seed); `versus` gives a paired bootstrap interval of a difference in HR@10 between two methods run on
// the same users. Coverage is the share of the catalogue that appears in at least one user's list.

import { mulberry32 } from '../../core/random.ts';

export const AT = 10;
const RESAMPLES = 1000;
const SEED = 20261201;

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export interface MethodScore {
  users: number;
  hr: Interval;
  ndcg: Interval;
  mrr: Interval;
  /** Share of catalogue items recommended to at least one user. */
  coverage: number;
}

/** Per-user outcomes of one method, kept for paired comparisons. */
export interface Outcomes {
  hit: Float64Array;
  ndcg: Float64Array;
  rr: Float64Array;
  recommended: Uint8Array;
}

export function outcomes(lists: readonly ArrayLike<number>[], targets: readonly number[], itemCount: number): Outcomes {
  const n = lists.length;
  const out: Outcomes = { hit: new Float64Array(n), ndcg: new Float64Array(n), rr: new Float64Array(n), recommended: new Uint8Array(itemCount) };
  for (let u = 0; u < n; u++) {
    const list = lists[u];
    const top = Math.min(AT, list.length);
    for (let p = 0; p < top; p++) {
      out.recommended[list[p]] = 1;
      if (list[p] === targets[u]) {
        out.hit[u] = 1;
        out.ndcg[u] = 1 / Math.log2(p + 2);
        out.rr[u] = 1 / (p + 1);
      }
    }
  }
  return out;
}

function mean(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length ? s / values.length : 0;
}

/** Percentile bootstrap of the means of several per-user series, resampling the same users for all. */
function bootstrap(series: Float64Array[]): Interval[] {
  const n = series[0].length;
  const random = mulberry32(SEED);
  const means = series.map(() => new Float64Array(RESAMPLES));
  for (let b = 0; b < RESAMPLES; b++) {
    const sums = new Float64Array(series.length);
    for (let k = 0; k < n; k++) {
      const u = Math.floor(random() * n);
      for (let s = 0; s < series.length; s++) sums[s] += series[s][u];
    }
    for (let s = 0; s < series.length; s++) means[s][b] = n ? sums[s] / n : 0;
  }
  return series.map((values, s) => {
    const sorted = means[s].sort();
    return { value: mean(values), low: sorted[Math.floor(0.025 * RESAMPLES)], high: sorted[Math.ceil(0.975 * RESAMPLES) - 1] };
  });
}

export function score(o: Outcomes): MethodScore {
  const [hr, ndcg, mrr] = bootstrap([o.hit, o.ndcg, o.rr]);
  let covered = 0;
  for (const r of o.recommended) covered += r;
  return { users: o.hit.length, hr, ndcg, mrr, coverage: covered / o.recommended.length };
}

/** HR@10 of `a` minus that of `b` on the same users, with a paired bootstrap interval. */
export function versus(a: Outcomes, b: Outcomes): Interval {
  const diff = new Float64Array(a.hit.length);
  for (let u = 0; u < diff.length; u++) diff[u] = a.hit[u] - b.hit[u];
  return bootstrap([diff])[0];
}
