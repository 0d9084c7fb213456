// The server's side of an experiment's maths: per-arm metrics debiased from the randomized reports,
// the lift of each arm over the baseline with a 95% interval, the checks that say when to distrust
// them, and the power calculator. Pure; the server (server/experiment-results.ts), the benchmark and
// the tests call it.
//
// Per arm a and outcome j the server counts c_v: how many of the n reports of arm a that carried
// outcome j said value v (k-RR over d values with ε: keep p = e^ε/(e^ε + d − 1), each other value
// q = 1/(e^ε + d − 1)). Each report is an independent draw from λ_v = q + (p − q)·f_v, f being the
// true distribution of the outcome among the arm's devices, so the debiased share is
//   f̂_v = (c_v/n − q)/(p − q),
// and a metric linear in f, m = Σ w_v f_v (a rate: w = [0, 1]; revenue: bucket midpoints), is
//   m̂ = (Σ w_v c_v/n − q Σ w_v)/(p − q),   Var(m̂) = (Σ w_v² λ_v − (Σ w_v λ_v)²) / (n (p − q)²),
// with λ estimated by c/n. That variance is the multinomial variance of what was observed: it holds
// both the sampling of devices and the randomized response, whose noise it divides up by (p − q)².
//
// The lift of arm t over the baseline b is m_t/m_b − 1, with Fieller's 95% interval for a ratio of two
// independent normal estimates (it stays correct when m_b is small, where the delta method does not,
// and says "unbounded" when m_b cannot be told from 0); the difference m_t − m_b gets a normal interval.

import { krrProbabilities } from './randomized-response.ts';

/** z for a two-sided 95% interval, and for 80% power. */
export const Z95 = 1.959964;
export const Z80 = 0.841621;

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface MetricEstimate extends Interval {
  /** standard error of the estimate */
  se: number;
  /** reports it is computed from */
  reports: number;
}

/** A linear metric Σ w_v f_v of one arm's randomized counts (c_v for v = 0 … d − 1) at ε. */
export function linearMetric(counts: readonly number[], weights: readonly number[], epsilon: number): MetricEstimate {
  const d = counts.length;
  if (weights.length !== d) throw new RangeError(`expected ${d} weights, got ${weights.length}`);
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return { estimate: Number.NaN, low: Number.NaN, high: Number.NaN, se: Number.NaN, reports: 0 };
  const { p, q } = krrProbabilities(d, epsilon);
  let mean = 0;
  let square = 0;
  let weightSum = 0;
  for (let v = 0; v < d; v++) {
    const lambda = counts[v] / n;
    mean += weights[v] * lambda;
    square += weights[v] ** 2 * lambda;
    weightSum += weights[v];
  }
  const estimate = (mean - q * weightSum) / (p - q);
  const se = Math.sqrt(Math.max(0, square - mean ** 2) / n) / (p - q);
  return { estimate, low: estimate - Z95 * se, high: estimate + Z95 * se, se, reports: n };
}

export interface Lift {
  /** m_t/m_b − 1 with Fieller's interval; low/high null when unbounded (the baseline cannot be told from 0) */
  relative: { estimate: number; low: number | null; high: number | null };
  /** m_t − m_b */
  absolute: Interval;
}

/** The lift of `treatment` over `baseline` (independent estimates). */
export function lift(treatment: MetricEstimate, baseline: MetricEstimate): Lift {
  const mt = treatment.estimate;
  const mb = baseline.estimate;
  const vt = treatment.se ** 2;
  const vb = baseline.se ** 2;
  const difference = mt - mb;
  const seDifference = Math.sqrt(vt + vb);
  const absolute = { estimate: difference, low: difference - Z95 * seDifference, high: difference + Z95 * seDifference };
  // Fieller: the R with (m_t − R·m_b)² ≤ z²(v_t + R²·v_b), i.e. a·R² + b·R + c ≤ 0.
  const z2 = Z95 ** 2;
  const a = mb ** 2 - z2 * vb;
  const b = -2 * mt * mb;
  const c = mt ** 2 - z2 * vt;
  const discriminant = b ** 2 - 4 * a * c;
  let low: number | null = null;
  let high: number | null = null;
  if (a > 0 && discriminant >= 0) {
    const root = Math.sqrt(discriminant);
    low = (-b - root) / (2 * a) - 1;
    high = (-b + root) / (2 * a) - 1;
  }
  return { relative: { estimate: mt / mb - 1, low, high }, absolute };
}

/** Binary randomized response at ε: the report's variance for a true rate `rate`, per report, once debiased. */
export function rateVariancePerReport(rate: number, epsilon: number, domainSize = 2): number {
  const { p, q } = krrProbabilities(domainSize, epsilon);
  const lambda = q + (p - q) * rate;
  return (lambda * (1 - lambda)) / (p - q) ** 2;
}

export interface PowerInput {
  /** the baseline arm's rate of the outcome (0…1) */
  baseline: number;
  /** the relative lift to detect (0.1 = 10%) */
  lift: number;
  /** the experiment's ε per report; Infinity: no randomized response (a non-private test) */
  epsilon: number;
  /** how many outcomes the experiment reports (each report carries one) */
  outcomes: number;
  /** the shares of the baseline arm and the tested arm */
  shares: readonly [number, number];
  /** two-sided level 0.05 and power 0.8 unless said */
  zAlpha?: number;
  zPower?: number;
}

/**
 * Reporting devices (every arm together) needed to detect the lift: the difference of the two arms'
 * rates must be (z_α + z_power) standard errors, each arm's rate being debiased from the reports that
 * carried this outcome (a share 1/outcomes of its devices): n = (z_α + z_β)² · K · (v_b/π_b + v_t/π_t) / δ².
 */
export function devicesNeeded(input: PowerInput): number {
  const { baseline, lift: relative, epsilon, outcomes, shares } = input;
  const treated = baseline * (1 + relative);
  if (!(baseline > 0 && baseline < 1 && treated > 0 && treated < 1)) throw new RangeError('baseline and baseline × (1 + lift) must lie in (0, 1)');
  const variance = (rate: number) => (Number.isFinite(epsilon) ? rateVariancePerReport(rate, epsilon) : rate * (1 - rate));
  const z = (input.zAlpha ?? Z95) + (input.zPower ?? Z80);
  const perShare = variance(baseline) / shares[0] + variance(treated) / shares[1];
  return Math.ceil((z ** 2 * outcomes * perShare) / (treated - baseline) ** 2);
}

/** erfc(x) for x ≥ 0 (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function erfc(x: number): number {
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * Math.exp(-x * x);
}

/** P[χ²_k ≥ x] for k = 1, 2, 3 degrees of freedom (an experiment has at most 4 arms). */
export function chiSquareTail(x: number, k: 1 | 2 | 3): number {
  if (x <= 0) return 1;
  if (k === 2) return Math.exp(-x / 2);
  const tail1 = erfc(Math.sqrt(x / 2));
  return k === 1 ? tail1 : tail1 + Math.sqrt((2 * x) / Math.PI) * Math.exp(-x / 2);
}

/**
 * The sample-ratio check: do the arms' report counts fit the split the devices draw with? A p-value
 * under 0.001 means they do not (arms report at different rates: a bug, or an arm that changes how
 * often shoppers come back), and every rate compares different populations.
 */
export function sampleRatioPValue(reports: readonly number[], shares: readonly number[]): number {
  const total = reports.reduce((a, b) => a + b, 0);
  const used = shares.map((share, i) => ({ share, observed: reports[i] })).filter((x) => x.share > 0);
  if (total === 0 || used.length < 2) return 1;
  const statistic = used.reduce((sum, { share, observed }) => sum + (observed - total * share) ** 2 / (total * share), 0);
  return chiSquareTail(statistic, Math.min(3, used.length - 1) as 1 | 2 | 3);
}

/**
 * The weights of an outcome's metric over its values: a rate (the share with value 1), or revenue per
 * device from the buckets' midpoints (the open top bucket at its lower boundary, so that revenue is
 * rather under- than overstated).
 */
export function metricWeights(outcome: string, revenueBuckets: readonly number[]): number[] {
  if (outcome !== 'revenue') return [0, 1];
  const bounds = [0, ...revenueBuckets];
  const midpoints = bounds.slice(0, -1).map((low, i) => (low + bounds[i + 1]) / 2);
  return [0, ...midpoints, bounds[bounds.length - 1]];
}
