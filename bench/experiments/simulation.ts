// A seeded simulation of an experiment with a known truth: devices drawn into arms with the split, each
// with true outcomes from a funnel whose rates differ by arm, each sending the experiment part of its
// report exactly as the device does (core/experiments.ts randomizeExperiment), the server's counters
// and summary (server/experiment-results.ts) computed from them. Used by bench/experiments/run.ts
// (200 runs of 20,000 devices) and by a small seeded test.

import { mulberry32, type RandomSource } from '../../core/random.ts';
import type { ExperimentDefinition } from '../../core/experiment-definition.ts';
import { drawArm, randomizeExperiment } from '../../core/experiments.ts';
import { metricWeights } from '../../core/experiment-stats.ts';
import { emptyCells, summarize, type ExperimentSummary } from '../../server/experiment-results.ts';

/** One arm's true funnel: each stage given the one before; revenue buckets 1… given an order. */
export interface Funnel {
  impression: number;
  click: number;
  cart: number;
  order: number;
  /** shares of the revenue buckets 1 … buckets + 1 among orders (sum 1) */
  revenue: readonly number[];
}

export interface Scenario {
  definition: ExperimentDefinition;
  split: readonly number[];
  funnels: readonly Funnel[];
  epsilon: number;
  devices: number;
}

export const DEFINITION: ExperimentDefinition = {
  id: 'simulated',
  arms: ['control', 'personal'],
  outcomes: ['impression', 'click', 'cart', 'order', 'revenue'],
  revenueBuckets: [25, 100, 250],
};

/** Control: a bestseller shelf. Personal: 20% more clicks per shelf, the rest of the funnel alike. */
export const SCENARIO: Scenario = {
  definition: DEFINITION,
  split: [0.5, 0.5],
  funnels: [
    { impression: 0.6, click: 0.15, cart: 0.4, order: 0.5, revenue: [0.2, 0.5, 0.2, 0.1] },
    { impression: 0.6, click: 0.18, cart: 0.4, order: 0.5, revenue: [0.2, 0.5, 0.2, 0.1] },
  ],
  epsilon: 4,
  devices: 20_000,
};

/** The true metric of each outcome for a funnel (what the summary estimates), in the definition's order. */
export function trueMetrics(funnel: Funnel, definition: ExperimentDefinition): number[] {
  const impression = funnel.impression;
  const click = impression * funnel.click;
  const cart = click * funnel.cart;
  const order = cart * funnel.order;
  const weights = metricWeights('revenue', definition.revenueBuckets);
  const revenue = order * funnel.revenue.reduce((sum, share, b) => sum + share * weights[b + 1], 0);
  const all: Record<string, number> = { impression, click, cart, order, revenue };
  return definition.outcomes.map((o) => all[o]);
}

function draw(shares: readonly number[], random: RandomSource): number {
  let u = random();
  for (let i = 0; i < shares.length; i++) {
    if (u < shares[i]) return i;
    u -= shares[i];
  }
  return shares.length - 1;
}

/** One device's true outcome values (definition order). */
function deviceValues(funnel: Funnel, definition: ExperimentDefinition, random: RandomSource): number[] {
  const impression = random() < funnel.impression ? 1 : 0;
  const click = impression && random() < funnel.click ? 1 : 0;
  const cart = click && random() < funnel.cart ? 1 : 0;
  const order = cart && random() < funnel.order ? 1 : 0;
  const revenue = order ? 1 + draw(funnel.revenue, random) : 0;
  const all: Record<string, number> = { impression, click, cart, order, revenue };
  return definition.outcomes.map((o) => all[o]);
}

/** One run: every device reports once; the server's summary of the counts. */
export function simulateRun(scenario: Scenario, seed: number): ExperimentSummary {
  const random = mulberry32(seed);
  const { definition } = scenario;
  const cells = emptyCells(definition);
  for (let d = 0; d < scenario.devices; d++) {
    const arm = drawArm(scenario.split, random);
    const values = deviceValues(scenario.funnels[arm], definition, random);
    const part = randomizeExperiment(definition, arm, values, scenario.epsilon, random);
    cells[part.arm][part.outcome][part.value]++;
  }
  return summarize(definition, scenario.epsilon, cells, scenario.split);
}

export interface Coverage {
  runs: number;
  /** per outcome: share of runs whose 95% interval of the relative lift (and of the difference) holds the truth */
  relative: Record<string, number>;
  absolute: Record<string, number>;
  /** every outcome's relative intervals together */
  relativeAll: number;
  /** runs whose relative interval was unbounded, per outcome */
  unbounded: Record<string, number>;
}

/** Runs `runs` seeded runs and counts how often each interval covers the true lift. */
export function coverage(scenario: Scenario, runs: number, firstSeed = 1): Coverage {
  const { definition } = scenario;
  const truth = scenario.funnels.map((f) => trueMetrics(f, definition));
  const relativeHits = new Array<number>(definition.outcomes.length).fill(0);
  const absoluteHits = new Array<number>(definition.outcomes.length).fill(0);
  const unbounded = new Array<number>(definition.outcomes.length).fill(0);
  for (let run = 0; run < runs; run++) {
    const summary = simulateRun(scenario, firstSeed + run);
    summary.outcomes.forEach((result, j) => {
      const { relative, absolute } = result.lifts[0];
      const trueRelative = truth[1][j] / truth[0][j] - 1;
      const trueDifference = truth[1][j] - truth[0][j];
      if (relative.low === null || relative.high === null) unbounded[j]++;
      else if (relative.low <= trueRelative && trueRelative <= relative.high) relativeHits[j]++;
      if (absolute.low <= trueDifference && trueDifference <= absolute.high) absoluteHits[j]++;
    });
  }
  const byOutcome = (hits: number[]) => Object.fromEntries(definition.outcomes.map((o, j) => [o, hits[j] / runs]));
  return {
    runs,
    relative: byOutcome(relativeHits),
    absolute: byOutcome(absoluteHits),
    relativeAll: relativeHits.reduce((a, b) => a + b, 0) / (runs * definition.outcomes.length),
    unbounded: byOutcome(unbounded),
  };
}
