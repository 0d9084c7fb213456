// Shelf rules shops expect, as pure functions over the stored events (the worker folds each new event
// in with the `note…` functions, a replay with the plural ones):
//   - what is in the cart (added and not since removed or ordered) is never recommended;
//   - `excludeSeen` leaves out everything the shopper interacted with;
//   - shelves on one page never repeat each other (core/page-shelves.ts).
// Event meanings come from core/event-kinds.ts, through the interactions an event stands for.

import { eventToInteractions } from './interactions.ts';
import type { StoredEvent } from './types.ts';

/** Updates the cart with one event: an add puts an item in, a removal or an order takes it out. */
export function noteCartEvent(cart: Set<string>, event: StoredEvent): void {
  for (const i of eventToInteractions(event)) {
    if (i.itemId === undefined) continue;
    if (i.kind === 'addToCart') cart.add(i.itemId);
    else if (i.kind === 'remove' || i.kind === 'order') cart.delete(i.itemId);
  }
}

/** Items in the cart after these events (in seq order). */
export function cartItems(events: readonly StoredEvent[]): Set<string> {
  const cart = new Set<string>();
  for (const event of events) noteCartEvent(cart, event);
  return cart;
}

/** Adds the items one event is about (viewed, clicked, added, removed, bought) to `seen`. */
export function noteSeenEvent(seen: Set<string>, event: StoredEvent): void {
  for (const i of eventToInteractions(event)) if (i.itemId !== undefined) seen.add(i.itemId);
}

/** Every item the shopper interacted with (for excludeSeen). */
export function seenItems(events: readonly StoredEvent[]): Set<string> {
  const seen = new Set<string>();
  for (const event of events) noteSeenEvent(seen, event);
  return seen;
}
