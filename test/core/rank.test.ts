import { describe, expect, it } from 'vitest';
import { applyInteraction, createProfile } from '../../core/profile.ts';
import { fallbackRank, rank } from '../../core/rank.ts';
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

function profileOf(...events: [Interaction['kind'], number, string, number?][]) {
  const p = createProfile('m', 4);
  events.forEach(([kind, weight, itemId, daysAgo = 0], n) =>
    applyInteraction(p, { seq: n + 1, ts: NOW - daysAgo * 86_400_000, kind, weight, itemId, title: `event title ${itemId}` }, vectorOf(itemId)),
  );
  return p;
}

const ids = (r: { items: { id: string }[] }) => r.items.map((i) => i.id);

describe('rank with a profile', () => {
  it('ranks by similarity to the profile and drops out-of-stock items', () => {
    const r = rank({ matrix, items, profile: profileOf(['view', 1, 'jacket']), now: NOW, lambda: 1 });
    expect(r.strategy).toBe('profile');
    expect(ids(r)[0]).toBe('jacket');
    expect(ids(r)).not.toContain('poncho');
    expect(r.items).toHaveLength(7);
    for (let i = 1; i < r.items.length; i++) expect(r.items[i - 1].score).toBeGreaterThanOrEqual(r.items[i].score);
  });

  it('filters purchased and excluded items and respects the limit', () => {
    const r = rank({
      matrix,
      items,
      profile: profileOf(['view', 1, 'trail']),
      now: NOW,
      purchased: new Set(['road']),
      exclude: ['trail'],
      limit: 2,
    });
    expect(ids(r)).toHaveLength(2);
    expect(ids(r)).not.toContain('road');
    expect(ids(r)).not.toContain('trail');
    expect(ids(r)[0]).toBe('socks');
  });

  it('diversifies with MMR: λ < 1 changes the order λ = 1 gives', () => {
    const profile = profileOf(['view', 1, 'trail'], ['view', 0.5, 'jacket']);
    const pure = ids(rank({ matrix, items, profile, now: NOW, lambda: 1, limit: 3 }));
    const diverse = ids(rank({ matrix, items, profile, now: NOW, lambda: 0.3, limit: 3 }));
    expect(pure).toEqual(['trail', 'road', 'socks']);
    expect(diverse[0]).toBe('trail');
    expect(diverse).toContain('jacket');
    expect(diverse).not.toEqual(pure);
  });

  it('explains a pick by the interactions pulling it up most, with catalogue titles', () => {
    const profile = profileOf(['view', 1, 'trail'], ['order', 8, 'jacket', 30], ['view', 1, 'tent', 400]);
    const r = rank({ matrix, items, profile, now: NOW, exclude: ['trail', 'jacket'], lambda: 1 });
    const road = r.items.find((i) => i.id === 'road')!;
    expect(road.reason.kind).toBe('profile');
    expect(road.reason.because[0]).toEqual({ itemId: 'trail', title: 'Trail Runner GTX', event: 'Product Viewed' });
    expect(road.reason.text).toMatch(/^Because you viewed Trail Runner GTX/);
    const poncholike = rank({ matrix, items, profile, now: NOW, exclude: ['trail', 'jacket', 'road', 'socks', 'umbrella'], lambda: 1 });
    const top = poncholike.items[0];
    expect(top.id).toBe('tent');
    // The order is old but heavy; the tent view is 400 days old and nearly gone.
    expect(top.reason.because[0]).toMatchObject({ itemId: 'jacket', event: 'Order Completed' });
    expect(top.reason.text).toMatch(/^Because you bought Rain Jacket/);
  });

  it('never explains an item by itself, and uses getItemTitle when given', () => {
    const profile = profileOf(['view', 1, 'trail'], ['view', 1, 'road']);
    const r = rank({ matrix, items, profile, now: NOW, getItemTitle: (id) => `Title of ${id}` });
    const trail = r.items.find((i) => i.id === 'trail')!;
    expect(trail.reason.because.map((b) => b.itemId)).toEqual(['road']);
    expect(trail.reason.text).toBe('Because you viewed Title of road');
  });

  it('words several reasons naturally', () => {
    const p = createProfile('m', 4);
    const at = (seq: number, i: Omit<Interaction, 'seq' | 'ts'>, v: number[]) =>
      applyInteraction(p, { seq, ts: NOW, ...i }, Float32Array.from(v));
    at(1, { kind: 'view', weight: 1, itemId: 'trail' }, [1, 0.1, 0, 0]);
    at(2, { kind: 'click', weight: 1, itemId: 'road' }, [1, 0, 0, 0.05]);
    expect(rank({ matrix, items, profile: p, now: NOW, limit: 1, lambda: 1, exclude: ['trail', 'road'] }).items[0].reason.text).toBe(
      'Because you viewed Road Racer and Trail Runner GTX', // socks sit a hair closer to the road shoe
    );
    at(3, { kind: 'search', weight: 5, query: 'rain', title: 'rain' }, [0, 1, 0, 0]);
    const r = rank({ matrix, items, profile: p, now: NOW, limit: 1, lambda: 1, exclude: ['trail', 'road', 'socks', 'jacket', 'umbrella'] });
    expect(r.items[0].reason.because[0]).toEqual({ title: 'rain', event: 'Products Searched' });
    expect(r.items[0].reason.text).toMatch(/^Because you searched for "rain" and viewed /);
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

describe('rank candidate pool', () => {
  it('keeps the earlier of equal scores at the pool boundary', () => {
    // Pool = 4 × limit = 12: 'a', then eleven equal 'u's fill it; 'w' scores the
    // same as the 'u's but would win the diversity contest if it got in.
    const rows = [[1, 0], ...Array.from({ length: 11 }, () => [0.6, 0.8]), [0.6, -0.8]];
    const pooled: CatalogItem[] = rows.map((_, i) => ({ id: i === 0 ? 'a' : i === 12 ? 'w' : `u${i}`, title: `${i}`, inStock: true }));
    const m = VectorMatrix.fromRows(rows.map((r) => Float32Array.from(r)));
    const p = createProfile('m', 2);
    applyInteraction(p, { seq: 1, ts: NOW, kind: 'view', weight: 1, itemId: 'elsewhere' }, Float32Array.of(1, 0));
    expect(ids(rank({ matrix: m, items: pooled, profile: p, now: NOW, limit: 3, lambda: 0.5 }))).toEqual(['a', 'u1', 'u2']);
    // With a bigger pool, 'w' gets in and diversity picks it.
    expect(ids(rank({ matrix: m, items: pooled, profile: p, now: NOW, limit: 4, lambda: 0.5 }))).toEqual(['a', 'u1', 'w', 'u2']);
  });
});

describe('rank with a context item', () => {
  it('shows similar items without a profile, never the item itself', () => {
    const r = rank({ matrix, items, profile: null, now: NOW, context: { itemId: 'trail' }, lambda: 1 });
    expect(r.strategy).toBe('similar');
    expect(ids(r)).not.toContain('trail');
    expect(ids(r).slice(0, 2)).toEqual(['road', 'socks']);
    expect(r.items[0].reason).toEqual({
      kind: 'similar',
      text: 'Similar to Trail Runner GTX',
      because: [{ itemId: 'trail', title: 'Trail Runner GTX', event: 'context' }],
    });
  });

  it('blends context and profile by the context weight', () => {
    const profile = profileOf(['order', 8, 'tent']);
    const heavy = rank({ matrix, items, profile, now: NOW, context: { itemId: 'jacket', weight: 0.9 }, lambda: 1 });
    const light = rank({ matrix, items, profile, now: NOW, context: { itemId: 'jacket', weight: 0.1 }, lambda: 1 });
    expect(heavy.strategy).toBe('blend');
    expect(ids(heavy)[0]).toBe('umbrella'); // closest to the jacket (poncho is out of stock)
    expect(ids(light)[0]).toBe('tent');
    expect(heavy.items[0].reason.text).toMatch(/^Similar to Rain Jacket/);
    expect(light.items[0].reason.because[0]).toMatchObject({ itemId: 'jacket', event: 'context' });
  });

  it('accepts a context vector instead of an item', () => {
    const r = rank({ matrix, items, profile: null, now: NOW, context: { vector: Float32Array.of(0, 0, 0, 2) } });
    expect(ids(r)[0]).toBe('pan');
    expect(r.items[0].reason.text).toBe('Similar to this item');
  });
});

describe('cold start and fallback', () => {
  it('uses popularity, then shop order, without a profile or context', () => {
    for (const profile of [null, createProfile('m', 4)]) {
      const r = rank({ matrix, items, profile, now: NOW, purchased: new Set(['road']) });
      expect(r.strategy).toBe('popular');
      // poncho (20) is out of stock, road (9) purchased; then the unrated items in shop order.
      expect(ids(r)).toEqual(['jacket', 'trail', 'pan', 'socks', 'tent', 'umbrella']);
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
  });
});
