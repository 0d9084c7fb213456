// The `ranking` part of Tacit's configuration: every ranking setting and its default, in one place.
// The SDK resolves the shop's partial config with resolveRanking() once; the ranker reads the result.
//
// The hybrid ranker (core/hybrid.ts) scores every candidate with four channels, each scaled to 0…1 by its
// best candidate and mixed with the `channels` weights:
//   content     the embedding model, with the catalogue's mean vector removed (no hub direction)
//   lexical     exact word matches weighted by rarity: brands, model numbers (core/lexical.ts)
//   behaviour   co-occurrence neighbours from the shop's order log, if its vector file carries them
//   popularity  log(1 + popularity), a prior
// over the shopper's history, each past item weighted by what was done with it (event weights), by how
// recent it is (× `recency` per newer item, halving every `recencyHalfLifeDays`), with the newest item
// (the session context) given a `sessionContext` share of the whole, or an item on screen `contextShare`.
// The defaults were chosen on the validation split of the shared datasets (bench/recs/tune.ts,
// bench/results/recs.md): tuned on each user's second-to-last item, reported on the last.

import { resolveWeights, type InteractionWeights } from './event-kinds.ts';

export interface RankingChannels {
  content: number;
  lexical: number;
  behaviour: number;
  popularity: number;
}

export interface RankingConfig {
  /** Profile half-life in days (segments and explanations); default 14. */
  halfLifeDays?: number;
  /** Event weights (core/event-kinds.ts); partial, merged over the defaults. */
  weights?: Partial<InteractionWeights>;
  /** MMR trade-off, 1 = pure relevance (default), lower = more diverse. */
  lambda?: number;
  /** Channel weights, ≥ 0; partial, merged over the defaults. */
  channels?: Partial<RankingChannels>;
  /** Weight factor per newer item in the history, 0…1 (the newest counts 1, the one before `recency`, …). */
  recency?: number;
  /** Past items' weight halves every so many days (in the ranking; the profile has its own half-life). */
  recencyHalfLifeDays?: number;
  /** Share of the newest item (the last one viewed) in the history's weight, 0…1. */
  sessionContext?: number;
  /** Share of the item on screen when recommend() is given one and there is a history, 0…1. */
  contextShare?: number;
  /** "Similar items" only lists items at least this related (0…1); fewer items rather than unrelated ones. */
  minSimilarity?: number;
  /** Leave out every item the shopper interacted with (default false: only bought and in-cart items). */
  excludeSeen?: boolean;
}

export interface ResolvedRanking {
  halfLifeDays: number;
  weights: InteractionWeights;
  lambda: number;
  channels: RankingChannels;
  recency: number;
  recencyHalfLifeDays: number;
  sessionContext: number;
  contextShare: number;
  minSimilarity: number;
  excludeSeen: boolean;
}

/** How many items recommend() returns when the page does not say (the page's SDK and every ranking agree). */
export const DEFAULT_LIMIT = 10;

// The `/* @__PURE__ */` marks tell the bundler these calls do nothing else: a page chunk that imports only
// DEFAULT_LIMIT then carries no ranking defaults (and needs no resolveWeights from tacit.js).
export const DEFAULT_CHANNELS: Readonly<RankingChannels> = /* @__PURE__ */ Object.freeze({ content: 0.05, lexical: 0.3, behaviour: 1, popularity: 0.1 });

export const DEFAULT_RANKING: Readonly<ResolvedRanking> = /* @__PURE__ */ Object.freeze({
  halfLifeDays: 14,
  weights: /* @__PURE__ */ resolveWeights({}),
  lambda: 1,
  channels: DEFAULT_CHANNELS,
  recency: 0.9,
  recencyHalfLifeDays: 90,
  sessionContext: 0.3,
  contextShare: 0.6,
  minSimilarity: 0.2,
  excludeSeen: false,
});

function number(key: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `≥ ${min}` : `within ${min}…${max}`;
    throw new RangeError(`ranking.${key} must be a number ${range}, got ${String(value)}`);
  }
  return value;
}

/** Merges a partial ranking config over the defaults; throws a RangeError naming the bad key. */
export function resolveRanking(config: RankingConfig = {}): ResolvedRanking {
  if (config === null || typeof config !== 'object') throw new RangeError('ranking must be an object');
  const channels = { ...DEFAULT_CHANNELS };
  if (config.channels !== undefined) {
    if (config.channels === null || typeof config.channels !== 'object') throw new RangeError('ranking.channels must be an object');
    for (const key of Object.keys(channels) as (keyof RankingChannels)[]) {
      channels[key] = number(`channels.${key}`, config.channels[key], channels[key], 0, Infinity);
    }
  }
  if (config.excludeSeen !== undefined && typeof config.excludeSeen !== 'boolean') {
    throw new RangeError(`ranking.excludeSeen must be true or false, got ${String(config.excludeSeen)}`);
  }
  const d = DEFAULT_RANKING;
  return Object.freeze({
    halfLifeDays: number('halfLifeDays', config.halfLifeDays, d.halfLifeDays, Number.MIN_VALUE, Infinity),
    weights: resolveWeights(config.weights ?? {}),
    lambda: number('lambda', config.lambda, d.lambda, 0, 1),
    channels: Object.freeze(channels),
    recency: number('recency', config.recency, d.recency, 0, 1),
    recencyHalfLifeDays: number('recencyHalfLifeDays', config.recencyHalfLifeDays, d.recencyHalfLifeDays, Number.MIN_VALUE, Infinity),
    sessionContext: number('sessionContext', config.sessionContext, d.sessionContext, 0, 1),
    contextShare: number('contextShare', config.contextShare, d.contextShare, 0, 1),
    minSimilarity: number('minSimilarity', config.minSimilarity, d.minSimilarity, 0, 1),
    excludeSeen: config.excludeSeen ?? d.excludeSeen,
  });
}
