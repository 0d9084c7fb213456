import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS, resolveWeights } from '../../core/event-kinds.ts';
import { eventToInteractions, eventsToInteractions, purchasedIds } from '../../core/interactions.ts';
import type { StoredEvent } from '../../core/types.ts';

const ev = (seq: number, event: string, properties: Record<string, unknown>): StoredEvent => ({
  seq,
  ts: 1_000 * seq,
  event,
  properties,
});

describe('eventToInteractions', () => {
  it('maps each Segment e-commerce event to its kind and default weight', () => {
    const cases: [string, string, number][] = [
      ['Product Viewed', 'view', 1],
      ['Product Clicked', 'click', 2],
      ['Product Added', 'addToCart', 4],
      ['Product Removed', 'remove', -2],
    ];
    for (const [name, kind, weight] of cases) {
      expect(eventToInteractions(ev(1, name, { product_id: 'p1', name: ' Trail Runner ' }))).toEqual([
        { seq: 1, ts: 1000, kind, weight, itemId: 'p1', title: 'Trail Runner' },
      ]);
    }
    expect(DEFAULT_WEIGHTS.order).toBeGreaterThan(DEFAULT_WEIGHTS.addToCart);
    expect(DEFAULT_WEIGHTS.view).toBeGreaterThan(DEFAULT_WEIGHTS.search);
  });

  it('turns an order into one interaction per distinct product', () => {
    const out = eventToInteractions(
      ev(5, 'Order Completed', {
        order_id: 'o1',
        products: [{ product_id: 'a', name: 'A' }, { sku: 77 }, { product_id: 'a' }, 'junk', { name: 'no id' }],
      }),
    );
    expect(out).toEqual([
      { seq: 5, ts: 5000, kind: 'order', weight: 8, itemId: 'a', title: 'A' },
      { seq: 5, ts: 5000, kind: 'order', weight: 8, itemId: '77' },
    ]);
  });

  it('keeps a search as text', () => {
    expect(eventToInteractions(ev(2, 'Products Searched', { query: '  rain jacket ' }))).toEqual([
      { seq: 2, ts: 2000, kind: 'search', weight: 0.75, query: 'rain jacket', title: 'rain jacket' },
    ]);
    expect(eventToInteractions(ev(2, 'Products Searched', { query: '   ' }))).toEqual([]);
  });

  it('ignores other and malformed events', () => {
    expect(eventToInteractions(ev(1, 'Page Viewed', { product_id: 'x' }))).toEqual([]);
    expect(eventToInteractions(ev(1, 'Product Viewed', {}))).toEqual([]);
    expect(eventToInteractions(ev(1, 'Product Viewed', { product_id: { nested: 1 } }))).toEqual([]);
    expect(eventToInteractions({ seq: 1, ts: NaN, event: 'Product Viewed', properties: { product_id: 'x' } })).toEqual([]);
    expect(eventToInteractions(ev(1, 'Order Completed', { products: 'nope' }))).toEqual([]);
    expect(eventToInteractions({ seq: 1, ts: 1, event: 'Product Viewed', properties: null } as unknown as StoredEvent)).toEqual([]);
  });

  it('uses configured weights', () => {
    const weights = resolveWeights({ view: 3, remove: 0 });
    expect(eventToInteractions(ev(1, 'Product Viewed', { product_id: 'x' }), weights)[0].weight).toBe(3);
    expect(weights.order).toBe(8);
    expect(() => resolveWeights({ view: Number.NaN })).toThrow(/"view" must be a finite number/);
  });
});

describe('eventsToInteractions / purchasedIds', () => {
  it('flattens in order and collects purchased ids', () => {
    const events = [
      ev(1, 'Product Viewed', { product_id: 'a' }),
      ev(2, 'Order Completed', { products: [{ product_id: 'b' }, { product_id: 'c' }] }),
      ev(3, 'Product Added', { product_id: 'd' }),
    ];
    expect(eventsToInteractions(events).map((i) => i.itemId)).toEqual(['a', 'b', 'c', 'd']);
    expect([...purchasedIds(events)]).toEqual(['b', 'c']);
  });
});
