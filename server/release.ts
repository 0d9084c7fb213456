/**
 * The per-epoch release: debiased segment sizes with central Laplace noise,
 * then k-suppression. Computed once per closed epoch and stored, so asking
 * twice gives the same numbers (re-drawing noise would let an observer
 * average it away).
 *
 * Privacy of the release (on top of each report's local ε):
 *  - The released quantities are functions of the count histogram c_v over
 *    the whole domain (0 and every segment id). Adding or removing one device
 *    changes `slots` entries of that histogram by 1 each, so its L1
 *    sensitivity is `slots`.
 *  - We add Laplace(slots / releaseEpsilon) to every c_v (including values no
 *    one reported), which is releaseEpsilon-DP for the histogram.
 *  - Everything released is computed from the noisy histogram only: the slot
 *    total ñ = Σ c̃_v, the report count ñ/slots and the estimates
 *    t̂_v = (c̃_v − ñ·q)/(p − q). That is post-processing, so it stays
 *    releaseEpsilon-DP. On the estimate's scale the per-segment noise is
 *    Laplace with scale slots / ((p − q)·releaseEpsilon): sensitivity
 *    slots/(p − q) after debiasing.
 *  - Suppression is also post-processing: a segment is published only when the lower end of its
 *    95% interval is at least k. (Hiding only estimates below k published a segment nobody has in
 *    35–44% of epochs at the default parameters, since an estimate's standard error there is about
 *    140 devices.)
 *  - So is the 95% interval published with each estimate (estimateInterval): it is computed from
 *    the noisy estimate, the noisy report count and the public parameters only.
 * Noise comes from crypto.getRandomValues (53-bit uniforms). Outputs are
 * rounded to integers, which also blunts floating-point artefacts of Laplace
 * sampling.
 */
import { cryptoRandom, type RandomSource } from '../core/random.ts';
import { krrProbabilities } from '../core/randomized-response.ts';
import type { Segment } from '../protocol/taxonomy.ts';

export interface ReleaseParameters {
  epsilon: number;
  slots: number;
  epsilonSlot: number;
  domainSize: number;
  p: number;
  q: number;
  k: number;
  releaseEpsilon: number;
  /** L1 sensitivity of the count histogram to one device */
  countSensitivity: number;
  /** Laplace scale added to each count */
  countNoiseScale: number;
  /** resulting Laplace scale on each debiased estimate */
  estimateNoiseScale: number;
}

export interface ReleasedSegment {
  id: number;
  name: string;
  /** noisy debiased number of devices with this segment, or null when suppressed (interval not clear of k) */
  estimate: number | null;
  /** 95% interval around the estimate (randomized response and release noise), or null when suppressed */
  low: number | null;
  high: number | null;
  suppressed: boolean;
}

export interface Release {
  taxonomy: number;
  epoch: number;
  startsAt: string;
  endsAt: string;
  /** noisy number of reports (devices) */
  reports: number;
  parameters: ReleaseParameters;
  segments: ReleasedSegment[];
}

export interface ReleaseInput {
  taxonomy: number;
  epoch: number;
  epochSeconds: number;
  segments: readonly Segment[];
  /** observed slot counts (value → count); absent values count 0 (an epoch without reports: all absent) */
  counts: ReadonlyMap<number, number>;
  epsilon: number;
  slots: number;
  k: number;
  releaseEpsilon: number;
  /** uniform source for the noise; crypto by default (tests may inject) */
  random?: RandomSource;
}

/** One Laplace(0, scale) draw as the difference of two Exp(1/scale) draws. */
export function laplace(scale: number, random: RandomSource = cryptoRandom): number {
  const positive = (): number => {
    let u = random();
    while (u <= 0) u = random();
    return u;
  };
  return scale * (Math.log(positive()) - Math.log(positive()));
}

/** z for a two-sided 95% interval. */
const Z95 = 1.959964;

/**
 * The 95% interval of a debiased estimate t̂ = (c − n·q)/(p − q) for n report slots.
 *
 * Given the true number t of devices with the segment, the observed count c is a sum of independent
 * slot draws: t of them carry the segment with probability p, the other n − t with probability q, so
 * Var(c) = t·p(1 − p) + (n − t)·q(1 − q) and Var(t̂) = Var(c)/(p − q)². The release adds Laplace noise
 * of scale b on the estimate's scale, variance 2b². We plug in t ≈ max(0, t̂) and use the normal
 * approximation: t̂ ± 1.96·√(Var(c)/(p − q)² + 2b²). Only released (noisy) numbers go in, so the
 * interval costs no privacy.
 */
export function estimateInterval(
  estimate: number,
  slotTotal: number,
  parameters: Pick<ReleaseParameters, 'p' | 'q' | 'estimateNoiseScale'>,
): { low: number; high: number } {
  const { p, q, estimateNoiseScale } = parameters;
  const n = Math.max(0, slotTotal);
  const t = Math.min(n, Math.max(0, estimate));
  const countVariance = t * p * (1 - p) + (n - t) * q * (1 - q);
  const half = Z95 * Math.sqrt(countVariance / (p - q) ** 2 + 2 * estimateNoiseScale ** 2);
  return { low: Math.round(estimate - half), high: Math.round(estimate + half) };
}

export function computeRelease(input: ReleaseInput): Release {
  const { segments, counts, epsilon, slots, k, releaseEpsilon } = input;
  const random = input.random ?? cryptoRandom;
  const domainSize = segments.length + 1;
  const epsilonSlot = epsilon / slots;
  const { p, q } = krrProbabilities(domainSize, epsilonSlot);
  const countNoiseScale = slots / releaseEpsilon;

  // Noisy histogram over the whole domain: 0 ("none") and every segment.
  const noisyNone = (counts.get(0) ?? 0) + laplace(countNoiseScale, random);
  const noisyCounts = segments.map((segment) => (counts.get(segment.id) ?? 0) + laplace(countNoiseScale, random));
  const noisySlotTotal = Math.max(0, noisyNone + noisyCounts.reduce((sum, count) => sum + count, 0));

  const estimateNoiseScale = countNoiseScale / (p - q);
  const released = segments.map((segment, index): ReleasedSegment => {
    const estimate = Math.round((noisyCounts[index] - noisySlotTotal * q) / (p - q));
    const { low, high } = estimateInterval(estimate, noisySlotTotal, { p, q, estimateNoiseScale });
    const suppressed = low < k; // published only when the whole interval clears k
    if (suppressed) return { id: segment.id, name: segment.name, estimate: null, low: null, high: null, suppressed };
    return { id: segment.id, name: segment.name, estimate, low, high, suppressed };
  });

  const start = input.epoch * input.epochSeconds * 1000;
  return {
    taxonomy: input.taxonomy,
    epoch: input.epoch,
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + input.epochSeconds * 1000).toISOString(),
    reports: Math.round(noisySlotTotal / slots),
    parameters: {
      epsilon,
      slots,
      epsilonSlot,
      domainSize,
      p,
      q,
      k,
      releaseEpsilon,
      countSensitivity: slots,
      countNoiseScale,
      estimateNoiseScale,
    },
    segments: released,
  };
}
