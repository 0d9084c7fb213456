// Popularity, then the shop's own order: the ranking that needs no vectors and no model. It answers
// before consent (on the main thread, engine/fallback.ts), at cold start, and whenever the model is
// missing. It imports nothing of the vector code, so the page's fallback chunk stays small.

import { DEFAULT_LIMIT } from './ranking-config.ts';
import type { CatalogItem, ReasonKind, Recommendation } from './types.ts';

export interface RankResult {
  items: Recommendation[];
  strategy: ReasonKind;
  /** Set when fewer than `limit` items are listed because no more are related enough to the item on screen. */
  limitedBy?: 'min-similarity';
}

export interface FallbackOptions {
  limit?: number;
  exclude?: readonly string[];
  purchased?: ReadonlySet<string>;
  inCart?: ReadonlySet<string>;
  /** The item on screen, never recommended to itself. */
  contextItemId?: string;
}

export { DEFAULT_LIMIT };

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`rank: limit must be a non-negative integer, got ${limit}`);
}

/** In stock, not the item on screen, in none of the excluded sets. */
export function eligibleMask(items: readonly CatalogItem[], excluded: ReadonlySet<string>[], contextItemId: string | undefined): Uint8Array {
  const mask = new Uint8Array(items.length);
  const sets = excluded.filter((set) => set.size > 0);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    let ok = item.inStock !== false && item.id !== contextItemId;
    for (let k = 0; ok && k < sets.length; k++) ok = !sets[k].has(item.id);
    mask[i] = ok ? 1 : 0;
  }
  return mask;
}

/** Popularity, then shop order; no vectors needed (cold start, or no model). */
export function fallbackRank(items: readonly CatalogItem[], options: FallbackOptions = {}): RankResult {
  const limit = options.limit ?? DEFAULT_LIMIT;
  checkLimit(limit);
  const excluded = [new Set(options.exclude ?? []), options.purchased ?? new Set<string>(), options.inCart ?? new Set<string>()];
  const mask = eligibleMask(items, excluded, options.contextItemId);
  const order: number[] = [];
  let maxPopularity = 0;
  for (let i = 0; i < items.length; i++) {
    if (!mask[i]) continue;
    order.push(i);
    const p = items[i].popularity;
    if (p !== undefined && p > maxPopularity) maxPopularity = p;
  }
  const anyPopularity = order.some((i) => items[i].popularity !== undefined);
  // Items without a popularity figure go after those with one; Array.sort is stable (shop order).
  if (anyPopularity) order.sort((a, b) => (items[b].popularity ?? -1) - (items[a].popularity ?? -1));
  const out: Recommendation[] = order.slice(0, limit).map((i) => {
    const item = items[i];
    if (item.popularity !== undefined) {
      return {
        id: item.id,
        score: maxPopularity > 0 ? item.popularity / maxPopularity : 0,
        reason: { kind: 'popular', text: 'Popular in this shop', because: [] },
      };
    }
    return { id: item.id, score: 0, reason: { kind: 'shop-order', text: 'Featured by the shop', because: [] } };
  });
  return { items: out, strategy: anyPopularity ? 'popular' : 'shop-order' };
}

