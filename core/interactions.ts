// Maps stored events to weighted interactions, as core/event-kinds.ts describes them:
//
//   subject 'product'  → one interaction for properties.product_id
//   subject 'products' → one per entry of properties.products (an order), each product once
//   subject 'query'    → one interaction carrying the search text instead of an item
//
// The product id is properties.product_id, else .sku, else .id (strings or finite
// numbers). Quantity is ignored on purpose: three pairs of socks are not three
// times the interest. Other events, and malformed ones, yield nothing.

import { DEFAULT_WEIGHTS, eventRow, type InteractionKind, type InteractionWeights } from './event-kinds.ts';
import type { Interaction, StoredEvent } from './types.ts';

const MAX_QUERY_CHARS = 200;
const MAX_TITLE_CHARS = 300;

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
  const row = eventRow(event.event);
  if (!row?.kind) return [];
  const kind = row.kind as InteractionKind;
  switch (row.subject) {
    case 'product': {
      const one = productInteraction(event, props, kind, weights);
      return one ? [one] : [];
    }
    case 'products': {
      const products = own(props, 'products');
      if (!Array.isArray(products)) return [];
      const out: Interaction[] = [];
      const seen = new Set<string>();
      for (const product of products) {
        const one = productInteraction(event, product, kind, weights);
        // The same product listed twice in one order is one purchase signal.
        if (one && !seen.has(one.itemId as string)) {
          seen.add(one.itemId as string);
          out.push(one);
        }
      }
      return out;
    }
    case 'query': {
      const query = readString(own(props, 'query'), MAX_QUERY_CHARS);
      if (query === undefined) return [];
      return [{ seq: event.seq, ts: event.ts, kind, weight: weights[kind], query, title: query }];
    }
    default:
      return [];
  }
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

/** Ids of every product in a completed order (for the `purchased` filter of rank). */
export function purchasedIds(events: readonly StoredEvent[]): Set<string> {
  const ids = new Set<string>();
  for (const event of events) {
    if (eventRow(event?.event)?.subject !== 'products') continue;
    for (const i of eventToInteractions(event)) if (i.itemId !== undefined) ids.add(i.itemId);
  }
  return ids;
}
