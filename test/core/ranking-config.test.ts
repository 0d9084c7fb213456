import { describe, expect, it } from 'vitest';
import { DEFAULT_RANKING, resolveRanking } from '../../core/ranking-config.ts';

describe('ranking config', () => {
  it('fills every default and merges partial channels and event weights', () => {
    expect(resolveRanking()).toEqual(DEFAULT_RANKING);
    const r = resolveRanking({ channels: { behaviour: 2 }, weights: { view: 3 }, excludeSeen: true, lambda: 0.5 });
    expect(r.channels).toEqual({ ...DEFAULT_RANKING.channels, behaviour: 2 });
    expect(r.weights.view).toBe(3);
    expect(r.weights.order).toBe(DEFAULT_RANKING.weights.order);
    expect(r.excludeSeen).toBe(true);
    expect(r.lambda).toBe(0.5);
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r.channels)).toBe(true);
  });

  it('names the bad key', () => {
    expect(() => resolveRanking({ channels: { content: -1 } })).toThrow(/ranking\.channels\.content must be a number ≥ 0/);
    expect(() => resolveRanking({ recency: 2 })).toThrow(/ranking\.recency must be a number within 0…1, got 2/);
    expect(() => resolveRanking({ sessionContext: Number.NaN })).toThrow(/ranking\.sessionContext/);
    expect(() => resolveRanking({ minSimilarity: '0.3' as never })).toThrow(/ranking\.minSimilarity/);
    expect(() => resolveRanking({ excludeSeen: 'yes' as never })).toThrow(/ranking\.excludeSeen must be true or false/);
    expect(() => resolveRanking({ halfLifeDays: 0 })).toThrow(/ranking\.halfLifeDays/);
    expect(() => resolveRanking({ weights: { view: Infinity } })).toThrow(/"view"/);
  });
});
