// The server's experiment maths: debiased metrics and their variance, the lift's interval, the
// sample-ratio check, the power calculator; and the seeded simulation of the issue (20,000 devices, a
// known true lift, 200 runs: the 95% interval must cover the truth in 93–97% of runs).
import { describe, expect, it } from 'vitest';
import { chiSquareTail, devicesNeeded, lift, linearMetric, metricWeights, sampleRatioPValue } from '../../core/experiment-stats.ts';
import { krrProbabilities } from '../../core/randomized-response.ts';
import { coverage, SCENARIO, simulateRun } from '../../bench/experiments/simulation.ts';

describe('core/experiment-stats', () => {
  it('debiases a rate: expected counts give back the true rate; a noiseless ε the plain share', () => {
    const { p, q } = krrProbabilities(2, 1);
    const n = 10_000;
    const rate = 0.2;
    const ones = n * (q + (p - q) * rate);
    const estimate = linearMetric([n - ones, ones], [0, 1], 1);
    expect(estimate.estimate).toBeCloseTo(0.2, 10);
    expect(estimate.reports).toBe(n);
    const plain = linearMetric([800, 200], [0, 1], 60);
    expect(plain.estimate).toBeCloseTo(0.2, 10);
    expect(plain.se).toBeCloseTo(Math.sqrt(0.2 * 0.8 / 1000), 8); // no randomization left: the binomial standard error
  });

  it('revenue per device weighs buckets by their midpoints, the open top one by its boundary', () => {
    expect(metricWeights('revenue', [25, 100, 250])).toEqual([0, 12.5, 62.5, 175, 250]);
    expect(metricWeights('click', [25, 100, 250])).toEqual([0, 1]);
  });

  it('lift: Fieller interval around the ratio; unbounded when the baseline cannot be told from 0', () => {
    const baseline = { estimate: 0.1, low: 0, high: 0, se: 0.005, reports: 1 };
    const treatment = { estimate: 0.12, low: 0, high: 0, se: 0.005, reports: 1 };
    const result = lift(treatment, baseline);
    expect(result.relative.estimate).toBeCloseTo(0.2, 10);
    expect(result.relative.low!).toBeLessThan(0.2);
    expect(result.relative.high!).toBeGreaterThan(0.2);
    expect(result.absolute.estimate).toBeCloseTo(0.02, 10);
    expect(result.absolute.high - result.absolute.low).toBeCloseTo(2 * 1.959964 * Math.sqrt(2) * 0.005, 8);
    const vague = lift(treatment, { ...baseline, estimate: 0.005 });
    expect(vague.relative.low).toBeNull();
    expect(vague.relative.high).toBeNull();
  });

  it('sample-ratio check: χ² tails, and a lopsided arm count flagged', () => {
    expect(chiSquareTail(3.841, 1)).toBeCloseTo(0.05, 3);
    expect(chiSquareTail(5.991, 2)).toBeCloseTo(0.05, 3);
    expect(chiSquareTail(7.815, 3)).toBeCloseTo(0.05, 3);
    expect(sampleRatioPValue([5000, 5050], [0.5, 0.5])).toBeGreaterThan(0.5);
    expect(sampleRatioPValue([5000, 5600], [0.5, 0.5])).toBeLessThan(0.001);
    expect(sampleRatioPValue([9000, 1000], [0.9, 0.1])).toBeGreaterThan(0.5);
  });

  it('power: more devices for smaller ε and more outcomes; a non-private test needs the textbook number', () => {
    const base = { baseline: 0.1, lift: 0.1, shares: [0.5, 0.5] as const };
    const plain = devicesNeeded({ ...base, epsilon: Number.POSITIVE_INFINITY, outcomes: 1 });
    // Two proportions 0.10 vs 0.11, 80% power, 5% level: 2 × 14,749 per arm (the usual formula).
    expect(plain).toBeGreaterThan(29_000);
    expect(plain).toBeLessThan(30_000);
    const four = devicesNeeded({ ...base, epsilon: 4, outcomes: 5 });
    expect(four).toBeGreaterThan(5 * plain);
    expect(devicesNeeded({ ...base, epsilon: 2, outcomes: 5 })).toBeGreaterThan(four);
    expect(devicesNeeded({ ...base, epsilon: 4, outcomes: 1 })).toBeLessThan(four);
  });

  it('power: at the devices it asks for, a seeded simulation detects the lift in about 80% of runs', () => {
    // The first outcome of the simulated funnel (impression) from 0.6 to 0.66, ε = 4, five outcomes.
    const devices = devicesNeeded({ baseline: 0.6, lift: 0.1, epsilon: 4, outcomes: 5, shares: [0.5, 0.5] });
    const scenario = { ...SCENARIO, devices, funnels: [SCENARIO.funnels[0], { ...SCENARIO.funnels[0], impression: 0.66 }] };
    let detected = 0;
    const runs = 400;
    for (let run = 0; run < runs; run++) if (simulateRun(scenario, 5000 + run).outcomes[0].lifts[0].significant) detected++;
    expect(detected / runs).toBeGreaterThan(0.74);
    expect(detected / runs).toBeLessThan(0.86);
  });
});

describe('the seeded simulation: 20,000 devices, a known true lift, 200 runs', () => {
  it('the 95% interval of the lift covers the truth in 93–97% of runs', () => {
    const result = coverage(SCENARIO, 200); // ε = 4, clicks per shelf +20%, seeds 1…200
    // The primary metric: clicks on a recommendation.
    expect(result.relative.click).toBeGreaterThanOrEqual(0.93);
    expect(result.relative.click).toBeLessThanOrEqual(0.97);
    expect(result.unbounded.click).toBe(0);
    // Every outcome's difference interval, 1,000 intervals in all (each outcome from its own devices).
    const absolute = Object.values(result.absolute);
    const pooled = absolute.reduce((a, b) => a + b, 0) / absolute.length;
    expect(pooled).toBeGreaterThanOrEqual(0.93);
    expect(pooled).toBeLessThanOrEqual(0.97);
    for (const share of absolute) expect(share).toBeGreaterThanOrEqual(0.9);
  });
});
