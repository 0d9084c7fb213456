import { describe, expect, it } from 'vitest';
import { LIMITS, validateEvent } from '../../src/events.ts';

describe('validateEvent', () => {
  it('accepts a known event with its required property and normalises product_id to a string', () => {
    const r = validateEvent('Product Viewed', { product_id: 42, name: 'Trail Runner' });
    expect(r).toMatchObject({ ok: true, event: 'Product Viewed', properties: { product_id: '42', name: 'Trail Runner' } });
  });

  it.each([
    ['Product Viewed', {}, 'product_id is required'],
    ['Product Clicked', { product_id: '' }, 'product_id is required'],
    ['Product Added', { product_id: Number.NaN }, 'product_id is required'],
    ['Product Removed', { product_id: { id: 1 } }, 'product_id is required'],
    ['Products Searched', { query: '   ' }, 'query is required'],
    ['Order Completed', { order_id: 'o1' }, 'products is required'],
    ['Order Completed', { order_id: 'o1', products: [{ name: 'x' }] }, 'products[0].product_id is required'],
    ['Order Completed', { products: [{ product_id: 'p' }] }, 'order_id is required'],
  ])('rejects %s with %j', (event, props, message) => {
    const r = validateEvent(event, props);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  it.each([
    [undefined, 'non-empty string'],
    ['', 'non-empty string'],
    [42, 'non-empty string'],
    ['x'.repeat(LIMITS.eventNameLength + 1), 'longer than'],
  ])('rejects the event name %j', (name, message) => {
    const r = validateEvent(name, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  it('rejects properties that are not a plain object', () => {
    for (const props of [[1, 2], 'text', 5, new Map()]) {
      expect(validateEvent('Custom', props).ok).toBe(false);
    }
  });

  it('allows custom events and keeps unknown keys', () => {
    const r = validateEvent('Wishlist Shared', { list: 'summer', count: 3, public: true, note: null });
    expect(r).toMatchObject({ ok: true, properties: { list: 'summer', count: 3, public: true, note: null } });
  });

  it('cuts oversized strings and says so', () => {
    const r = validateEvent('Custom', { text: 'a'.repeat(LIMITS.stringLength + 100) });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect((r.properties.text as string).length).toBe(LIMITS.stringLength);
      expect(r.warnings.join()).toContain('cut to');
    }
  });

  it('drops __proto__, constructor and prototype keys without polluting prototypes', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"x": 1}, "prototype": 1, "ok": 1}');
    const r = validateEvent('Custom', hostile);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(Object.keys(r.properties)).toEqual(['ok']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(r.properties)).toBe(Object.prototype);
      expect(r.warnings.some((w) => w.includes('__proto__'))).toBe(true);
    }
  });

  it('keeps at most the key limit and drops over-long keys', () => {
    const many = Object.fromEntries(Array.from({ length: LIMITS.keys + 10 }, (_, i) => [`k${i}`, i]));
    const r = validateEvent('Custom', { ['x'.repeat(LIMITS.keyLength + 1)]: 1, ...many });
    expect(r.ok && Object.keys(r.properties).length).toBe(LIMITS.keys);
    expect(r.ok && Object.keys(r.properties).some((k) => k.length > LIMITS.keyLength)).toBe(false);
  });

  it('drops functions, symbols, non-finite numbers and values nested too deep; caps arrays', () => {
    const r = validateEvent('Custom', {
      fn: () => 1,
      sym: Symbol('s'),
      inf: Infinity,
      deep: { a: { b: { c: 1 } } },
      list: Array.from({ length: LIMITS.arrayLength + 5 }, (_, i) => i),
      when: new Date(0),
    });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.properties).not.toHaveProperty('fn');
      expect(r.properties).not.toHaveProperty('sym');
      expect(r.properties).not.toHaveProperty('inf');
      expect(r.properties.deep).toEqual({ a: {} });
      expect((r.properties.list as number[]).length).toBe(LIMITS.arrayLength);
      expect(r.properties.when).toBe('1970-01-01T00:00:00.000Z');
    }
  });

  it('normalises product ids inside Order Completed products', () => {
    const r = validateEvent('Order Completed', { order_id: 7, products: [{ product_id: 1 }, { product_id: 'b' }] });
    expect(r.ok && r.properties.products).toEqual([{ product_id: '1' }, { product_id: 'b' }]);
  });
});
