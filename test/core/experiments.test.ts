// An experiment's definition (core/experiment-definition.ts), checked once for init() and the server;
// the device's arm draw and the randomized experiment part of its report (core/experiments.ts).
import { describe, expect, it } from 'vitest';
import {
  armStrategy,
  checkDefinition,
  checkDeviceExperiment,
  outcomeDomainSize,
  revenueBucket,
  sameDefinition,
  OUTCOME_NAMES,
} from '../../core/experiment-definition.ts';
import { drawArm, randomizeExperiment } from '../../core/experiments.ts';
import { krrProbabilities } from '../../core/randomized-response.ts';
import { mulberry32 } from '../../core/random.ts';

describe('core/experiments: definitions', () => {
  it('fills the defaults: every outcome, revenue buckets 25 / 100 / 250, equal shares', () => {
    const checked = checkDeviceExperiment({ id: 'shelf-1', arms: ['control', 'personal'] });
    expect(checked).toEqual({
      ok: true,
      value: { id: 'shelf-1', arms: ['control', 'personal'], outcomes: OUTCOME_NAMES, revenueBuckets: [25, 100, 250], split: [0.5, 0.5] },
    });
  });

  it('normalises the split and keeps the outcomes in the order given', () => {
    const checked = checkDeviceExperiment({ id: 'a', arms: ['control', 'personal', 'personal-b'], split: [2, 1, 1], outcomes: ['order', 'click'] });
    expect(checked.ok && checked.value.split).toEqual([0.5, 0.25, 0.25]);
    expect(checked.ok && checked.value.outcomes).toEqual(['order', 'click']);
    expect(checkDeviceExperiment({ id: 'a', arms: ['control', 'personal'], split: [1, 0] }).ok).toBe(true); // ramping up
  });

  it.each([
    [null, /must be an object/],
    [{ id: 'has space', arms: ['control', 'personal'] }, /id must be/],
    [{ id: 'a', arms: ['control'] }, /2–4 arms/],
    [{ id: 'a', arms: ['control', 'popular'] }, /arm "popular" must be 'control' or 'personal'/],
    [{ id: 'a', arms: ['control', 'control'] }, /distinct/],
    [{ id: 'a', arms: ['control', 'personal'], outcomes: ['views'] }, /outcomes must list distinct outcomes/],
    [{ id: 'a', arms: ['control', 'personal'], revenueBuckets: [100, 25] }, /ascending/],
    [{ id: 'a', arms: ['control', 'personal'], split: [1] }, /one weight ≥ 0 per arm/],
    [{ id: 'a', arms: ['control', 'personal'], split: [0, 0] }, /weight > 0/],
  ])('refuses %j with a reason', (input, reason) => {
    const checked = checkDeviceExperiment(input);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.error).toMatch(reason);
  });

  it('an arm shows its strategy; labels tell arms of one strategy apart', () => {
    expect(armStrategy('control')).toBe('control');
    expect(armStrategy('control-b')).toBe('control');
    expect(armStrategy('personal-2')).toBe('personal');
  });

  it('two definitions agree only on the same id, arms, outcomes and buckets, in order', () => {
    const a = checkDefinition({ id: 'x', arms: ['control', 'personal'] });
    const b = checkDefinition({ id: 'x', arms: ['personal', 'control'] });
    const c = checkDefinition({ id: 'x', arms: ['control', 'personal'], revenueBuckets: [10] });
    if (!a.ok || !b.ok || !c.ok) throw new Error('unexpected');
    expect(sameDefinition(a.value, { ...a.value })).toBe(true);
    expect(sameDefinition(a.value, b.value)).toBe(false);
    expect(sameDefinition(a.value, c.value)).toBe(false);
  });

  it('revenue buckets: 0 for none, then one per boundary reached', () => {
    expect([0, -5, 10, 25, 99, 100, 250, 1e6].map((x) => revenueBucket(x, [25, 100, 250]))).toEqual([0, 0, 1, 2, 2, 3, 4, 4]);
    expect(outcomeDomainSize('revenue', [25, 100, 250])).toBe(5);
    expect(outcomeDomainSize('click', [25, 100, 250])).toBe(2);
  });
});

describe('core/experiments: the device draws and randomizes', () => {
  it('draws arms with the split (a share of 0 never)', () => {
    const random = mulberry32(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[drawArm([0.5, 0.5, 0], random)]++;
    expect(counts[2]).toBe(0);
    expect(Math.abs(counts[0] / 30_000 - 0.5)).toBeLessThan(0.01);
    expect(drawArm([0, 1], () => 0)).toBe(1);
    expect(drawArm([1, 0], () => 0.999999999)).toBe(0);
  });

  it('reports its arm as it is, one outcome drawn uniformly, its value kept with k-RR probability p', () => {
    const definition = { id: 'e', arms: ['control', 'personal'], outcomes: [...OUTCOME_NAMES], revenueBuckets: [25, 100, 250] };
    const random = mulberry32(9);
    const values = [1, 1, 0, 0, 3];
    const outcomeCounts = new Array(5).fill(0);
    const kept = new Array(5).fill(0);
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const part = randomizeExperiment(definition, 1, values, 1, random);
      expect(part.arm).toBe(1);
      expect(part.id).toBe('e');
      outcomeCounts[part.outcome]++;
      if (part.value === values[part.outcome]) kept[part.outcome]++;
    }
    for (let j = 0; j < 5; j++) {
      expect(Math.abs(outcomeCounts[j] / n - 0.2)).toBeLessThan(0.01);
      const { p } = krrProbabilities(j === 4 ? 5 : 2, 1);
      expect(Math.abs(kept[j] / outcomeCounts[j] - p)).toBeLessThan(0.02);
    }
    expect(() => randomizeExperiment(definition, 2, values, 1, random)).toThrow(/arm 2/);
    expect(() => randomizeExperiment(definition, 0, [1], 1, random)).toThrow(/5 outcome values/);
  });
});
