// What an experiment measures on the device, from the shopper's stored events of one window.
import { describe, expect, it } from 'vitest';
import { isTacitList, listIdFor } from '../../core/experiment-definition.ts';
import { measureOutcomes, orderValue, outcomeVector } from '../../core/experiment-outcomes.ts';
import type { StoredEvent } from '../../core/types.ts';

const LIST = listIdFor('shelf-1', 'personal');
let seq = 0;
const at = (ts: number, event: string, properties: Record<string, unknown> = {}): StoredEvent => ({ seq: ++seq, ts, event, properties });
const WINDOW = { from: 1000, to: 2000 };
const BUCKETS = [25, 100, 250];

describe('core/experiment-outcomes', () => {
  it('list ids of recommendations start with "tacit:"', () => {
    expect(LIST).toBe('tacit:shelf-1:personal');
    expect(isTacitList(LIST)).toBe(true);
    expect(isTacitList('homepage-bestsellers')).toBe(false);
    expect(isTacitList(undefined)).toBe(false);
  });

  it('follows the funnel: shelf shown, item clicked from it, added, ordered, and what the order was worth', () => {
    const events = [
      at(1100, 'Product List Viewed', { list_id: LIST }),
      at(1200, 'Product Clicked', { product_id: 'a', list_id: LIST }),
      at(1300, 'Product Added', { product_id: 'a' }),
      at(1400, 'Order Completed', { order_id: 'o1', products: [{ product_id: 'a' }, { product_id: 'z' }], total: 60 }),
    ];
    expect(measureOutcomes(events, WINDOW, BUCKETS)).toEqual({ impression: 1, click: 1, cart: 1, order: 1, revenue: 2 });
  });

  it('counts nothing the shop did not mark as a Tacit list, and nothing outside the window', () => {
    const events = [
      at(500, 'Product Clicked', { product_id: 'a', list_id: LIST }), // before the window
      at(1100, 'Product List Viewed', { list_id: 'bestsellers' }),
      at(1200, 'Product Clicked', { product_id: 'b', list_id: 'bestsellers' }),
      at(1300, 'Product Added', { product_id: 'a' }), // clicked from Tacit, but in another window
      at(1400, 'Order Completed', { order_id: 'o1', products: [{ product_id: 'a' }], total: 60 }),
      at(2000, 'Product List Viewed', { list_id: LIST }), // the window ends before 2000
    ];
    expect(measureOutcomes(events, WINDOW, BUCKETS)).toEqual({ impression: 0, click: 0, cart: 0, order: 0, revenue: 0 });
  });

  it('an add straight from the shelf is a click and a cart; an order before the click is not attributed', () => {
    const events = [
      at(1050, 'Order Completed', { order_id: 'o0', products: [{ product_id: 'c' }], total: 500 }),
      at(1100, 'Product Added', { product_id: 'c', list_id: LIST }),
      at(1500, 'Order Completed', { order_id: 'o1', products: [{ product_id: 'c', price: 10, quantity: 2 }] }),
    ];
    expect(measureOutcomes(events, WINDOW, BUCKETS)).toEqual({ impression: 1, click: 1, cart: 1, order: 1, revenue: 1 });
  });

  it('sums every attributed order of the window into one revenue bucket', () => {
    const events = [
      at(1100, 'Product Clicked', { product_id: 'a', list_id: LIST }),
      at(1200, 'Order Completed', { order_id: 'o1', products: [{ product_id: 'a' }], revenue: 80 }),
      at(1300, 'Order Completed', { order_id: 'o2', products: [{ product_id: 'a' }], value: '30' }),
    ];
    expect(measureOutcomes(events, WINDOW, BUCKETS).revenue).toBe(3); // 110: 100 ≤ x < 250
  });

  it("an order's value: total, else revenue, else value, else Σ price × quantity", () => {
    expect(orderValue({ total: 12, revenue: 10 })).toBe(12);
    expect(orderValue({ revenue: 10, value: 3 })).toBe(10);
    expect(orderValue({ total: -1, value: 3 })).toBe(3);
    expect(orderValue({ products: [{ price: 2, quantity: 3 }, { price: 5 }, 'junk', { price: 'x' }] })).toBe(11);
  });

  it("orders the values as the definition's outcomes", () => {
    const values = { impression: 1, click: 0, cart: 0, order: 1, revenue: 4 };
    expect(outcomeVector(values, { id: 'e', arms: ['control', 'personal'], outcomes: ['revenue', 'click', 'impression'], revenueBuckets: BUCKETS })).toEqual([4, 0, 1]);
  });
});
