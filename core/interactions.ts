// Maps stored events (Segment e-commerce spec names) to weighted interactions.
//
//   'Order Completed'   → one `order` interaction per entry of properties.products
//   'Product Added'     → `addToCart`
//   'Product Clicked'   → `click`
//   'Product Viewed'    → `view`
//   'Products Searched' → `search`, with the query text instead of an item
//   'Product Removed'   → `remove`: a negative weight (default −2, half an add) that
//                         undoes part of the add. Not all of it: the shopper did
//                         pick the item up, which still says something.
//
// The product id is properties.product_id, else .sku, else .id (strings or finite
// numbers). Quantity is ignored on purpose: three pairs of socks are not three
// times the interest. Other events, and malformed ones, yield nothing.

import type { Interaction, InteractionKind, InteractionWeights, StoredEvent } from './types.ts';

export const DEFAULT_WEIGHTS: Readonly<InteractionWeights> = Object.freeze({
  order: 8,
  addToCart: 4,
  click: 2,
  view: 1,
  search: 0.75,
  remove: -2,
});

const MAX_QUERY_CHARS = 200;
const MAX_TITLE_CHARS = 300;

const PRODUCT_EVENTS: Readonly<Record<string, InteractionKind>> = {
  'Product Added': 'addToCart',
  'Product Clicked': 'click',
  'Product Viewed': 'view',
  'Product Removed': 'remove',
};

function readString(value: unknown, max: number): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim().slice(0, max);
  return trimmed === '' ? undefined : trimmed;
}

function own(obj: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

function productId(product: object): string | undefined {
  return (
    readString(own(product, 'product_id'), 256) ??
    readString(own(product, 'sku'), 256) ??
    readString(own(product, 'id'), 256)
  );
}

function productInteraction(
  event: StoredEvent,
  product: unknown,
  kind: InteractionKind,
  weights: InteractionWeights,
): Interaction | undefined {
  if (product === null || typeof product !== 'object') return undefined;
  const itemId = productId(product);
  if (itemId === undefined) return undefined;
  const interaction: Interaction = { seq: event.seq, ts: event.ts, kind, weight: weights[kind], itemId };
  const title = readString(own(product, 'name'), MAX_TITLE_CHARS);
  if (title !== undefined) interaction.title = title;
  return interaction;
}

/** The interactions one stored event stands for (none for unrelated or malformed events). */
export function eventToInteractions(
  event: StoredEvent,
  weights: InteractionWeights = DEFAULT_WEIGHTS,
): Interaction[] {
  if (
    event === null ||
    typeof event !== 'object' ||
    typeof event.seq !== 'number' ||
    !Number.isFinite(event.ts) ||
    event.properties === null ||
    typeof event.properties !== 'object'
  ) {
    return [];
  }
  const props = event.properties;
  const kind = PRODUCT_EVENTS[event.event];
  if (kind !== undefined) {
    const one = productInteraction(event, props, kind, weights);
    return one ? [one] : [];
  }
  if (event.event === 'Order Completed') {
    const products = own(props, 'products');
    if (!Array.isArray(products)) return [];
    const out: Interaction[] = [];
    const seen = new Set<string>();
    for (const product of products) {
      const one = productInteraction(event, product, 'order', weights);
      // The same product listed twice in one order is one purchase signal.
      if (one && !seen.has(one.itemId as string)) {
        seen.add(one.itemId as string);
        out.push(one);
      }
    }
    return out;
  }
  if (event.event === 'Products Searched') {
    const query = readString(own(props, 'query'), MAX_QUERY_CHARS);
    if (query === undefined) return [];
    return [{ seq: event.seq, ts: event.ts, kind: 'search', weight: weights.search, query, title: query }];
  }
  return [];
}

/** All interactions of a list of stored events, in the events' order. */
export function eventsToInteractions(
  events: readonly StoredEvent[],
  weights: InteractionWeights = DEFAULT_WEIGHTS,
): Interaction[] {
  const out: Interaction[] = [];
  for (const event of events) for (const i of eventToInteractions(event, weights)) out.push(i);
  return out;
}

/**
 * Merges partial weights over the defaults; every weight must be a finite number.
 * Throws a RangeError naming the bad key.
 */
export function resolveWeights(partial: Partial<InteractionWeights> = {}): InteractionWeights {
  const weights: InteractionWeights = { ...DEFAULT_WEIGHTS };
  for (const key of Object.keys(DEFAULT_WEIGHTS) as (keyof InteractionWeights)[]) {
    const value = partial[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(`interaction weight "${key}" must be a finite number, got ${String(value)}`);
    }
    weights[key] = value;
  }
  return weights;
}

/** Ids of every product in a completed order (for the `purchased` filter of rank). */
export function purchasedIds(events: readonly StoredEvent[]): Set<string> {
  const ids = new Set<string>();
  for (const event of events) {
    if (event?.event !== 'Order Completed') continue;
    for (const i of eventToInteractions(event)) if (i.itemId !== undefined) ids.add(i.itemId);
  }
  return ids;
}
