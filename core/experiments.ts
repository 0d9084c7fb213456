// The device's side of an A/B test (core/experiment-definition.ts says what one is): how a device draws
// its arm and randomizes the experiment part of its report. Pure: the SDK, the server's tests, the CLI and
// the benchmarks read it.
//
// The experiment part of a report (protocol/experiment.ts) is (arm, outcome, value):
//   arm      the device's arm, drawn once with the configured split. It is the device's own coin,
//            independent of anything the shopper did, so it is sent as it is: for any two shoppers x, x'
//            and any report (a, j, y), P[(a, j, y) | x] / P[(a, j, y) | x'] = P[y | x_j] / P[y | x'_j] ≤ e^ε
//            (a and j have the same probability whoever the shopper is).
//   outcome  which one of the experiment's outcomes this report carries, drawn uniformly per report
//            (another coin of the device's own).
//   value    that outcome's value through k-ary randomized response with the experiment's whole ε.
// One outcome with the whole ε rather than every outcome with ε/K: the variance of a rate debiased from
// randomized response grows like 1/ε² for small ε, so splitting ε K ways costs about K² and sampling
// one outcome costs K (bench/experiments/run.ts measures both).

import { randomizeValue } from './randomized-response.ts';
import type { RandomSource } from './random.ts';
import { outcomeDomainSize, type ExperimentDefinition } from './experiment-definition.ts';

/** Draws an arm index with the split's shares. */
export function drawArm(split: readonly number[], random: RandomSource): number {
  let u = random();
  for (let i = 0; i < split.length; i++) {
    if (u < split[i]) return i;
    u -= split[i];
  }
  // Rounding left u a hair above the last share: the last arm with a share.
  for (let i = split.length - 1; i >= 0; i--) if (split[i] > 0) return i;
  return 0;
}

/** The experiment part of a report, as the wire carries it: indices into the definition. */
export interface ExperimentPart {
  id: string;
  arm: number;
  outcome: number;
  value: number;
}

/**
 * The report's experiment part: the device's arm, one outcome drawn uniformly, and that outcome's value
 * through k-ary randomized response with the whole `epsilon`. `values` are the true values, one per
 * outcome of the definition, each in 0 … domain size − 1.
 */
export function randomizeExperiment(definition: ExperimentDefinition, arm: number, values: readonly number[], epsilon: number, random: RandomSource): ExperimentPart {
  if (!Number.isSafeInteger(arm) || arm < 0 || arm >= definition.arms.length) throw new RangeError(`arm ${arm} is not an arm of ${definition.id}`);
  if (values.length !== definition.outcomes.length) throw new RangeError(`expected ${definition.outcomes.length} outcome values, got ${values.length}`);
  const outcome = Math.min(definition.outcomes.length - 1, Math.floor(random() * definition.outcomes.length));
  const size = outcomeDomainSize(definition.outcomes[outcome], definition.revenueBuckets);
  const domain = Array.from({ length: size }, (_, v) => v);
  return { id: definition.id, arm, outcome, value: randomizeValue(values[outcome], domain, epsilon, random) };
}
