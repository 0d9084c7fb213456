/**
 * The experiment's part of the wire contract (core/experiments.ts says what an experiment is).
 *
 * GET /v1/params carries the experiment the server counts, or null:
 *   "experiment":{"id":"shelf-1","arms":["control","personal"],"outcomes":["impression",…],
 *                 "revenueBuckets":[25,100,250],"epsilon":2}
 * `epsilon` is what the experiment part of a report spends, on top of the segments' `epsilon`.
 *
 * A report of a device enrolled in that experiment carries, after the nonce,
 *   "experiment":{"id":"shelf-1","arm":<int>,"outcome":<int>,"value":<int>}
 * exactly these keys in this order: `arm` indexes the arms, `outcome` the outcomes, `value` is that
 * outcome's value through randomized response (0/1, or a revenue bucket 0 … buckets + 1). A report
 * without the key is today's segment report, unchanged.
 */
import { checkDefinition, outcomeDomainSize, type ExperimentDefinition } from '../core/experiment-definition.ts';
import type { ExperimentPart } from '../core/experiments.ts';

/** The experiment as GET /v1/params publishes it. */
export interface ExperimentParams extends ExperimentDefinition {
  /** ε of the experiment part of a report */
  epsilon: number;
}

export type { ExperimentPart };

/** The largest ε the experiment part may ask for (the device's own cap decides what it accepts). */
export const MAX_EXPERIMENT_EPSILON = 50;

/** Reads the params' `experiment` (null when absent); throws an Error naming the bad field. */
export function parseExperimentParams(json: unknown): ExperimentParams | null {
  if (json === undefined || json === null) return null;
  const definition = checkDefinition(json);
  if (!definition.ok) throw new Error(`parameters: experiment ${definition.error}`);
  const epsilon = (json as Record<string, unknown>).epsilon;
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon <= 0 || epsilon > MAX_EXPERIMENT_EPSILON) {
    throw new Error(`parameters: experiment epsilon must be a number in (0, ${MAX_EXPERIMENT_EPSILON}]`);
  }
  return { ...definition.value, epsilon };
}

/** The params' `experiment` as the server writes it. */
export function experimentParamsBody(experiment: ExperimentParams | null): ExperimentParams | null {
  if (experiment === null) return null;
  const { id, arms, outcomes, revenueBuckets, epsilon } = experiment;
  return { id, arms: [...arms], outcomes: [...outcomes], revenueBuckets: [...revenueBuckets], epsilon };
}

const PART_KEYS = ['id', 'arm', 'outcome', 'value'] as const;
const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Why a report's experiment part is refused: an HTTP status, a stable code, a message. */
export interface PartProblem {
  status: number;
  code: string;
  message: string;
}

/** Checks a report's parsed `experiment` value against the experiment this server counts. */
export function checkExperimentPart(value: unknown, experiment: ExperimentDefinition | null): { part: ExperimentPart } | { problem: PartProblem } {
  const invalid = (message: string) => ({ problem: { status: 400, code: 'invalid_report', message: `"experiment" ${message}` } });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid('must be an object {"id","arm","outcome","value"}');
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length !== PART_KEYS.length || PART_KEYS.some((key) => !Object.hasOwn(record, key))) return invalid('must have exactly the keys id, arm, outcome, value');
  const { id, arm, outcome, value: reported } = record;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) return invalid('id must be 1–64 letters, digits, ".", "_" or "-"');
  for (const [name, n] of [['arm', arm], ['outcome', outcome], ['value', reported]] as const) {
    if (!Number.isSafeInteger(n) || (n as number) < 0) return invalid(`${name} must be an integer ≥ 0`);
  }
  if (experiment === null || experiment.id !== id) {
    const running = experiment === null ? 'this server runs no experiment' : `this server counts experiment "${experiment.id}"`;
    return { problem: { status: 422, code: 'unknown_experiment', message: `unknown experiment "${id}": ${running} (see GET /v1/params)` } };
  }
  const [a, o, v] = [arm, outcome, reported] as number[];
  if (a >= experiment.arms.length) return invalid(`arm must be below ${experiment.arms.length}`);
  if (o >= experiment.outcomes.length) return invalid(`outcome must be below ${experiment.outcomes.length}`);
  const size = outcomeDomainSize(experiment.outcomes[o], experiment.revenueBuckets);
  if (v >= size) return invalid(`value of outcome ${o} must be below ${size}`);
  return { part: { id, arm: a, outcome: o, value: v } };
}

/** The part as the device writes it (by hand, like the rest of the body: exactly this text). */
export function writeExperimentPart(part: ExperimentPart): string {
  if (!ID_PATTERN.test(part.id)) throw new RangeError('experiment id must be 1–64 letters, digits, ".", "_" or "-"');
  const int = (n: number) => String(Math.trunc(n));
  return '{"id":"' + part.id + '","arm":' + int(part.arm) + ',"outcome":' + int(part.outcome) + ',"value":' + int(part.value) + '}';
}
