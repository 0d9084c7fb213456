import { describe, expect, it } from 'vitest';
import { cryptoRandom, mulberry32 } from '../../core/random.ts';
import {
  estimateCounts,
  estimateStandardError,
  krrProbabilities,
  randomizeReport,
  randomizeValue,
  reportDomain,
} from '../../core/randomized-response.ts';

const SEGMENT_IDS = Array.from({ length: 22 }, (_, index) => index + 1);
const DOMAIN = reportDomain(SEGMENT_IDS); // 0..22, d = 23
const EPSILON = 4;
const SLOTS = 3;
const EPSILON_SLOT = EPSILON / SLOTS;

describe('krrProbabilities', () => {
  it('gives exactly e^ε between keeping and each other value, and sums to 1', () => {
    for (const [d, epsilon] of [[2, 0.5], [23, EPSILON_SLOT], [23, 4], [100, 0.1]] as const) {
      const { p, q } = krrProbabilities(d, epsilon);
      expect(p / q).toBeCloseTo(Math.exp(epsilon), 12);
      expect(p + (d - 1) * q).toBeCloseTo(1, 14);
      expect(p).toBeGreaterThan(q);
    }
  });

  it('rejects a domain below 2 values and a non-positive or non-finite ε', () => {
    expect(() => krrProbabilities(1, 1)).toThrow(/domainSize/);
    expect(() => krrProbabilities(2.5, 1)).toThrow(/domainSize/);
    expect(() => krrProbabilities(5, 0)).toThrow(/epsilon/);
    expect(() => krrProbabilities(5, Number.POSITIVE_INFINITY)).toThrow(/epsilon/);
    expect(() => krrProbabilities(5, Number.NaN)).toThrow(/epsilon/);
  });
});

describe('mulberry32 and cryptoRandom', () => {
  it('mulberry32 is reproducible per seed and uniform-looking in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
    let sum = 0;
    let outOfRange = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = a();
      if (!(x >= 0 && x < 1)) outOfRange++;
      sum += x;
    }
    expect(outOfRange).toBe(0);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it('cryptoRandom returns distinct numbers in [0, 1) with mean ≈ 0.5', () => {
    const values = Array.from({ length: 20_000 }, () => cryptoRandom());
    expect(values.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(values).size).toBe(values.length);
    const mean = values.reduce((s, x) => s + x, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01); // 5 standard errors
  });
});

describe('randomizeValue / randomizeReport', () => {
  it('always answers a domain value and rejects values outside the domain', () => {
    const random = mulberry32(1);
    for (let i = 0; i < 2000; i++) expect(DOMAIN).toContain(randomizeValue(i % 23, DOMAIN, 0.5, random));
    expect(() => randomizeValue(99, DOMAIN, 1, random)).toThrow(/not in the report domain/);
  });

  it('pads with 0, keeps the strongest `slots` segments, and keeps them all at a huge ε', () => {
    const random = mulberry32(7);
    const options = { domain: DOMAIN, slots: 3, epsilon: 300 }; // p = 1 in floating point
    expect(randomizeReport([5], options, random)).toEqual([5, 0, 0]);
    expect(randomizeReport([], options, random)).toEqual([0, 0, 0]);
    expect(randomizeReport([9, 4, 17, 2, 1], options, random)).toEqual([9, 4, 17]);
  });

  it('always returns exactly `slots` domain values', () => {
    const random = mulberry32(9);
    for (let i = 0; i < 500; i++) {
      const report = randomizeReport([3, 8], { domain: DOMAIN, slots: SLOTS, epsilon: EPSILON }, random);
      expect(report).toHaveLength(SLOTS);
      for (const value of report) expect(DOMAIN).toContain(value);
    }
  });

  it('rejects unknown or duplicate segment ids, 0 as a segment, and bad options', () => {
    const random = mulberry32(3);
    const options = { domain: DOMAIN, slots: SLOTS, epsilon: EPSILON };
    expect(() => randomizeReport([40], options, random)).toThrow(/not in the taxonomy/);
    expect(() => randomizeReport([0], options, random)).toThrow(/not in the taxonomy/);
    expect(() => randomizeReport([2, 2], options, random)).toThrow(/twice/);
    expect(() => randomizeReport([2], { ...options, slots: 0 }, random)).toThrow(/slots/);
    expect(() => randomizeReport([2], { ...options, epsilon: -1 }, random)).toThrow(/epsilon/);
    expect(() => randomizeReport([2], { ...options, domain: [1, 2, 3] }, random)).toThrow(/contain 0/);
    expect(() => reportDomain([1, 1])).toThrow(/duplicate/);
    expect(() => reportDomain([0, 1])).toThrow(/≥ 1/);
  });
});

describe('ε check of the mechanism', () => {
  it('empirical P[out=y|in=a] / P[out=y|in=b] stays within e^ε_slot (and reaches it)', () => {
    const random = mulberry32(20261129);
    const trials = 200_000;
    const a = 5;
    const b = 0;
    const histogram = (input: number): Map<number, number> => {
      const counts = new Map<number, number>();
      for (let i = 0; i < trials; i++) {
        const out = randomizeValue(input, DOMAIN, EPSILON_SLOT, random);
        counts.set(out, (counts.get(out) ?? 0) + 1);
      }
      return counts;
    };
    const fromA = histogram(a);
    const fromB = histogram(b);
    const bound = Math.exp(EPSILON_SLOT);
    let maxRatio = 0;
    for (const y of DOMAIN) {
      const ratioAB = (fromA.get(y) ?? 0) / (fromB.get(y) ?? 0);
      const ratioBA = (fromB.get(y) ?? 0) / (fromA.get(y) ?? 0);
      maxRatio = Math.max(maxRatio, ratioAB, ratioBA);
    }
    // The smallest cell holds ≈ q·trials ≈ 7,000 outputs: ≈ 1.2 % relative error per
    // cell, so 6 % is beyond 4 standard errors of the ratio.
    expect(maxRatio).toBeLessThanOrEqual(bound * 1.06);
    // The bound is tight: outputs y = a and y = b reach e^ε.
    expect(maxRatio).toBeGreaterThanOrEqual(bound * 0.94);
    // Outputs other than a and b are equally likely from either input (ratio ≈ 1).
    const other = 11;
    expect((fromA.get(other) ?? 0) / (fromB.get(other) ?? 0)).toBeCloseTo(1, 0);
  });
});

describe('estimateCounts', () => {
  it('is exact on expected counts and accepts a record', () => {
    const d = DOMAIN.length;
    const { p, q } = krrProbabilities(d, EPSILON_SLOT);
    const n = 1000;
    const truth = 300;
    const expected = truth * p + (n - truth) * q;
    expect(estimateCounts(new Map([[4, expected]]), n, d, EPSILON_SLOT).get(4)).toBeCloseTo(truth, 9);
    expect(estimateCounts({ 4: expected }, n, d, EPSILON_SLOT).get(4)).toBeCloseTo(truth, 9);
    expect(() => estimateCounts({ 4: Number.NaN }, n, d, EPSILON_SLOT)).toThrow(/finite/);
    expect(() => estimateCounts({ 4: 1 }, -1, d, EPSILON_SLOT)).toThrow(/totalSlots/);
  });

  it('is unbiased: 20,000 simulated devices, every value within 3 standard errors', () => {
    const random = mulberry32(0x7ac17);
    const devices = 20_000;
    // Skewed popularity so that big, small and empty segments are all checked.
    const weights = SEGMENT_IDS.map((id) => (id === 22 ? 0 : 1 / id));
    const totalWeight = weights.reduce((s, w) => s + w, 0);
    const pickSegment = (): number => {
      let u = random() * totalWeight;
      for (let i = 0; i < SEGMENT_IDS.length; i++) {
        u -= weights[i];
        if (u < 0) return SEGMENT_IDS[i];
      }
      return SEGMENT_IDS[0];
    };
    const truth = new Map<number, number>(DOMAIN.map((v) => [v, 0]));
    const observed = new Map<number, number>(DOMAIN.map((v) => [v, 0]));
    for (let device = 0; device < devices; device++) {
      const howMany = Math.floor(random() * 4); // 0..3 segments
      const segments: number[] = [];
      while (segments.length < howMany) {
        const id = pickSegment();
        if (!segments.includes(id)) segments.push(id);
      }
      const padded = [...segments, 0, 0, 0].slice(0, SLOTS);
      for (const value of padded) truth.set(value, truth.get(value)! + 1);
      for (const value of randomizeReport(segments, { domain: DOMAIN, slots: SLOTS, epsilon: EPSILON }, random)) {
        observed.set(value, observed.get(value)! + 1);
      }
    }
    const totalSlots = devices * SLOTS;
    const estimates = estimateCounts(observed, totalSlots, DOMAIN.length, EPSILON_SLOT);
    let sumZ = 0;
    for (const value of DOMAIN) {
      const trueCount = truth.get(value)!;
      const se = estimateStandardError(trueCount, totalSlots, DOMAIN.length, EPSILON_SLOT);
      const z = (estimates.get(value)! - trueCount) / se;
      expect(Math.abs(z), `value ${value}: truth ${trueCount}, estimate ${estimates.get(value)}`).toBeLessThan(3);
      sumZ += z;
    }
    // No systematic bias across values: the mean z-score of 23 values has SE ≈ 0.21.
    expect(Math.abs(sumZ / DOMAIN.length)).toBeLessThan(0.65);
    // Sanity: the estimator is informative (the SE of a segment is far below its size).
    expect(estimateStandardError(truth.get(1)!, totalSlots, DOMAIN.length, EPSILON_SLOT)).toBeLessThan(truth.get(1)! / 5);
  });
});
