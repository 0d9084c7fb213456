// Ranking: score every catalogue vector against the shopper's profile (and/or
// the item they are looking at), keep the best 4×limit eligible items, then
// diversify them with maximal marginal relevance (MMR); explain.ts says why
// each pick was made.
//
// Cold start (no profile and no context) and a missing model fall back to
// popularity, then the shop's own order. Ties always go to the item earlier in
// the shop's catalogue, so the same inputs give the same list.

import { explain } from './explain.ts';
import type { Profile } from './profile.ts';
import { contributionsAt, profileVector } from './profile.ts';
import type { Because, CatalogItem, ReasonKind, Recommendation } from './types.ts';
import type { VectorMatrix } from './vectors.ts';
import { norm } from './vectors.ts';

export interface RankResult {
  items: Recommendation[];
  strategy: ReasonKind;
}

export interface RankContext {
  /** The item on screen: excluded, and its row is the context vector unless `vector` is given. */
  itemId?: string;
  vector?: Float32Array;
  /** Share of the context in a blend with the profile, 0…1 (default 0.6). */
  weight?: number;
}

export interface RankInput {
  matrix: VectorMatrix;
  /** Row i of the matrix is items[i]. Not mutated, and must not be mutated between calls (an id index is cached per array). */
  items: readonly CatalogItem[];
  profile: Profile | null;
  now: number;
  limit?: number;
  exclude?: readonly string[];
  purchased?: ReadonlySet<string>;
  context?: RankContext;
  /** MMR trade-off: 1 = pure relevance, 0 = pure diversity (default 0.7). */
  lambda?: number;
  /** Display title of an item id (e.g. for items no longer in the catalogue). */
  getItemTitle?: (id: string) => string | undefined;
}

export interface FallbackOptions {
  limit?: number;
  exclude?: readonly string[];
  purchased?: ReadonlySet<string>;
  /** The item on screen, never recommended to itself. */
  contextItemId?: string;
}

export const DEFAULT_LIMIT = 10;
export const DEFAULT_LAMBDA = 0.7;
export const DEFAULT_CONTEXT_WEIGHT = 0.6;
/** Candidates considered by MMR, as a multiple of the limit. */
const POOL_FACTOR = 4;
function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`rank: limit must be a non-negative integer, got ${limit}`);
}

function eligibleMask(
  items: readonly CatalogItem[],
  exclude: readonly string[] | undefined,
  purchased: ReadonlySet<string> | undefined,
  contextItemId: string | undefined,
): Uint8Array {
  const excluded = new Set(exclude ?? []);
  if (contextItemId !== undefined) excluded.add(contextItemId);
  const mask = new Uint8Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    mask[i] = item.inStock !== false && !excluded.has(item.id) && !(purchased?.has(item.id) ?? false) ? 1 : 0;
  }
  return mask;
}

/** Popularity, then shop order; no vectors needed (cold start, or no model). */
export function fallbackRank(items: readonly CatalogItem[], options: FallbackOptions = {}): RankResult {
  const limit = options.limit ?? DEFAULT_LIMIT;
  checkLimit(limit);
  const mask = eligibleMask(items, options.exclude, options.purchased, options.contextItemId);
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

/**
 * Indices of the `size` best eligible rows, best first; ties keep shop order.
 * Bounded insertion: O(n) comparisons for the usual case, no sort of all n.
 */
function topCandidates(scores: Float32Array, mask: Uint8Array, size: number): number[] {
  const pool: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const s = scores[i];
    if (pool.length === size && !(s > scores[pool[size - 1]])) continue;
    let at = pool.length === size ? size - 1 : pool.length;
    // Strictly greater moves up: an equal score stays behind the earlier item.
    while (at > 0 && s > scores[pool[at - 1]]) {
      if (at < size) pool[at] = pool[at - 1];
      at--;
    }
    pool[at] = i;
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

/** Ranks catalogue items for a shopper; see the module comment. */
export function rank(input: RankInput): RankResult {
  const { matrix, items, profile, now } = input;
  const limit = input.limit ?? DEFAULT_LIMIT;
  const lambda = input.lambda ?? DEFAULT_LAMBDA;
  const context = input.context;
  const contextWeight = context?.weight ?? DEFAULT_CONTEXT_WEIGHT;
  checkLimit(limit);
  if (!Number.isFinite(now)) throw new RangeError(`rank: now must be a time in ms, got ${now}`);
  if (!(lambda >= 0 && lambda <= 1)) throw new RangeError(`rank: lambda must be within 0…1, got ${lambda}`);
  if (!(contextWeight >= 0 && contextWeight <= 1)) {
    throw new RangeError(`rank: context.weight must be within 0…1, got ${contextWeight}`);
  }
  if (matrix.count !== items.length) {
    throw new RangeError(`rank: the matrix has ${matrix.count} rows but there are ${items.length} items`);
  }
  if (profile && profile.dim !== matrix.dim) {
    throw new RangeError(`rank: the profile has ${profile.dim} dims, the matrix ${matrix.dim} (model changed?)`);
  }
  const dim = matrix.dim;

  const indexOf = (id: string): number | undefined => indexOfItems(items).get(id);
  const titleOf = (id: string, fallback: string): string => {
    const fromCaller = input.getItemTitle?.(id);
    if (fromCaller) return fromCaller;
    const i = indexOf(id);
    return i !== undefined ? items[i].title : fallback || id;
  };

  // The context vector: given, or the context item's own row.
  let contextVector: Float32Array | null = null;
  if (context?.vector) {
    if (context.vector.length !== dim) {
      throw new RangeError(`rank: context.vector has ${context.vector.length} dims, the matrix ${dim}`);
    }
    if (norm(context.vector) > 0) contextVector = context.vector;
  } else if (context?.itemId !== undefined) {
    const i = indexOf(context.itemId);
    if (i !== undefined && matrix.scales[i] > 0) contextVector = matrix.row(i);
  }
  const profileVec = profile ? profileVector(profile, now) : null;

  if (!profileVec && !contextVector) {
    return fallbackRank(items, { limit, exclude: input.exclude, purchased: input.purchased, contextItemId: context?.itemId });
  }

  let strategy: ReasonKind;
  let query: Float32Array;
  if (profileVec && contextVector) {
    strategy = contextWeight === 1 ? 'similar' : contextWeight === 0 ? 'profile' : 'blend';
    const cn = norm(contextVector);
    query = new Float32Array(dim);
    for (let k = 0; k < dim; k++) query[k] = (contextWeight * contextVector[k]) / cn + (1 - contextWeight) * profileVec[k];
  } else if (contextVector) {
    strategy = 'similar';
    query = contextVector;
  } else {
    strategy = 'profile';
    query = profileVec as Float32Array;
  }

  const scores = matrix.scoreAll(query, new Float32Array(matrix.count));
  const mask = eligibleMask(items, input.exclude, input.purchased, context?.itemId);
  const pool = topCandidates(scores, mask, Math.min(POOL_FACTOR * limit, items.length));
  const picked = mmrSelect(matrix, scores, pool, limit, lambda);

  // Explanations.
  const contextBecause: Because | null =
    strategy === 'similar' || strategy === 'blend'
      ? context?.itemId !== undefined
        ? { itemId: context.itemId, title: titleOf(context.itemId, ''), event: 'context' }
        : { title: 'this item', event: 'context' }
      : null;
  const contributions = profile && strategy !== 'similar' ? contributionsAt(profile, now) : [];
  const contributionNorms = contributions.map((c) => norm(c.vector));
  const row = new Float32Array(dim);

  const out: Recommendation[] = picked.map((i) => ({
    id: items[i].id,
    score: scores[i],
    reason: explain({ strategy, itemId: items[i].id, row: matrix.row(i, row), contributions, contributionNorms, context: contextBecause, titleOf }),
  }));
  return { items: out, strategy };
}
