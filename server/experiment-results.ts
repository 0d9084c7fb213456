/**
 * What GET /v1/experiments and the dashboard show of an experiment: per arm and outcome the debiased
 * metric with its 95% interval, the lift of every arm over the baseline (the first arm), the warnings
 * that say when not to trust them, and the power calculator. Computed from the counters only
 * (core/experiment-stats.ts holds the maths); nothing here is random, so asking twice gives the same
 * answer and there is nothing to average away.
 */
import { outcomeDomainSize, type ExperimentDefinition, type OutcomeName } from '../core/experiment-definition.ts';
import { OUTCOMES } from '../core/experiment-outcomes.ts';
import { devicesNeeded, lift, linearMetric, metricWeights, sampleRatioPValue, type Interval, type Lift, type MetricEstimate } from '../core/experiment-stats.ts';

/** Below this many reports in an arm, its estimates are mostly randomized-response noise. */
export const MIN_REPORTS_PER_ARM = 1000;
/** A sample-ratio p-value below this says the arms do not report as the split predicts. */
export const SAMPLE_RATIO_ALPHA = 0.001;

/** counts[arm][outcome][value]: how many reports of an arm carried that outcome with that value. */
export type ExperimentCells = number[][][];

export function emptyCells(definition: ExperimentDefinition): ExperimentCells {
  return definition.arms.map(() => definition.outcomes.map((outcome) => new Array<number>(outcomeDomainSize(outcome, definition.revenueBuckets)).fill(0)));
}

/** Adds counter rows to the cells; rows outside the definition (another arm count, say) are skipped. */
export function addRows(cells: ExperimentCells, rows: readonly { arm: number; outcome: number; value: number; count: number }[]): ExperimentCells {
  for (const { arm, outcome, value, count } of rows) {
    const row = cells[arm]?.[outcome];
    if (row !== undefined && value < row.length) row[value] += count;
  }
  return cells;
}

export interface ArmMetric extends MetricEstimate {
  arm: string;
}

export interface ArmLift extends Lift {
  arm: string;
  versus: string;
  /** the difference's interval excludes 0 */
  significant: boolean;
}

export interface OutcomeResult {
  outcome: OutcomeName;
  metric: string;
  arms: ArmMetric[];
  lifts: ArmLift[];
  /** revenue only: each bucket's debiased share per arm */
  buckets?: { arm: string; shares: Interval[] }[];
  warnings: string[];
}

export interface ExperimentSummary {
  /** reports per arm (every outcome) */
  reports: Record<string, number>;
  outcomes: OutcomeResult[];
  warnings: string[];
}

const round = (x: number, digits = 5): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
const rounded = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])) as T;

/** The summary of the counts of an experiment whose reports spend `epsilon`, drawn with `shares`. */
export function summarize(definition: ExperimentDefinition, epsilon: number, cells: ExperimentCells, shares: readonly number[]): ExperimentSummary {
  const { arms } = definition;
  const armReports = cells.map((byOutcome) => byOutcome.reduce((sum, values) => sum + values.reduce((a, b) => a + b, 0), 0));
  const warnings: string[] = [];
  armReports.forEach((n, a) => {
    if (n < MIN_REPORTS_PER_ARM) {
      warnings.push(`arm "${arms[a]}" has ${n} reports, fewer than ${MIN_REPORTS_PER_ARM}: its rates are mostly randomized-response noise (the power calculator says how many devices a lift needs)`);
    }
  });
  const pValue = sampleRatioPValue(armReports, shares);
  if (pValue < SAMPLE_RATIO_ALPHA) {
    warnings.push(
      `sample ratio mismatch: the arms sent ${armReports.join(' / ')} reports, unlikely under the split ${shares.map((s) => round(s, 3)).join(' / ')} (p = ${pValue.toExponential(1)}); ` +
        'the arms may report at different rates (an arm that changes how often shoppers return), so their rates compare different groups',
    );
  }
  const outcomes = definition.outcomes.map((outcome, j): OutcomeResult => {
    const weights = metricWeights(outcome, definition.revenueBuckets);
    const estimates = cells.map((byOutcome) => linearMetric(byOutcome[j], weights, epsilon));
    const outcomeWarnings: string[] = [];
    const lifts = estimates.slice(1).map((estimate, i): ArmLift => {
      const result = lift(estimate, estimates[0]);
      if (result.relative.low === null) {
        outcomeWarnings.push(`"${arms[0]}"'s ${outcome} cannot be told from 0 yet: the relative lift of "${arms[i + 1]}" has no bounded interval (the difference has one)`);
      }
      return {
        arm: arms[i + 1],
        versus: arms[0],
        relative: { estimate: round(result.relative.estimate), low: result.relative.low === null ? null : round(result.relative.low), high: result.relative.high === null ? null : round(result.relative.high) },
        absolute: rounded(result.absolute),
        significant: result.absolute.low > 0 || result.absolute.high < 0,
      };
    });
    const result: OutcomeResult = {
      outcome,
      metric: OUTCOMES.find((o) => o.name === outcome)!.metric,
      arms: estimates.map((estimate, a) => ({ arm: arms[a], ...rounded(estimate) })),
      lifts,
      warnings: outcomeWarnings,
    };
    if (outcome === 'revenue') {
      result.buckets = cells.map((byOutcome, a) => ({
        arm: arms[a],
        shares: weights.map((_, v) => {
          const { estimate, low, high } = linearMetric(byOutcome[j], weights.map((_, u) => (u === v ? 1 : 0)), epsilon);
          return rounded({ estimate, low, high });
        }),
      }));
    }
    return result;
  });
  return { reports: Object.fromEntries(arms.map((arm, a) => [arm, armReports[a]])), outcomes, warnings };
}

export interface PowerRow {
  outcome: OutcomeName;
  /** the baseline rate assumed: the baseline arm's estimate when it is usable, else `baseline` */
  baseline: number;
  /** reporting devices, all arms together, to detect `lift` with 80% power at the 5% level */
  devices: number;
  /** the same without randomized response, every device reporting this outcome (a non-private test) */
  nonPrivateDevices: number;
}

/**
 * Devices needed to detect a relative `lift` of each rate outcome, at this experiment's ε, for the
 * baseline arm and the second arm. The baseline rate is the measured one when its interval is clear of
 * 0 and 1, else `fallbackBaseline`.
 */
export function powerTable(definition: ExperimentDefinition, epsilon: number, shares: readonly number[], summary: ExperimentSummary | null, liftToDetect: number, fallbackBaseline: number): PowerRow[] {
  const rows: PowerRow[] = [];
  definition.outcomes.forEach((outcome, j) => {
    if (outcome === 'revenue') return; // not a rate
    const measured = summary?.outcomes[j].arms[0];
    const usable = measured !== undefined && measured.low > 0 && measured.high < 1 && measured.estimate * (1 + liftToDetect) < 1;
    const baseline = usable ? round(measured.estimate, 4) : fallbackBaseline;
    // A split still ramping up (a share of 0) is planned as an even one.
    const pair: [number, number] = shares[0] > 0 && shares[1] > 0 ? [shares[0], shares[1]] : [0.5, 0.5];
    const common = { baseline, lift: liftToDetect, shares: pair };
    rows.push({
      outcome,
      baseline,
      devices: devicesNeeded({ ...common, epsilon, outcomes: definition.outcomes.length }),
      nonPrivateDevices: devicesNeeded({ ...common, epsilon: Number.POSITIVE_INFINITY, outcomes: 1 }),
    });
  });
  return rows;
}
