// What an experiment measures on the device, read from the shopper's own stored events of one window
// (an epoch). Nothing here leaves the device: the report carries one of these values, randomized
// (core/experiments.ts).
//
// How the shop marks what came from a recommendation: recommend() answers a `listId` (a string that
// starts with "tacit:"), and the shop passes it as `list_id` with Segment's events:
//   Product List Viewed { list_id }            the SDK records it when an enrolled device is answered
//   Product Clicked     { product_id, list_id } a click on a recommended item
//   Product Added       { product_id, list_id } added to the cart straight from the shelf
// Then, within the window:
//   impression  a Tacit list was viewed (or clicked, or added from: the shopper saw it)
//   click       a Product Clicked or Product Added from a Tacit list
//   cart        a Product Added from a Tacit list, or of an item clicked or added from one earlier
//   order       an Order Completed containing an item clicked or added from a Tacit list earlier
//   revenue     the value of those orders, as a bucket (core/experiments.ts revenueBucket)
// An order's value is its `total`, else `revenue`, else `value`, else Σ price × quantity of its products.

import { eventToInteractions } from './interactions.ts';
import { isTacitList, LIST_VIEWED_EVENT, revenueBucket, type ExperimentDefinition, type OutcomeName } from './experiment-definition.ts';
import type { StoredEvent } from './types.ts';

/** Each outcome's metric, as the server reports it (one row per outcome of core/experiment-definition.ts). */
export const OUTCOMES: readonly { name: OutcomeName; metric: string }[] = [
  { name: 'impression', metric: 'share of devices shown a recommendation shelf' },
  { name: 'click', metric: 'share of devices that clicked a recommended item' },
  { name: 'cart', metric: 'share of devices that added a recommended item to the cart' },
  { name: 'order', metric: 'share of devices with an order containing a recommended item' },
  { name: 'revenue', metric: 'revenue per device from orders containing a recommended item (bucket midpoints)' },
];

export type OutcomeValues = Record<OutcomeName, number>;

/** An amount from a property: a finite number ≥ 0 (numeric strings too), else undefined. */
function amount(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** What an order was worth, from Segment's Order Completed properties. */
export function orderValue(properties: Record<string, unknown>): number {
  const stated = amount(properties.total) ?? amount(properties.revenue) ?? amount(properties.value);
  if (stated !== undefined) return stated;
  const products = Array.isArray(properties.products) ? properties.products : [];
  let sum = 0;
  for (const product of products) {
    if (typeof product !== 'object' || product === null) continue;
    const p = product as Record<string, unknown>;
    sum += (amount(p.price) ?? 0) * (amount(p.quantity) ?? 1);
  }
  return sum;
}

/** The outcomes of the events with from ≤ ts < to (events in any order; they are taken in time order). */
export function measureOutcomes(events: readonly StoredEvent[], window: { from: number; to: number }, revenueBuckets: readonly number[]): OutcomeValues {
  const inWindow = events.filter((e) => e && Number.isFinite(e.ts) && e.ts >= window.from && e.ts < window.to).sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  const values: OutcomeValues = { impression: 0, click: 0, cart: 0, order: 0, revenue: 0 };
  const recommended = new Set<string>();
  let revenue = 0;
  for (const event of inWindow) {
    const props = event.properties ?? {};
    const fromList = isTacitList(props.list_id);
    const ids = eventToInteractions(event).flatMap((i) => (i.itemId === undefined ? [] : [i.itemId]));
    switch (event.event) {
      case LIST_VIEWED_EVENT:
        if (fromList) values.impression = 1;
        break;
      case 'Product Clicked':
        if (!fromList) break;
        values.impression = values.click = 1;
        for (const id of ids) recommended.add(id);
        break;
      case 'Product Added':
        if (fromList) {
          values.impression = values.click = values.cart = 1;
          for (const id of ids) recommended.add(id);
        } else if (ids.some((id) => recommended.has(id))) values.cart = 1;
        break;
      case 'Order Completed':
        if (ids.some((id) => recommended.has(id))) {
          values.order = 1;
          revenue += orderValue(props);
        }
        break;
    }
  }
  values.revenue = revenueBucket(revenue, revenueBuckets);
  return values;
}

/** The values in the definition's outcome order (what randomizeExperiment takes). */
export function outcomeVector(values: OutcomeValues, definition: ExperimentDefinition): number[] {
  return definition.outcomes.map((name) => values[name]);
}
