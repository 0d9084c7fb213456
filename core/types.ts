// Shared data shapes of the engine core. Plain data only: everything here is
// structured-cloneable so it can cross the worker boundary and live in IndexedDB.

/** One validated candidate product from the shop's catalogue. */
export interface CatalogItem {
  id: string;
  title: string;
  description?: string;
  category?: string;
  price?: number;
  currency?: string;
  url?: string;
  image?: string;
  /** Defaults to true when the shop does not say. */
  inStock: boolean;
  popularity?: number;
}

/** One rejected catalogue row; `row` is the zero-based index in the shop's array. */
export interface CatalogError {
  row: number;
  id?: string;
  message: string;
}

/** An event as stored in the IndexedDB `events` store. */
export interface StoredEvent {
  seq: number;
  /** Milliseconds since the epoch. */
  ts: number;
  event: string;
  properties: Record<string, unknown>;
}

/** What kind of signal an interaction is; each kind has a weight. */
export type InteractionKind = 'order' | 'addToCart' | 'click' | 'view' | 'search' | 'remove';

/**
 * A weighted signal derived from a stored event. Either an item (`itemId`) or a
 * search text (`query`) — never both. Weight may be negative (a removal from the cart).
 */
export interface Interaction {
  seq: number;
  ts: number;
  kind: InteractionKind;
  weight: number;
  itemId?: string;
  query?: string;
  /** Display name for explanations (product name, or the query itself). */
  title?: string;
}

export interface InteractionWeights {
  order: number;
  addToCart: number;
  click: number;
  view: number;
  search: number;
  /** Applied to 'Product Removed'; negative to undo part of an add. */
  remove: number;
}
