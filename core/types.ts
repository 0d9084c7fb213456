// Shared data shapes of the engine core, declared once for the worker, the SDK's public types, the CLI
// and the benchmarks. Plain data only: everything here is structured-cloneable so it can cross the
// worker boundary and live in IndexedDB.

import type { InteractionKind } from './event-kinds.ts';

export type { InteractionKind, InteractionWeights } from './event-kinds.ts';

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

/** One behaviour event as stored on the device. `seq` is unique and increasing across tabs. */
export interface StoredEvent {
  seq: number;
  /** Random per event (not per device): recognises an event saved twice around a navigation. */
  uid?: string;
  /** Milliseconds since the epoch. */
  ts: number;
  event: string;
  properties: Record<string, unknown>;
}

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

export type ReasonKind = 'profile' | 'similar' | 'blend' | 'popular' | 'shop-order';

/** One past interaction (or the item on screen) behind a recommendation. */
export interface Because {
  itemId?: string;
  /** Product name, or the search query. */
  title: string;
  /** Segment event name ('Product Viewed', 'Order Completed', …), or 'context' for the item on screen. */
  event: string;
}

/**
 * Why an item is recommended: one short reason (at most 80 characters) naming at most the one past
 * interaction, or the item on screen, behind it (core/explain.ts). `text` and every `because[].title` are
 * plain text made of the shop's titles and the shopper's queries: render them with textContent, never as HTML.
 */
export interface Explanation {
  kind: ReasonKind;
  text: string;
  because: Because[];
}

export interface Recommendation {
  id: string;
  /** The hybrid ranker's relevance, 0…1, in rank order (popularity share for the fallback; 0 for shop order). */
  score: number;
  reason: Explanation;
  /** The catalogue entry, so the shop can render the card without a lookup. */
  item?: CatalogItem;
}
