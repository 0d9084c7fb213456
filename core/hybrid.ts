// The hybrid ranker's scoring: what the shopper did (and the item on screen) becomes weighted query
// entries, and every catalogue item gets one score per channel (content, lexical, behaviour,
// popularity; see ranking-config.ts), each scaled by its best eligible candidate and mixed by the
// channel weights. The mix is linear in the entries, so each score splits exactly into what each
// entry contributed: attribute() uses that to name the one past item that explains a pick.

import { type InteractionKind } from './event-kinds.ts';
import { accumulate, lexicalScores, sparseDot, textVector, type LexicalIndex, type SparseVector } from './lexical.ts';
import type { NeighbourIndex } from './neighbours.ts';
import { contributionsAt, decayFactor, type Profile } from './profile.ts';
import type { RankingChannels, ResolvedRanking } from './ranking-config.ts';
import type { CatalogItem } from './types.ts';
import { norm, type VectorMatrix } from './vectors.ts';
import type { PreparedQuery } from './int8-rows.ts';

const DAY_MS = 86_400_000;

/** What the ranker knows about the catalogue. */
export interface RankSignals {
  matrix: VectorMatrix;
  items: readonly CatalogItem[];
  lexical: LexicalIndex;
  neighbours?: NeighbourIndex | null;
}

/** One weighted part of the ranking query: a past item, a past search, or the item on screen. */
export interface QueryEntry {
  itemId?: string;
  /** Catalogue row of the item, when it is in the catalogue. */
  row?: number;
  query?: string;
  title: string;
  kind: InteractionKind | 'context';
  /** Share of the query; the entries' weights sum to 1. */
  weight: number;
  /** Centred, unit content vector (null when the item or query has none). */
  content: Float32Array | null;
  lexical: SparseVector;
}

/** Per-matrix constants of mean removal: the mean μ, and 1/‖x̂ⱼ − μ‖ of every (unit) row (0 for a zero row). */
interface Centring {
  mean: Float32Array;
  invRowNorm: Float32Array;
}
const centrings = new WeakMap<VectorMatrix, Centring>();

function centringOf(matrix: VectorMatrix): Centring {
  let c = centrings.get(matrix);
  if (c) return c;
  const mean = new Float32Array(matrix.dim);
  const row = new Float32Array(matrix.dim);
  let rows = 0;
  for (let i = 0; i < matrix.count; i++) {
    if (matrix.scales[i] === 0) continue;
    matrix.row(i, row);
    const n = norm(row);
    for (let k = 0; k < row.length; k++) mean[k] += row[k] / n;
    rows++;
  }
  if (rows > 0) for (let k = 0; k < mean.length; k++) mean[k] /= rows;
  const meanNorm = norm(mean);
  const rowDotMean = matrix.scoreAll(mean, new Float32Array(matrix.count));
  const invRowNorm = new Float32Array(matrix.count);
  for (let i = 0; i < matrix.count; i++) {
    if (matrix.scales[i] > 0) invRowNorm[i] = 1 / Math.sqrt(Math.max(1e-12, 1 - 2 * rowDotMean[i] * meanNorm + meanNorm * meanNorm));
  }
  centrings.set(matrix, (c = { mean, invRowNorm }));
  return c;
}

/** (v/‖v‖ − μ) / ‖v/‖v‖ − μ‖, or null for a zero vector. */
function centred(v: ArrayLike<number>, mean: Float32Array): Float32Array | null {
  const n = norm(v);
  if (!(n > 0)) return null;
  const out = new Float32Array(mean.length);
  for (let k = 0; k < out.length; k++) out[k] = v[k] / n - mean[k];
  const m = norm(out);
  if (!(m > 0)) return null;
  for (let k = 0; k < out.length; k++) out[k] /= m;
  return out;
}

export interface EntryInput {
  profile: Profile | null;
  now: number;
  /** The item on screen ("Similar items", a product page); `share` overrides ranking.contextShare. */
  context?: { itemId?: string; vector?: Float32Array; title: string; share?: number };
  rowOf(id: string): number | undefined;
  /** Display title of a past item (the catalogue's, else the one recorded with the event). */
  titleOf(id: string, recorded: string): string;
}

const keyOf = (c: { itemId?: string; query?: string }) => c.itemId ?? `query:${c.query}`;

/** The ranking query: the profile's contributions weighted by kind and recency, plus the context. */
export function queryEntries(signals: RankSignals, ranking: ResolvedRanking, input: EntryInput): QueryEntry[] {
  const { matrix, lexical } = signals;
  const { mean } = centringOf(matrix);
  const row = new Float32Array(matrix.dim);
  const entries: QueryEntry[] = [];
  if (input.profile) {
    // Most recent first; a deterministic order for ties (the products of one order share ts and seq).
    const past = contributionsAt(input.profile, input.now).sort(
      (a, b) => b.lastTs - a.lastTs || b.lastSeq - a.lastSeq || b.weight - a.weight || keyOf(a).localeCompare(keyOf(b)),
    );
    past.forEach((c, rank) => {
      const age = Math.max(0, input.now - c.lastTs);
      // The contribution's weight as it stood at its last event: the kind's weight, summed over repeats.
      const strength = c.weight / decayFactor(age, input.profile!.halfLifeMs);
      const weight = strength * ranking.recency ** rank * decayFactor(age, ranking.recencyHalfLifeDays * DAY_MS);
      if (!(weight > 0) || !Number.isFinite(weight)) return;
      const r = c.itemId === undefined ? undefined : input.rowOf(c.itemId);
      const vector = r !== undefined && matrix.scales[r] > 0 ? matrix.row(r, row) : c.vector;
      const entry: QueryEntry = {
        title: c.itemId !== undefined ? input.titleOf(c.itemId, c.title) : (c.query ?? c.title),
        kind: c.kind,
        weight,
        content: centred(vector, mean),
        lexical: r !== undefined ? lexical.rows[r] : textVector(lexical, c.query ?? c.title),
      };
      if (c.itemId !== undefined) entry.itemId = c.itemId;
      if (r !== undefined) entry.row = r;
      if (c.query !== undefined) entry.query = c.query;
      entries.push(entry);
    });
  }
  const total = entries.reduce((s, e) => s + e.weight, 0);
  for (const e of entries) e.weight /= total;
  const context = input.context;
  if (context) {
    const r = context.itemId === undefined ? undefined : input.rowOf(context.itemId);
    const vector = context.vector ?? (r !== undefined && matrix.scales[r] > 0 ? matrix.row(r, row) : null);
    const share = entries.length === 0 ? 1 : (context.share ?? ranking.contextShare);
    for (const e of entries) e.weight *= 1 - share;
    const entry: QueryEntry = {
      title: context.title,
      kind: 'context',
      weight: share,
      content: vector ? centred(vector, mean) : null,
      lexical: r !== undefined ? lexical.rows[r] : { terms: new Int32Array(0), weights: new Float32Array(0) },
    };
    if (context.itemId !== undefined) entry.itemId = context.itemId;
    if (r !== undefined) entry.row = r;
    entries.unshift(entry);
  } else if (entries.length > 1 && ranking.sessionContext > 0) {
    // The newest item is the session's context (the last thing viewed): it gets an extra share.
    for (const e of entries) e.weight *= 1 - ranking.sessionContext;
    entries[0].weight += ranking.sessionContext;
  }
  return entries.filter((e) => e.weight > 0);
}

/** log(1 + popularity) of every item, and the rows from most to least popular; once per items array (items arrays are treated as immutable). */
interface Popularity {
  values: Float32Array;
  order: Uint32Array;
}
const popularities = new WeakMap<readonly CatalogItem[], Popularity>();
function popularityOf(items: readonly CatalogItem[]): Popularity {
  let p = popularities.get(items);
  if (!p) {
    const values = new Float32Array(items.length);
    for (let i = 0; i < items.length; i++) values[i] = Math.log1p(items[i].popularity ?? 0);
    const order = new Uint32Array(items.length).map((_, i) => i).sort((a, b) => values[b] - values[a]);
    popularities.set(items, (p = { values, order }));
  }
  return p;
}

/** The most popular eligible item's value: the first eligible row in popularity order, not a pass over all. */
function maxPopularity({ values, order }: Popularity, mask: Uint8Array): number {
  for (let k = 0; k < order.length; k++) if (mask[order[k]]) return values[order[k]];
  return 0;
}

export type Channel = keyof RankingChannels;
export const CHANNELS: readonly Channel[] = ['content', 'lexical', 'behaviour', 'popularity'];

/** Every candidate's scores: `total` in 0…1, and each channel's raw score with its scale (1/best). */
export interface HybridScores {
  total: Float32Array;
  raw: Partial<Record<Channel, Float32Array>>;
  scale: Record<Channel, number>;
  /** ‖content query‖ and ‖lexical query‖: per-entry shares are divided by them. */
  contentNorm: number;
  lexicalNorm: number;
  weightSum: number;
}

function maxOver(scores: Float32Array, mask: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < scores.length; i++) if (mask[i] && scores[i] > max) max = scores[i];
  return max;
}

/** Scores every catalogue row; `mask` marks the eligible ones (channel scales come from them alone). */
export function hybridScores(signals: RankSignals, ranking: ResolvedRanking, entries: readonly QueryEntry[], mask: Uint8Array): HybridScores {
  const { matrix, lexical, neighbours, items } = signals;
  const n = items.length;
  const raw: HybridScores['raw'] = {};
  const weights = ranking.channels;
  let contentNorm = 0;
  let lexicalNorm = 0;
  // Each channel's best eligible score: the channel is scaled by it.
  const maxes = { content: 0, lexical: 0, behaviour: 0, popularity: 0 };

  if (weights.content > 0) {
    const q = new Float32Array(matrix.dim);
    for (const e of entries) if (e.content) for (let k = 0; k < q.length; k++) q[k] += e.weight * e.content[k];
    contentNorm = norm(q);
    if (contentNorm > 0) {
      const { mean, invRowNorm } = centringOf(matrix);
      let meanDotQ = 0;
      for (let k = 0; k < q.length; k++) meanDotQ += (mean[k] * q[k]) / contentNorm;
      const s = matrix.scoreAll(q, new Float32Array(n));
      // cos(q, x̂ⱼ − μ) = (x̂ⱼ·q̂ − μ·q̂) / ‖x̂ⱼ − μ‖; unrelated (negative) items and zero rows score 0.
      // The best eligible score is kept in the same pass (a second pass over 10k rows costs as much).
      let max = 0;
      for (let i = 0; i < n; i++) {
        const c = (s[i] - meanDotQ) * invRowNorm[i];
        s[i] = c > 0 ? c : 0;
        if (mask[i] && s[i] > max) max = s[i];
      }
      raw.content = s;
      maxes.content = max;
    }
  }
  if (weights.lexical > 0) {
    const query = new Map<number, number>();
    for (const e of entries) accumulate(query, e.lexical, e.weight);
    for (const w of query.values()) lexicalNorm += w * w;
    lexicalNorm = Math.sqrt(lexicalNorm);
    if (lexicalNorm > 0) {
      raw.lexical = lexicalScores(lexical, query, new Float32Array(n));
      maxes.lexical = maxOver(raw.lexical, mask);
    }
  }
  if (weights.behaviour > 0 && neighbours) {
    const s = new Float32Array(n);
    let any = false;
    for (const e of entries) {
      if (e.row === undefined) continue;
      const rows = neighbours.rows[e.row];
      const scores = neighbours.scores[e.row];
      for (let k = 0; k < rows.length; k++) (s[rows[k]] += e.weight * scores[k]), (any = true);
    }
    if (any) {
      raw.behaviour = s;
      maxes.behaviour = maxOver(s, mask);
    }
  }
  if (weights.popularity > 0) {
    const popularity = popularityOf(items);
    raw.popularity = popularity.values;
    maxes.popularity = maxPopularity(popularity, mask);
  }

  const scale = { content: 0, lexical: 0, behaviour: 0, popularity: 0 };
  let weightSum = 0;
  for (const channel of CHANNELS) if (maxes[channel] > 0) weightSum += weights[channel];
  const total = new Float32Array(n);
  for (const channel of CHANNELS) {
    if (!(maxes[channel] > 0)) continue;
    scale[channel] = weights[channel] / maxes[channel];
    // total = Σ weight · channel / its best, divided by the weights' sum: 0…1.
    const k = scale[channel] / weightSum;
    const s = raw[channel]!;
    for (let i = 0; i < n; i++) total[i] += k * s[i];
  }
  return { total, raw, scale, contentNorm, lexicalNorm, weightSum };
}

/** What one entry contributed to row `i`'s total, per channel (before dividing by the weight sum). */
export function entryShare(signals: RankSignals, scores: HybridScores, entry: QueryEntry, i: number): Record<Channel, number> {
  const { matrix, lexical, neighbours } = signals;
  const share = { content: 0, lexical: 0, behaviour: 0, popularity: 0 };
  if (scores.scale.content > 0 && entry.content && scores.raw.content![i] > 0) {
    const cos = centredCosine(matrix, entry.content, i);
    share.content = (scores.scale.content * entry.weight * cos) / scores.contentNorm;
  }
  if (scores.scale.lexical > 0) {
    share.lexical = (scores.scale.lexical * entry.weight * sparseDot(entry.lexical, lexical.rows[i])) / scores.lexicalNorm;
  }
  if (scores.scale.behaviour > 0 && neighbours && entry.row !== undefined) {
    const k = neighbours.rows[entry.row].indexOf(i);
    if (k >= 0) share.behaviour = scores.scale.behaviour * entry.weight * neighbours.scores[entry.row][k];
  }
  return share;
}

/** How related row i is to one entry (the item on screen), 0…1: the "Similar items" threshold. */
export function relatedness(signals: RankSignals, entry: QueryEntry, i: number): number {
  const { matrix, lexical, neighbours } = signals;
  if (entry.row !== undefined && neighbours?.rows[entry.row].includes(i)) return 1;
  let best = sparseDot(entry.lexical, lexical.rows[i]);
  if (entry.content && matrix.scales[i] > 0) best = Math.max(best, centredCosine(matrix, entry.content, i));
  return best;
}

/** An entry's content vector as scored against single rows: quantized once, with its dot with the mean. */
interface PreparedContent {
  matrix: VectorMatrix;
  query: PreparedQuery;
  meanDot: number;
}
// Keyed by the entry's own vector: queryEntries makes a new one per call and never changes it, so a
// ranking that checks 40 candidates (relatedness) and explains 10 (entryShare) prepares it once.
const preparedContents = new WeakMap<Float32Array, PreparedContent>();

/** cos(content, x̂ᵢ − μ): row i's centred cosine with an entry's content vector. */
function centredCosine(matrix: VectorMatrix, content: Float32Array, i: number): number {
  const { mean, invRowNorm } = centringOf(matrix);
  let prepared = preparedContents.get(content);
  if (!prepared || prepared.matrix !== matrix) {
    let meanDot = 0;
    for (let k = 0; k < mean.length; k++) meanDot += mean[k] * content[k];
    prepared = { matrix, query: matrix.prepare(content), meanDot };
    preparedContents.set(content, prepared);
  }
  return (matrix.scorePrepared(i, prepared.query) - prepared.meanDot) * invRowNorm[i];
}
