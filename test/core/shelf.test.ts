import { describe, expect, it } from 'vitest';
import { PageShelves } from '../../core/page-shelves.ts';
import { cartItems, seenItems } from '../../core/shelf.ts';
import type { StoredEvent } from '../../core/types.ts';

let seq = 0;
const ev = (event: string, properties: Record<string, unknown>): StoredEvent => ({ seq: ++seq, ts: 1_000 * seq, event, properties });
const add = (id: string) => ev('Product Added', { product_id: id });

describe('shelf rules', () => {
  it('keeps in the cart what was added and not since removed or ordered', () => {
    const events = [
      add('tent'),
      add('stove'),
      add('mat'),
      ev('Product Removed', { product_id: 'stove' }),
      ev('Order Completed', { order_id: '1', products: [{ product_id: 'tent' }] }),
      ev('Product Viewed', { product_id: 'pan' }),
      add('sock'),
      ev('Cart Viewed', {}),
    ];
    expect([...cartItems(events)].sort()).toEqual(['mat', 'sock']);
    expect([...cartItems([...events, add('stove')])].sort()).toEqual(['mat', 'sock', 'stove']);
  });

  it('lists every item the shopper interacted with as seen, never a search', () => {
    const events = [ev('Product Viewed', { product_id: 'a' }), ev('Products Searched', { query: 'tent' }), add('b'), ev('Order Completed', { order_id: '2', products: [{ product_id: 'c' }] })];
    expect([...seenItems(events)].sort()).toEqual(['a', 'b', 'c']);
  });

  it('keeps two shelves of one page from repeating each other, lets a shelf keep its own items, and forgets on a new page', () => {
    const shelves = new PageShelves();
    expect(shelves.excludeFor('/p/1', 'similar', ['x'])).toEqual(['x']);
    shelves.record('/p/1', 'similar', ['a', 'b']);
    expect(shelves.excludeFor('/p/1', 'home', ['x']).sort()).toEqual(['a', 'b', 'x']);
    expect(shelves.excludeFor('/p/1', 'similar')).toEqual([]); // asked again: its own items stay
    shelves.record('/p/1', 'home', ['c', 'a']); // 'a' stays the first shelf's
    expect(shelves.excludeFor('/p/1', 'similar').sort()).toEqual(['c']);
    expect(shelves.excludeFor('/p/1', 'home').sort()).toEqual(['a', 'b']);
    expect(shelves.excludeFor('/p/2', 'home')).toEqual([]);
    shelves.record('/p/2', 'home', ['d']);
    expect(shelves.excludeFor('/p/2', 'similar')).toEqual(['d']);
  });
});
