import { describe, expect, it } from 'vitest';
import { deriveNeighbours, type OrderLine } from '../../core/co-occurrence.ts';
import { mulberry32 } from '../../core/random.ts';

const ids = ['tent', 'stove', 'mat', 'pan', 'sock'];
const day = 86_400_000;
/** One customer's purchases, a day apart, in this order. */
const bought = (customer: string, ...items: string[]): OrderLine[] => items.map((itemId, k) => ({ customer, ts: k * day, itemId }));
const neighbourIds = (lists: ReturnType<typeof deriveNeighbours>, id: string) => lists.lists[ids.indexOf(id)].rows.map((r) => ids[r]);

describe('co-occurrence neighbours from an order log', () => {
  it('never ships a pair fewer than k distinct customers have, however often one customer bought it', () => {
    const lines = [...bought('a', 'tent', 'stove', 'pan'), ...bought('b', 'tent', 'stove'), ...bought('c', 'pan', 'sock', 'pan', 'sock', 'pan')];
    const lists = deriveNeighbours(lines, ids);
    expect(neighbourIds(lists, 'tent')).toEqual(['stove']);
    expect(neighbourIds(lists, 'stove')).toEqual(['tent']);
    expect(neighbourIds(lists, 'pan')).toEqual([]); // pan–sock: one customer; stove–pan: one customer
    expect(lists.meta).toMatchObject({ minCustomers: 2, threshold: 2, customers: 3, pairs: 1, epsilon: null });
    expect(neighbourIds(deriveNeighbours(lines, ids, { minCustomers: 1 }), 'pan').sort()).toEqual(['sock', 'stove', 'tent']);
    expect(neighbourIds(deriveNeighbours(lines, ids, { minCustomers: 3 }), 'tent')).toEqual([]);
  });

  it('scores items bought soon after above items bought long after, and after above before', () => {
    const lines = [
      ...bought('a', 'tent', 'stove', 'mat', 'pan'),
      ...bought('b', 'tent', 'stove', 'mat', 'pan'),
      ...bought('c', 'sock', 'tent'),
      ...bought('d', 'sock', 'tent'),
    ];
    const lists = deriveNeighbours(lines, ids, { window: 10, distanceDecay: 0.5, backward: 0.5 });
    const score = (from: string, to: string) => {
      const l = lists.lists[ids.indexOf(from)];
      return l.scores[l.rows.indexOf(ids.indexOf(to))] ?? 0;
    };
    expect(score('tent', 'stove')).toBeGreaterThan(score('tent', 'pan'));
    expect(score('tent', 'stove')).toBeGreaterThan(score('stove', 'tent'));
    expect(score('stove', 'tent')).toBeCloseTo(0.5 * score('tent', 'stove'), 6);
    // The window: pairs further apart than it are not counted at all.
    expect(deriveNeighbours(lines, ids, { window: 1 }).lists[ids.indexOf('tent')].rows.map((r) => ids[r]).sort()).toEqual(['sock', 'stove']);
  });

  it('caps each customer to their most recent items and lists at most maxNeighbours, best first', () => {
    const long = bought('a', 'sock', 'pan', 'mat', 'stove', 'tent');
    const lines = [...long, ...bought('b', 'sock', 'pan', 'mat', 'stove', 'tent').map((l) => ({ ...l, customer: 'b' }))];
    const capped = deriveNeighbours(lines, ids, { maxItemsPerCustomer: 2 });
    expect(neighbourIds(capped, 'sock')).toEqual([]);
    expect(neighbourIds(capped, 'stove')).toEqual(['tent']);
    const few = deriveNeighbours(lines, ids, { maxNeighbours: 2 });
    for (const l of few.lists) {
      expect(l.rows.length).toBeLessThanOrEqual(2);
      for (let k = 1; k < l.scores.length; k++) expect(l.scores[k - 1]).toBeGreaterThanOrEqual(l.scores[k]);
    }
  });

  it('orders each customer by time, not by log order, and ignores unknown items', () => {
    const lines: OrderLine[] = [
      { customer: 'a', ts: 2 * day, itemId: 'stove' },
      { customer: 'a', ts: 1 * day, itemId: 'tent' },
      { customer: 'a', ts: 3 * day, itemId: 'gone' },
      { customer: 'b', ts: 1 * day, itemId: 'tent' },
      { customer: 'b', ts: 2 * day, itemId: 'stove' },
    ];
    const lists = deriveNeighbours(lines, ids, { backward: 0 });
    expect(neighbourIds(lists, 'tent')).toEqual(['stove']);
    expect(neighbourIds(lists, 'stove')).toEqual([]);
  });

  it('with epsilon adds Laplace noise and raises the threshold so a small log ships nothing', () => {
    const lines = Array.from({ length: 30 }, (_, c) => bought(`c${c}`, 'tent', 'stove')).flat();
    const plain = deriveNeighbours(lines, ids);
    expect(plain.lists[0].scores[0]).toBeCloseTo(1, 6); // 30 customers, all with both: cosine 1
    const noisy = deriveNeighbours(lines, ids, { epsilon: 1, random: mulberry32(7) });
    // Defaults m = 400, W = 10, backward 0.3: Δ = 4000·2.3 + 400 = 9600, b = 9600, τ = 1 + b·ln(4000 / 2e-6) ≈ 200,000.
    expect(noisy.meta.threshold).toBeGreaterThan(20_000);
    expect(noisy.meta).toMatchObject({ epsilon: 1, delta: 1e-6, pairs: 0 });
    const big = deriveNeighbours(Array.from({ length: 200 }, (_, c) => bought(`c${c}`, 'tent', 'stove')).flat(), ids, {
      epsilon: 10,
      window: 1,
      maxItemsPerCustomer: 2,
      random: mulberry32(7),
    });
    // Δ = 2·1·2.7 + 2 = 7.4, b = 0.74, τ ≈ 1 + 0.74·ln(2 / 2e-6) ≈ 11: 200 customers pass.
    expect(big.meta.threshold).toBeLessThan(12);
    expect(big.meta.pairs).toBe(1);
    expect(big.lists[0].scores[0]).toBeGreaterThan(0.9);
    expect(big.lists[0].scores[0]).toBeLessThan(1.1);
  });

  it('names bad options', () => {
    expect(() => deriveNeighbours([], ids, { minCustomers: 0 })).toThrow(/minCustomers must be a positive integer/);
    expect(() => deriveNeighbours([], ids, { backward: 2 })).toThrow(/backward must be within 0…1/);
    expect(() => deriveNeighbours([], ids, { epsilon: -1 })).toThrow(/epsilon must be a positive number/);
  });
});
