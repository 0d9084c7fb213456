// What an A/B test of recommendations is (docs/experiments.md): the strategies an arm can show and the
// outcomes a device measures, each described once (one table per extension point), and the checks of a
// definition, shared by init() (src/config.ts), the server (TACIT_EXPERIMENT) and the wire
// (protocol/experiment.ts). Small and free of the randomization code on purpose: the main-thread SDK
// loads it with the config; the rest of an experiment (core/experiments.ts) comes in lazy chunks.

/** What an arm shows; an arm is named after its strategy, optionally with a label ('control-b'). */
export const ARM_STRATEGIES = [
  { strategy: 'control', shows: "the fallback ranking: popularity, then the shop's order (a shelf without Tacit)" },
  { strategy: 'personal', shows: "Tacit's ranking: the shopper's profile, the item on screen, the shop's neighbours" },
] as const;

export type ArmStrategy = (typeof ARM_STRATEGIES)[number]['strategy'];

/**
 * What a device measures per epoch, in the order a definition lists them by default. Every outcome
 * but revenue is a bit (0/1); revenue is a bucket (0 = no such order, then one value per bucket).
 * How each is measured, and what its metric means: core/experiment-outcomes.ts.
 */
export const OUTCOME_NAMES = ['impression', 'click', 'cart', 'order', 'revenue'] as const;

export type OutcomeName = (typeof OUTCOME_NAMES)[number];

/** Revenue bucket boundaries when the experiment does not say (the shop's currency). */
export const DEFAULT_REVENUE_BUCKETS: readonly number[] = [25, 100, 250];

export const MAX_ARMS = 4;
export const MAX_REVENUE_BUCKETS = 8;
const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const ARM_PATTERN = /^(control|personal)(-[a-z0-9]{1,16})?$/;

/** What the device and the server must agree on: the report's arm and outcome indices refer to it. */
export interface ExperimentDefinition {
  id: string;
  /** Arm names; the first is the baseline the others are compared with. */
  arms: readonly string[];
  /** The outcomes devices report, in this order. */
  outcomes: readonly OutcomeName[];
  /** Ascending revenue boundaries: revenue value v ≥ 1 means boundaries[v−2] ≤ revenue < boundaries[v−1]. */
  revenueBuckets: readonly number[];
}

/** The experiment as a device runs it: the definition and the split it draws arms with (shares summing to 1). */
export interface DeviceExperiment extends ExperimentDefinition {
  split: readonly number[];
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** The strategy an arm shows ('personal-b' shows 'personal'). */
export function armStrategy(arm: string): ArmStrategy {
  return arm.startsWith('personal') ? 'personal' : 'control';
}

/** How many values an outcome's report value can take. */
export function outcomeDomainSize(outcome: OutcomeName, revenueBuckets: readonly number[]): number {
  return outcome === 'revenue' ? revenueBuckets.length + 2 : 2;
}

/** The revenue value of an amount: 0 for none, else 1 + how many boundaries it reaches. */
export function revenueBucket(amount: number, revenueBuckets: readonly number[]): number {
  if (!(amount > 0)) return 0;
  return 1 + revenueBuckets.filter((boundary) => amount >= boundary).length;
}

/**
 * Checks the fields both sides share ({ id, arms, outcomes?, revenueBuckets? }) and fills the defaults;
 * the error names the first bad field. Used for init()'s experiments and the server's TACIT_EXPERIMENT.
 */
export function checkDefinition(input: unknown): Checked<ExperimentDefinition> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, error: 'must be an object { id, arms }' };
  const o = input as Record<string, unknown>;
  if (typeof o.id !== 'string' || !ID_PATTERN.test(o.id)) return { ok: false, error: 'id must be 1–64 letters, digits, ".", "_" or "-"' };
  const arms = o.arms;
  if (!Array.isArray(arms) || arms.length < 2 || arms.length > MAX_ARMS) return { ok: false, error: `arms must list 2–${MAX_ARMS} arms` };
  for (const arm of arms) {
    if (typeof arm !== 'string' || !ARM_PATTERN.test(arm)) {
      return { ok: false, error: `arm ${JSON.stringify(arm)} must be 'control' or 'personal', optionally with a label ('personal-b')` };
    }
  }
  if (new Set(arms).size !== arms.length) return { ok: false, error: 'arms must be distinct' };
  let outcomes: OutcomeName[] = [...OUTCOME_NAMES];
  if (o.outcomes !== undefined) {
    const list = o.outcomes;
    if (!Array.isArray(list) || list.length === 0 || list.some((x) => !(OUTCOME_NAMES as readonly unknown[]).includes(x)) || new Set(list).size !== list.length) {
      return { ok: false, error: `outcomes must list distinct outcomes of ${OUTCOME_NAMES.join(', ')}` };
    }
    outcomes = list as OutcomeName[];
  }
  let revenueBuckets: number[] = [...DEFAULT_REVENUE_BUCKETS];
  if (o.revenueBuckets !== undefined) {
    const list = o.revenueBuckets;
    const ascending = Array.isArray(list) && list.every((x, i) => typeof x === 'number' && Number.isFinite(x) && x > 0 && (i === 0 || x > (list[i - 1] as number)));
    if (!ascending || list.length === 0 || list.length > MAX_REVENUE_BUCKETS) {
      return { ok: false, error: `revenueBuckets must be 1–${MAX_REVENUE_BUCKETS} ascending amounts > 0` };
    }
    revenueBuckets = list as number[];
  }
  return { ok: true, value: { id: o.id, arms: [...arms], outcomes, revenueBuckets } };
}

/** Shares for the arms: `split` (weights ≥ 0, not all 0) normalised, or equal shares. */
export function checkSplit(split: unknown, arms: number): Checked<number[]> {
  if (split === undefined) return { ok: true, value: Array.from({ length: arms }, () => 1 / arms) };
  if (!Array.isArray(split) || split.length !== arms || split.some((w) => typeof w !== 'number' || !Number.isFinite(w) || w < 0)) {
    return { ok: false, error: `split must give one weight ≥ 0 per arm (${arms})` };
  }
  const total = (split as number[]).reduce((a, b) => a + b, 0);
  if (!(total > 0)) return { ok: false, error: 'split must give some arm a weight > 0' };
  return { ok: true, value: (split as number[]).map((w) => w / total) };
}

/** An experiment of init(): its definition and split, checked. */
export function checkDeviceExperiment(input: unknown): Checked<DeviceExperiment> {
  const definition = checkDefinition(input);
  if (!definition.ok) return definition;
  const split = checkSplit((input as Record<string, unknown>).split, definition.value.arms.length);
  if (!split.ok) return split;
  return { ok: true, value: { ...definition.value, split: split.value } };
}

/** Whether two definitions mean the same reports (same id, arms, outcomes and buckets, in order). */
export function sameDefinition(a: ExperimentDefinition, b: ExperimentDefinition): boolean {
  const same = (x: readonly unknown[], y: readonly unknown[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.id === b.id && same(a.arms, b.arms) && same(a.outcomes, b.outcomes) && same(a.revenueBuckets, b.revenueBuckets);
}

/** Every list id recommend() hands out starts with this (core/experiment-outcomes.ts reads it back). */
export const TACIT_LIST_PREFIX = 'tacit:';
/** The event the SDK records when it answers an enrolled device with items (Segment's name). */
export const LIST_VIEWED_EVENT = 'Product List Viewed';

/** The list id of an experiment arm's recommendations. */
export function listIdFor(experimentId: string, arm: string): string {
  return `${TACIT_LIST_PREFIX}${experimentId}:${arm}`;
}

export function isTacitList(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(TACIT_LIST_PREFIX);
}
