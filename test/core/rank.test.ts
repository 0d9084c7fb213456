import { describe, expect, it } from 'vitest';
import { applyInteraction, createProfile } from '../../core/profile.ts';
import { fallbackRank } from '../../core/popularity.ts';
import { rank } from '../../core/rank.ts';
import { resolveRanking } from '../../core/ranking-config.ts';
import type { CatalogItem, Interaction } from '../../core/types.ts';
import { VectorMatrix } from '../../core/vectors.ts';

const NOW = Date.UTC(2026, 5, 1);

/** A catalogue of hand-made 4-d vectors: axis 0 running, 1 rain, 2 camping, 3 kitchen. */
const catalog: [CatalogItem, number[]][] = [
  [{ id: 'trail', title: 'Trail Runner GTX', inStock: true, popularity: 5 }, [1, 0.1, 0, 0]],
  [{ id: 'road', title: 'Road Racer', inStock: true, popularity: 9 }, [1, 0, 0, 0.05]],
  [{ id: 'socks', title: 'Running Socks', inStock: true }, [0.9, 0, 0.1, 0]],
  [{ id: 'jacket', title: 'Rain Jacket', inStock: true, popularity: 9 }, [0.1, 1, 0, 0]],
  [{ id: 'poncho', title: 'Poncho', inStock: false, popularity: 20 }, [0, 1, 0.1, 0]],
  [{ id: 'tent', title: 'Tent', inStock: true }, [0, 0.1, 1, 0]],
  [{ id: 'pan', title: 'Frying Pan', inStock: true, popularity: 1 }, [0, 0, 0, 1]],
  [{ id: 'umbrella', title: 'Umbrella', inStock: true }, [0.2, 0.9, 0, 0]],
];
const items = catalog.map(([item]) => item);
const matrix = VectorMatrix.fromRows(catalog.map(([, v]) => Float32Array.from(v)));
const vectorOf = (id: string) => Float32Array.from(catalog.find(([item]) => item.id === id)![1]);
/** The model's channel alone: what these hand-made vectors test. */
const contentOnly = resolveRanking({ channels: { content: 1, lexical: 0, behaviour: 0, popularity: 0 } });

function profileOf(...events: [Interaction['kind'], number, string, number?][]) {
  const p = createProfile('m', 4);
  events.forEach(([kind, weight, itemId, daysAgo = 0], n) =>
    applyInteraction(p, { seq: n + 1, ts: NOW - daysAgo * 86_400_000, kind, weight, itemId, title: `event title ${itemId}` }, vectorOf(itemId)),
  );
  return p;
}

const ids = (r: { items: { id: string }[] }) => r.items.map((i) => i.id);

describe('rank with a profile', () => {
  it('ranks by similarity to the profile, drops out-of-stock items and reports scores in rank order', () => {
    const r = rank({ matrix, items, profile: profileOf(['view', 1, 'jacket']), now: NOW, ranking: contentOnly });
    expect(r.strategy).toBe('profile');
    expect(ids(r)[0]).toBe('jacket');
    expect(ids(r)[1]).toBe('umbrella');
    expect(ids(r)).not.toContain('poncho');
    for (let i = 1; i < r.items.length; i++) expect(r.items[i - 1].score).toBeGreaterThanOrEqual(r.items[i].score);
    expect(r.items[0].score).toBeLessThanOrEqual(1);
  });

  it('never recommends what was bought, is in the cart, or excluded; seen items only with excludeSeen', () => {
    const profile = profileOf(['view', 1, 'trail']);
    const base = { matrix, items, profile, now: NOW, ranking: contentOnly };
    const r = rank({ ...base, purchased: new Set(['road']), inCart: new Set(['socks']), exclude: ['pan'], limit: 3 });
    expect(ids(r)).toHaveLength(3);
    for (const id of ['road', 'socks', 'pan']) expect(ids(r)).not.toContain(id);
    expect(ids(rank({ ...base, seen: new Set(['trail']) }))).toContain('trail');
    expect(ids(rank({ ...base, seen: new Set(['trail']), excludeSeen: true }))).not.toContain('trail');
    expect(ids(rank({ ...base, seen: new Set(['trail']), ranking: resolveRanking({ ...contentOnly, excludeSeen: true }) }))).not.toContain('trail');
  });

  it('leaves out every row of an excluded id, also where the catalogue lists an id twice', () => {
    // A catalogue with 'road' twice (validateCatalog drops repeats; rank() is given what it is given).
    const twice = [...items, { ...items[1]!, title: 'Road Racer (again)' }];
    const twiceMatrix = VectorMatrix.fromRows([...catalog.map(([, v]) => Float32Array.from(v)), vectorOf('road')]);
    const base = { matrix: twiceMatrix, items: twice, profile: profileOf(['view', 1, 'trail']), now: NOW, ranking: contentOnly, limit: 8 };
    expect(ids(rank(base)).filter((id) => id === 'road')).toHaveLength(2);
    for (const excluded of [{ exclude: ['road'] }, { purchased: new Set(['road']) }, { inCart: new Set(['road']) }, { context: { itemId: 'road' } }]) {
      expect(ids(rank({ ...base, ...excluded }))).not.toContain('road');
    }
    expect(ids(rank(base))).not.toContain('poncho'); // out of stock, either way
  });

  it('diversifies with MMR: λ < 1 changes the order λ = 1 gives', () => {
    const profile = profileOf(['view', 1, 'trail'], ['view', 0.5, 'jacket', 1]);
    const pure = ids(rank({ matrix, items, profile, now: NOW, lambda: 1, limit: 3, ranking: contentOnly, exclude: ['trail', 'jacket'] }));
    const diverse = ids(rank({ matrix, items, profile, now: NOW, lambda: 0.3, limit: 3, ranking: contentOnly, exclude: ['trail', 'jacket'] }));
    expect(pure.slice(0, 2)).toEqual(['road', 'socks']);
    expect(diverse[0]).toBe('road');
    expect(diverse).not.toEqual(pure);
  });

  it('breaks ties by shop order', () => {
    const twins: CatalogItem[] = ['x', 'y', 'z'].map((id) => ({ id, title: id, inStock: true }));
    const m = VectorMatrix.fromRows([Float32Array.of(1, 0), Float32Array.of(1, 0), Float32Array.of(1, 0)]);
    const p = createProfile('m', 2);
    applyInteraction(p, { seq: 1, ts: NOW, kind: 'view', weight: 1, itemId: 'other' }, Float32Array.of(1, 0));
    expect(ids(rank({ matrix: m, items: twins, profile: p, now: NOW, lambda: 1 }))).toEqual(['x', 'y', 'z']);
    expect(ids(rank({ matrix: m, items: twins, profile: p, now: NOW, lambda: 0.5 }))).toEqual(['x', 'y', 'z']);
  });
});

describe('rank with a context item ("Similar items")', () => {
  it('shows similar items without a profile, never the item itself', () => {
    const r = rank({ matrix, items, profile: null, now: NOW, context: { itemId: 'trail' }, ranking: contentOnly });
    expect(r.strategy).toBe('similar');
    expect(ids(r)).not.toContain('trail');
    expect(ids(r).slice(0, 2)).toEqual(['road', 'socks']);
    expect(r.items[0].reason).toEqual({
      kind: 'similar',
      text: 'Similar to Trail Runner GTX',
      because: [{ itemId: 'trail', title: 'Trail Runner GTX', event: 'context' }],
    });
  });

  it('lists fewer items rather than unrelated ones, and says so', () => {
    const r = rank({ matrix, items, profile: null, now: NOW, context: { itemId: 'pan' }, ranking: contentOnly });
    expect(ids(r)).toEqual([]);
    expect(r.limitedBy).toBe('min-similarity');
    const trail = rank({ matrix, items, profile: null, now: NOW, context: { itemId: 'trail' }, ranking: resolveRanking({ ...contentOnly, minSimilarity: 0.5 }) });
    expect(ids(trail)).toEqual(['road', 'socks']);
    expect(trail.limitedBy).toBe('min-similarity');
    const all = rank({ matrix, items, profile: null, now: NOW, context: { itemId: 'trail' }, ranking: resolveRanking({ ...contentOnly, minSimilarity: 0 }) });
    expect(all.limitedBy).toBeUndefined();
    expect(ids(all)).toHaveLength(6); // 0: no threshold, every eligible item
  });

  it('blends context and profile by the context weight', () => {
    const profile = profileOf(['order', 8, 'socks']);
    const base = { matrix, items, profile, now: NOW, purchased: new Set(['socks']) };
    const heavy = rank({ ...base, context: { itemId: 'jacket', weight: 0.9 }, ranking: contentOnly });
    const light = rank({ ...base, context: { itemId: 'jacket', weight: 0.1 }, ranking: resolveRanking({ ...contentOnly, minSimilarity: 0 }) });
    expect(heavy.strategy).toBe('blend');
    expect(ids(heavy)[0]).toBe('umbrella'); // closest to the jacket (poncho is out of stock)
    expect(ids(light)[0]).toBe('trail');
    expect(heavy.items[0].reason.text).toBe('Similar to Rain Jacket');
    expect(light.items[0].reason.text).toBe('Because you bought Running Socks');
  });

  it('accepts a context vector instead of an item', () => {
    const r = rank({ matrix, items, profile: null, now: NOW, context: { vector: Float32Array.of(0, 0, 0, 2) }, ranking: contentOnly });
    expect(ids(r)[0]).toBe('pan');
    expect(r.items[0].reason.text).toBe('Similar to this item');
  });
});

describe('cold start and fallback', () => {
  it('uses popularity, then shop order, without a profile or context', () => {
    for (const profile of [null, createProfile('m', 4)]) {
      const r = rank({ matrix, items, profile, now: NOW, purchased: new Set(['road']), inCart: new Set(['socks']) });
      expect(r.strategy).toBe('popular');
      // poncho (20) is out of stock, road (9) purchased, socks in the cart; then the unrated items in shop order.
      expect(ids(r)).toEqual(['jacket', 'trail', 'pan', 'tent', 'umbrella']);
      expect(r.items[0].reason).toEqual({ kind: 'popular', text: 'Popular in this shop', because: [] });
      expect(r.items[3].reason.kind).toBe('shop-order');
    }
  });

  it('falls back to shop order when nothing has a popularity', () => {
    const plain = items.map(({ popularity: _p, ...rest }) => rest);
    const r = fallbackRank(plain, { limit: 3, contextItemId: 'trail', exclude: ['socks'] });
    expect(r.strategy).toBe('shop-order');
    expect(ids(r)).toEqual(['road', 'jacket', 'tent']);
    expect(r.items.every((i) => i.score === 0)).toBe(true);
  });
});

describe('rank input errors', () => {
  it('names what is wrong', () => {
    const profile = profileOf(['view', 1, 'trail']);
    expect(() => rank({ matrix, items: items.slice(1), profile, now: NOW })).toThrow(/8 rows but there are 7 items/);
    expect(() => rank({ matrix, items, profile: createProfile('m', 8), now: NOW })).toThrow(/8 dims/);
    expect(() => rank({ matrix, items, profile, now: NOW, lambda: 2 })).toThrow(/lambda/);
    expect(() => rank({ matrix, items, profile, now: NOW, limit: -1 })).toThrow(/limit/);
    expect(() => rank({ matrix, items, profile, now: NOW, context: { vector: new Float32Array(3) } })).toThrow(/3 dims/);
    expect(() => rank({ matrix, items, profile, now: NOW, context: { itemId: 'road', weight: 1.5 } })).toThrow(/context.weight/);
  });
});
