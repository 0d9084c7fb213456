/**
 * k-ary randomized response (k-RR), the local differential-privacy mechanism
 * behind the one report a device sends per epoch, and the server's unbiased
 * estimator for it.
 *
 * Mechanism over a domain of d values with budget ε: report the true value
 * with probability p = e^ε / (e^ε + d − 1), otherwise one of the d − 1 other
 * values uniformly (each with q = 1 / (e^ε + d − 1)). For any two inputs a, b
 * and any output y, P[y | a] / P[y | b] ≤ p / q = e^ε, which is ε-LDP.
 *
 * A report has `slots` values, each randomized independently with ε/slots, so
 * the whole report is ε-LDP by sequential composition.
 *
 * Pure TypeScript: no DOM, no Node APIs (used by the browser and the server).
 */
import type { RandomSource } from './random.ts';

/** The value a slot carries when the device has fewer segments than slots. */
export const NONE = 0;

export interface KrrProbabilities {
  /** probability of reporting the true value */
  p: number;
  /** probability of reporting each particular other value */
  q: number;
}

export interface ReportOptions {
  /** every value a slot may carry: 0 ("none") and the taxonomy's segment ids */
  domain: readonly number[];
  /** values per report */
  slots: number;
  /** budget for the whole report; each slot gets epsilon / slots */
  epsilon: number;
}

function checkEpsilon(epsilon: number, what = 'epsilon'): void {
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon <= 0) {
    throw new RangeError(`${what} must be a finite number > 0 (got ${String(epsilon)})`);
  }
}

function checkDomainSize(domainSize: number): void {
  if (!Number.isSafeInteger(domainSize) || domainSize < 2) {
    throw new RangeError(`domainSize must be an integer ≥ 2 (got ${String(domainSize)})`);
  }
}

/** Keep / switch probabilities of k-RR over `domainSize` values with budget ε. */
export function krrProbabilities(domainSize: number, epsilon: number): KrrProbabilities {
  checkDomainSize(domainSize);
  checkEpsilon(epsilon);
  const expEps = Math.exp(epsilon);
  const denominator = expEps + domainSize - 1;
  return { p: expEps / denominator, q: 1 / denominator };
}

/**
 * The report domain for a taxonomy: 0 ("none") followed by the segment ids in
 * ascending order. Segment ids must be distinct integers ≥ 1.
 */
export function reportDomain(segmentIds: readonly number[]): number[] {
  const seen = new Set<number>();
  for (const id of segmentIds) {
    if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`segment id must be an integer ≥ 1 (got ${String(id)})`);
    if (seen.has(id)) throw new RangeError(`duplicate segment id ${id}`);
    seen.add(id);
  }
  return [NONE, ...[...seen].sort((a, b) => a - b)];
}

/** One value through k-RR: kept with probability p, else a uniformly chosen other domain value. */
export function randomizeValue(value: number, domain: readonly number[], epsilon: number, random: RandomSource): number {
  const index = domain.indexOf(value);
  if (index < 0) throw new RangeError(`value ${String(value)} is not in the report domain`);
  const { p } = krrProbabilities(domain.length, epsilon);
  if (random() < p) return value;
  // Uniform over the d − 1 other values: draw an index among them and skip ours.
  let other = Math.floor(random() * (domain.length - 1));
  if (other >= index) other += 1;
  return domain[other];
}

/**
 * The device's report: its segment ids (strongest first), truncated to
 * `slots` and padded with 0, each slot randomized with ε/slots.
 */
export function randomizeReport(segmentIds: readonly number[], options: ReportOptions, random: RandomSource): number[] {
  const { domain, slots, epsilon } = options;
  if (!Number.isSafeInteger(slots) || slots < 1) throw new RangeError(`slots must be an integer ≥ 1 (got ${String(slots)})`);
  checkEpsilon(epsilon);
  if (!domain.includes(NONE)) throw new RangeError('the report domain must contain 0 ("none")');
  const seen = new Set<number>();
  for (const id of segmentIds) {
    if (id === NONE || !domain.includes(id)) throw new RangeError(`segment id ${String(id)} is not in the taxonomy`);
    if (seen.has(id)) throw new RangeError(`segment id ${id} appears twice`);
    seen.add(id);
  }
  const trueValues = segmentIds.slice(0, slots);
  while (trueValues.length < slots) trueValues.push(NONE);
  const epsilonSlot = epsilon / slots;
  return trueValues.map((value) => randomizeValue(value, domain, epsilonSlot, random));
}

/**
 * Unbiased estimates of how many slots truly carried each value, from the
 * observed (randomized) counts. With n slots in total, E[c_v] = t_v·p + (n − t_v)·q,
 * so t̂_v = (c_v − n·q) / (p − q). Estimates can be negative or exceed n for
 * rare values; that is the price of unbiasedness. Values absent from
 * `observed` are not estimated (pass them with count 0 to get their estimate).
 */
export function estimateCounts(
  observed: ReadonlyMap<number, number> | Readonly<Record<number, number>>,
  totalSlots: number,
  domainSize: number,
  epsilonSlot: number,
): Map<number, number> {
  if (!Number.isFinite(totalSlots) || totalSlots < 0) throw new RangeError(`totalSlots must be ≥ 0 (got ${String(totalSlots)})`);
  const { p, q } = krrProbabilities(domainSize, epsilonSlot);
  const entries: Iterable<[number, number]> =
    observed instanceof Map ? observed.entries() : Object.entries(observed).map(([key, count]) => [Number(key), count]);
  const estimates = new Map<number, number>();
  for (const [value, count] of entries) {
    if (!Number.isFinite(count)) throw new RangeError(`count for value ${value} must be a finite number`);
    estimates.set(value, (count - totalSlots * q) / (p - q));
  }
  return estimates;
}

/**
 * Standard error of t̂_v when `trueCount` of the `totalSlots` slots truly carry v:
 * c_v is a sum of independent Bernoullis, Var(c_v) = t·p(1 − p) + (n − t)·q(1 − q),
 * and t̂_v = (c_v − n·q)/(p − q). Pass an estimate (clamped to [0, n]) when the
 * truth is unknown.
 */
export function estimateStandardError(trueCount: number, totalSlots: number, domainSize: number, epsilonSlot: number): number {
  const { p, q } = krrProbabilities(domainSize, epsilonSlot);
  const t = Math.min(Math.max(trueCount, 0), totalSlots);
  const variance = t * p * (1 - p) + (totalSlots - t) * q * (1 - q);
  return Math.sqrt(variance) / (p - q);
}
