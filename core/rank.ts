// Ranking: the hybrid scores of core/hybrid.ts over the eligible catalogue (in stock, not on screen, not
// bought, not in the cart, not excluded, not seen when asked), the best 4×limit kept and, with λ < 1,
// diversified by maximal marginal relevance (MMR); explain.ts says why each pick was made.
//
// With an item on screen ("Similar items") only items related to it by at least ranking.minSimilarity
// are listed: the list is shorter, and says so (`limitedBy: 'min-similarity'`), rather than padded with
// unrelated items. Scores are each item's hybrid relevance (0…1) and come in rank order; with λ < 1 MMR
// may order a slightly less relevant, more different item first, so scores can then be out of order.
//
// Cold start (no profile and no context) and a missing model fall back to popularity, then the shop's
// own order. Ties always go to the item earlier in the shop's catalogue, so the same inputs give the
// same list.

import { explain } from './explain.ts';
import { DEFAULT_LIMIT, checkLimit, eligibleMask, fallbackRank } from './popularity.ts';
import { hybridScores, queryEntries, relatedness, type RankSignals } from './hybrid.ts';
import { lexicalIndexOf, type LexicalIndex } from './lexical.ts';
import type { NeighbourIndex } from './neighbours.ts';
import type { Profile } from './profile.ts';
import { DEFAULT_RANKING, type ResolvedRanking } from './ranking-config.ts';
import type { CatalogItem, ReasonKind, Recommendation } from './types.ts';
import type { VectorMatrix } from './vectors.ts';
import { norm } from './vectors.ts';

import type { RankResult } from './popularity.ts';

export interface RankContext {
  /** The item on screen: excluded, and its row is the context vector unless `vector` is given. */
  itemId?: string;
  vector?: Float32Array;
  /** Share of the context next to the shopper's history, 0…1 (default ranking.contextShare). */
  weight?: number;
}

export interface RankInput {
  matrix: VectorMatrix;
  /** Row i of the matrix is items[i]. Not mutated, and must not be mutated between calls (indexes are cached per array). */
  items: readonly CatalogItem[];
  profile: Profile | null;
  now: number;
  limit?: number;
  exclude?: readonly string[];
  purchased?: ReadonlySet<string>;
  /** Items in the cart now (shelf.ts cartItems): never recommended. */
  inCart?: ReadonlySet<string>;
  /** Every item the shopper interacted with (shelf.ts seenItems): left out when excludeSeen. */
  seen?: ReadonlySet<string>;
  /** Overrides ranking.excludeSeen for this call. */
  excludeSeen?: boolean;
  context?: RankContext;
  /** MMR trade-off, overrides ranking.lambda: 1 = pure relevance, 0 = pure diversity. */
  lambda?: number;
  /** The resolved `ranking` config (default DEFAULT_RANKING). */
  ranking?: ResolvedRanking;
  /** The lexical index of `items` (default: built once per items array). */
  lexical?: LexicalIndex;
  /** Co-occurrence neighbours from the catalogue's vector file, mapped to `items` (neighbours.ts). */
  neighbours?: NeighbourIndex | null;
  /** Display title of an item id (e.g. for items no longer in the catalogue). */
  getItemTitle?: (id: string) => string | undefined;
}


/** MMR's default λ (1: off), as in DEFAULT_RANKING; the SDK's config reads it from here. */
export const DEFAULT_LAMBDA = DEFAULT_RANKING.lambda;
/** Candidates considered by MMR, as a multiple of the limit. */
const POOL_FACTOR = 4;


/**
 * Indices of the `size` best eligible rows, best first; ties keep shop order.
 * Bounded insertion: O(n) comparisons for the usual case, no sort of all n.
 */
function topCandidates(scores: Float32Array, mask: Uint8Array, size: number): number[] {
  const pool: number[] = [];
  if (size === 0) return pool;
  // The score an item must beat to enter a full pool (the pool's last), kept at hand: most items don't.
  let bar = -Infinity;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const s = scores[i];
    if (pool.length === size && !(s > bar)) continue;
    let at = pool.length === size ? size - 1 : pool.length;
    // Strictly greater moves up: an equal score stays behind the earlier item.
    while (at > 0 && s > scores[pool[at - 1]]) {
      if (at < size) pool[at] = pool[at - 1];
      at--;
    }
    pool[at] = i;
    if (pool.length === size) bar = scores[pool[size - 1]];
  }
  return pool;
}

/** Maximal marginal relevance over the pool: λ·relevance − (1−λ)·max similarity to what is already picked. */
function mmrSelect(matrix: VectorMatrix, scores: Float32Array, pool: number[], limit: number, lambda: number): number[] {
  if (lambda >= 1) return pool.slice(0, limit);
  const picked: number[] = [];
  const maxSim = new Float64Array(pool.length).fill(-Infinity);
  const taken = new Uint8Array(pool.length);
  while (picked.length < limit && picked.length < pool.length) {
    let best = -1;
    let bestValue = -Infinity;
    for (let p = 0; p < pool.length; p++) {
      if (taken[p]) continue;
      const penalty = picked.length === 0 ? 0 : maxSim[p];
      const value = lambda * scores[pool[p]] - (1 - lambda) * penalty;
      if (value > bestValue) {
        bestValue = value;
        best = p;
      }
    }
    taken[best] = 1;
    const chosen = pool[best];
    picked.push(chosen);
    for (let p = 0; p < pool.length; p++) {
      if (taken[p]) continue;
      const sim = matrix.dot(pool[p], chosen);
      if (sim > maxSim[p]) maxSim[p] = sim;
    }
  }
  return picked;
}

/**
 * id → row, built once per items array (a 10k-item Map costs milliseconds, more
 * than the ranking itself). Items arrays are treated as immutable: pass a new
 * array when the catalogue changes.
 */
const indexCache = new WeakMap<readonly CatalogItem[], Map<string, number>>();
function indexOfItems(items: readonly CatalogItem[]): Map<string, number> {
  let index = indexCache.get(items);
  if (!index) {
    index = new Map();
    for (let i = 0; i < items.length; i++) if (!index.has(items[i].id)) index.set(items[i].id, i);
    indexCache.set(items, index);
  }
  return index;
}

/** In stock or not, per items array (cached like the index above: items are not changed between calls). */
const inStockCache = new WeakMap<readonly CatalogItem[], Uint8Array>();

/**
 * popularity.ts eligibleMask's rule, faster: the cached in-stock mask, then one lookup per excluded id
 * rather than a pass over the catalogue comparing ids. (With duplicate ids, where one lookup would miss
 * rows, the pass.)
 */
function eligibleRows(items: readonly CatalogItem[], index: Map<string, number>, excluded: ReadonlySet<string>[], contextItemId: string | undefined): Uint8Array {
  if (index.size !== items.length) return eligibleMask(items, excluded, contextItemId);
  let inStock = inStockCache.get(items);
  if (!inStock) {
    inStock = new Uint8Array(items.length);
    for (let i = 0; i < items.length; i++) inStock[i] = items[i].inStock !== false ? 1 : 0;
    inStockCache.set(items, inStock);
  }
  const mask = inStock.slice();
  const drop = (id: string) => {
    const row = index.get(id);
    if (row !== undefined) mask[row] = 0;
  };
  if (contextItemId !== undefined) drop(contextItemId);
  for (const set of excluded) for (const id of set) drop(id);
  return mask;
}

/** Ranks catalogue items for a shopper; see the module comment. */
export function rank(input: RankInput): RankResult {
  const { matrix, items, profile, now } = input;
  const ranking = input.ranking ?? DEFAULT_RANKING;
  const limit = input.limit ?? DEFAULT_LIMIT;
  const lambda = input.lambda ?? ranking.lambda;
  const context = input.context;
  checkLimit(limit);
  if (!Number.isFinite(now)) throw new RangeError(`rank: now must be a time in ms, got ${now}`);
  if (!(lambda >= 0 && lambda <= 1)) throw new RangeError(`rank: lambda must be within 0…1, got ${lambda}`);
  if (context?.weight !== undefined && !(context.weight >= 0 && context.weight <= 1)) {
    throw new RangeError(`rank: context.weight must be within 0…1, got ${context.weight}`);
  }
  if (matrix.count !== items.length) {
    throw new RangeError(`rank: the matrix has ${matrix.count} rows but there are ${items.length} items`);
  }
  if (profile && profile.dim !== matrix.dim) {
    throw new RangeError(`rank: the profile has ${profile.dim} dims, the matrix ${matrix.dim} (model changed?)`);
  }
  if (context?.vector && context.vector.length !== matrix.dim) {
    throw new RangeError(`rank: context.vector has ${context.vector.length} dims, the matrix ${matrix.dim}`);
  }
  const index = indexOfItems(items);
  const rowOf = (id: string): number | undefined => index.get(id);
  const titleOf = (id: string, recorded: string): string => {
    const fromCaller = input.getItemTitle?.(id);
    if (fromCaller) return fromCaller;
    const i = rowOf(id);
    return i !== undefined ? items[i].title : recorded || id;
  };
  const excluded = [new Set(input.exclude ?? []), input.purchased ?? new Set<string>(), input.inCart ?? new Set<string>()];
  if ((input.excludeSeen ?? ranking.excludeSeen) && input.seen) excluded.push(input.seen);
  const fallback = () => fallbackRank(items, { limit, exclude: [...excluded.flatMap((s) => [...s])], contextItemId: context?.itemId });

  // The item on screen counts when it has a vector (given, or its row) or words to match.
  const contextRow = context?.itemId === undefined ? undefined : rowOf(context.itemId);
  const hasContext = (context?.vector !== undefined && norm(context.vector) > 0) || contextRow !== undefined;
  const signals: RankSignals = { matrix, items, lexical: input.lexical ?? lexicalIndexOf(items), neighbours: input.neighbours };
  const entries = queryEntries(signals, ranking, {
    profile,
    now,
    rowOf,
    titleOf,
    ...(hasContext
      ? { context: { itemId: context!.itemId, vector: context!.vector, title: context!.itemId !== undefined ? titleOf(context!.itemId, '') : 'this item', share: context!.weight } }
      : {}),
  });
  const fromHistory = entries.some((e) => e.kind !== 'context');
  if (entries.length === 0) return fallback();
  const strategy: ReasonKind = hasContext ? (fromHistory ? 'blend' : 'similar') : 'profile';

  const mask = eligibleRows(items, index, excluded, context?.itemId);
  const scores = hybridScores(signals, ranking, entries, mask);
  if (!(scores.weightSum > 0)) return fallback();
  let pool = topCandidates(scores.total, mask, Math.min(POOL_FACTOR * limit, items.length));
  let limitedBy: RankResult['limitedBy'];
  if (hasContext) {
    // "Similar items": only items related to the one on screen, however few.
    const screen = entries.find((e) => e.kind === 'context')!;
    const related = pool.filter((i) => relatedness(signals, screen, i) >= ranking.minSimilarity);
    if (related.length < Math.min(limit, pool.length)) limitedBy = 'min-similarity';
    pool = related;
  }
  const picked = mmrSelect(matrix, scores.total, pool, limit, lambda);
  const out: Recommendation[] = picked.map((i) => ({
    id: items[i].id,
    score: scores.total[i],
    reason: explain({ strategy, row: i, signals, scores, entries }),
  }));
  return limitedBy ? { items: out, strategy, limitedBy } : { items: out, strategy };
}
