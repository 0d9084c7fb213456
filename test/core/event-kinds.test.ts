// The event table is the only place an event is described: these tests check that validation, the
// profile's interactions, the default weights and the explanations all read it, row by row.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS, EVENT_KINDS, INTERACTION_KINDS, KNOWN_EVENTS, eventRow, resolveWeights, strongerKind } from '../../core/event-kinds.ts';
import { describePast } from '../../core/explain.ts';
import { eventToInteractions } from '../../core/interactions.ts';
import { validateEvent } from '../../src/events.ts';

const sample: Record<string, unknown> = { product_id: 'p1', order_id: 'o1', products: [{ product_id: 'p1' }], query: 'tent' };

describe('core/event-kinds: one row per event', () => {
  it('lists every known event once', () => {
    expect(new Set(KNOWN_EVENTS).size).toBe(EVENT_KINDS.length);
    expect(KNOWN_EVENTS).toContain('Product Viewed');
  });

  it.each(EVENT_KINDS.map((row) => [row.name, row] as const))('%s: validation requires exactly its properties', (name, row) => {
    const full = Object.fromEntries(row.required.map((key) => [key, sample[key]]));
    expect(validateEvent(name, full).ok).toBe(true);
    for (const key of row.required) {
      const missing = { ...full };
      delete missing[key];
      const result = validateEvent(name, missing);
      expect(result.ok, `${name} without ${key}`).toBe(false);
    }
  });

  it.each(EVENT_KINDS.filter((row) => 'kind' in row).map((row) => [row.name, row] as const))('%s: becomes its kind with its default weight', (name, row) => {
    const interactions = eventToInteractions({ seq: 1, ts: 1, event: name, properties: sample });
    expect(interactions).toHaveLength(1);
    expect(interactions[0].kind).toBe(row.kind);
    expect(interactions[0].weight).toBe(row.weight);
    expect(DEFAULT_WEIGHTS[interactions[0].kind]).toBe(row.weight);
  });

  it('events without a kind carry no interest', () => {
    for (const row of EVENT_KINDS.filter((r) => !('kind' in r))) {
      expect(eventToInteractions({ seq: 1, ts: 1, event: row.name, properties: sample })).toEqual([]);
    }
  });

  it('explanations use the row\'s phrase; kinds with the same phrase are named together', () => {
    expect(describePast([{ kind: 'order', title: 'Tent' }])).toBe('bought Tent');
    expect(describePast([{ kind: 'addToCart', title: 'Stove' }])).toBe('added Stove to your cart');
    expect(describePast([{ kind: 'click', title: 'A' }, { kind: 'view', title: 'B' }])).toBe('viewed A and B');
    expect(describePast([{ kind: 'search', title: 'rain' }])).toBe('searched for "rain"');
  });

  it('strength follows table order; weights merge over the table\'s defaults and name a bad key', () => {
    expect(INTERACTION_KINDS[0]).toBe('order');
    expect(strongerKind('view', 'order')).toBe('order');
    expect(strongerKind('addToCart', 'click')).toBe('addToCart');
    expect(resolveWeights({ remove: -1 }).remove).toBe(-1);
    expect(() => resolveWeights({ view: Number.NaN })).toThrow(/"view"/);
    expect(eventRow('Nope')).toBeUndefined();
  });
});
