// The experiment part of an epoch's report (protocol/experiment.ts), decided on the device alone.
// sync.ts asks for it after the segments and adds what it gets to the body and to the ledger.
//
// A report carries the part only when all of this holds; otherwise it is exactly the segment report:
//   - the shop's init() runs an experiment, and the server's /v1/params lists the same definition (id,
//     arms, outcomes, revenue buckets). The server cannot start an experiment on a device or change
//     one; it can only decline to count one (then the device leaves the part out, with one warning);
//   - the segments' ε plus the experiment's ε is within the device's own cap per report
//     (privacy.maxEpsilon) and within its yearly cap: the ledger records the sum, so the part can never
//     make a device spend more than the accountant allows, whatever the server publishes;
//   - the device has been in its arm since before the previous epoch began: the part describes that
//     whole epoch (E − 1 for the report of epoch E), observed before this report is made, never a
//     part of an epoch nor one in which the device saw another arm.
// The outcomes are read from the shopper's stored events of that epoch (core/experiment-outcomes.ts);
// one is drawn and passed through randomized response (core/experiments.ts). Without an experiment in
// init() nothing here runs: not a read, not a random draw.

import { measureOutcomes, outcomeVector } from '../../core/experiment-outcomes.ts';
import { sameDefinition, type DeviceExperiment } from '../../core/experiment-definition.ts';
import { randomizeExperiment, type ExperimentPart } from '../../core/experiments.ts';
import { fitsYearlyCap, type LedgerEntry, type PrivacyLimits } from '../../core/privacy-accountant.ts';
import type { RandomSource } from '../../core/random.ts';
import { epochStartMs } from '../../protocol/epoch.ts';
import type { ReportParams } from '../../protocol/params.ts';
import { readAssignment } from '../experiments/arms.ts';
import { KV_KEYS } from '../storage/schema.ts';
import type { Store } from '../storage/store.ts';

export interface ExperimentPartInput {
  /** the experiment of init() (the resolved config's), or null */
  experiment: DeviceExperiment | null;
  params: ReportParams;
  store: Store;
  /** the report's epoch */
  epoch: number;
  /** the device's ledger before this report */
  ledger: readonly LedgerEntry[];
  limits: PrivacyLimits;
  now: number;
  random: RandomSource;
}

/** The part and the ε it adds to the report, or none, with a reason worth a warning (null: nothing to say). */
export type ExperimentPartResult = { part: ExperimentPart; epsilon: number } | { part: null; epsilon: 0; reason: string | null };

const none = (reason: string | null): ExperimentPartResult => ({ part: null, epsilon: 0, reason });

export async function experimentPart(input: ExperimentPartInput): Promise<ExperimentPartResult> {
  const { experiment, params, limits } = input;
  if (experiment === null) return none(null);
  const assignment = readAssignment(await input.store.get(KV_KEYS.experiment), experiment);
  const from = epochStartMs(input.epoch - 1, params.epochSeconds);
  if (assignment === null || assignment.assignedAt > from) return none(null); // not in an arm for the whole previous epoch
  const counted = params.experiment ?? null;
  if (counted === null || !sameDefinition(experiment, counted)) {
    const what = counted === null ? 'counts no experiment' : `counts experiment "${counted.id}" (${counted.arms.join(', ')}; ${counted.outcomes.join(', ')})`;
    return none(`experiment "${experiment.id}": the server ${what}, not this one as init() defines it; reports leave it out`);
  }
  const total = params.epsilon + counted.epsilon;
  if (total > limits.maxEpsilon + 1e-9) {
    return none(`experiment "${experiment.id}": a report with it would spend ε = ${total} (segments ${params.epsilon} + experiment ${counted.epsilon}), above this device's cap of ${limits.maxEpsilon}; reports leave it out`);
  }
  const yearly = fitsYearlyCap(input.ledger, total, limits, input.now);
  if (!yearly.ok) return none(`experiment "${experiment.id}": ${yearly.reason}; this report leaves it out`);
  const window = { from, to: epochStartMs(input.epoch, params.epochSeconds) };
  const values = outcomeVector(measureOutcomes(await input.store.events(), window, experiment.revenueBuckets), experiment);
  const arm = experiment.arms.indexOf(assignment.arm);
  return { part: randomizeExperiment(experiment, arm, values, counted.epsilon, input.random), epsilon: counted.epsilon };
}
