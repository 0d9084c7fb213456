// Every behaviour event Tacit understands, described once. Validation (src/events.ts), the profile
// (interactions.ts, profile.ts), ranking weights and explanations (explain.ts) all read this table, the
// way transformers.js's SUPPORTED_TASKS is one table per extension point: adding an event kind is one
// row here, plus tests.
//
// Names follow Segment's e-commerce spec, so shops reuse the calls they already make. Each row says:
//   name      the event name passed to track()
//   required  properties track() insists on (a custom event needs none)
//   kind      the interaction it becomes in the profile (none: it says nothing about interest)
//   subject   what the interaction is about: one product (properties.product_id), every product of
//             an order (properties.products[].product_id), or a search query (properties.query)
//   weight    its default weight in the profile; negative undoes part of an earlier signal
//   past      how an explanation says it, with {items} standing for the names ("bought {items}");
//             none: never named in an explanation
//
// Rows with a kind are listed strongest first: when a shopper did several things with one item, the
// explanation names the strongest ("bought" beats "viewed").

export interface EventRow {
  readonly name: string;
  readonly required: readonly string[];
  readonly kind?: string;
  readonly subject?: 'product' | 'products' | 'query';
  readonly weight?: number;
  readonly past?: string;
}

export const EVENT_KINDS = [
  { name: 'Order Completed', required: ['order_id', 'products'], kind: 'order', subject: 'products', weight: 8, past: 'bought {items}' },
  { name: 'Product Added', required: ['product_id'], kind: 'addToCart', subject: 'product', weight: 4, past: 'added {items} to your cart' },
  { name: 'Product Clicked', required: ['product_id'], kind: 'click', subject: 'product', weight: 2, past: 'viewed {items}' },
  { name: 'Product Viewed', required: ['product_id'], kind: 'view', subject: 'product', weight: 1, past: 'viewed {items}' },
  { name: 'Products Searched', required: ['query'], kind: 'search', subject: 'query', weight: 0.75, past: 'searched for {items}' },
  // Taking an item out of the cart undoes part of the add, not all of it: the shopper did pick it up.
  { name: 'Product Removed', required: ['product_id'], kind: 'remove', subject: 'product', weight: -2 },
  { name: 'Cart Viewed', required: [] },
  // A shelf shown (list_id says which): the SDK records it for a device in an experiment, to measure impressions.
  { name: 'Product List Viewed', required: [] },
  { name: 'Checkout Started', required: [] },
  { name: 'Page Viewed', required: [] },
] as const satisfies readonly EventRow[];

type Row = (typeof EVENT_KINDS)[number];
type KindRow = Extract<Row, { kind: string }>;

/** An event name Tacit understands. */
export type KnownEventName = Row['name'];
/** What kind of signal an interaction is; each kind has a weight. */
export type InteractionKind = KindRow['kind'];
export type InteractionWeights = Record<InteractionKind, number>;

const ROWS: readonly EventRow[] = EVENT_KINDS;
const BY_NAME = new Map<string, EventRow>(ROWS.map((row) => [row.name, row]));
const BY_KIND = new Map<string, EventRow>(ROWS.filter((row) => row.kind !== undefined).map((row) => [row.kind!, row]));

export const KNOWN_EVENTS: readonly string[] = Object.freeze(ROWS.map((row) => row.name));

/** Kinds, strongest first. */
export const INTERACTION_KINDS: readonly InteractionKind[] = Object.freeze([...BY_KIND.keys()] as InteractionKind[]);

export const DEFAULT_WEIGHTS: Readonly<InteractionWeights> = Object.freeze(
  Object.fromEntries([...BY_KIND.values()].map((row) => [row.kind, row.weight ?? 0])) as InteractionWeights,
);

/** The row of an event name, if Tacit understands it. */
export function eventRow(name: string): EventRow | undefined {
  return BY_NAME.get(name);
}

/** The row an interaction kind comes from. */
export function kindRow(kind: InteractionKind): EventRow {
  return BY_KIND.get(kind)!;
}

/** The stronger of two kinds (earlier in the table). */
export function strongerKind(a: InteractionKind, b: InteractionKind): InteractionKind {
  return INTERACTION_KINDS.indexOf(b) < INTERACTION_KINDS.indexOf(a) ? b : a;
}

/**
 * Merges partial weights over the defaults; every weight must be a finite number.
 * Throws a RangeError naming the bad key.
 */
export function resolveWeights(partial: Partial<InteractionWeights> = {}): InteractionWeights {
  const weights: InteractionWeights = { ...DEFAULT_WEIGHTS };
  for (const key of INTERACTION_KINDS) {
    const value = partial[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(`interaction weight "${key}" must be a finite number, got ${String(value)}`);
    }
    weights[key] = value;
  }
  return weights;
}
