// The shopper's interest profile: a time-decayed, event-weighted sum of the
// embeddings of the items they interacted with and of their search queries,
//
//   P(t) = Σ wᵢ · 2^(−(t − tᵢ)/halfLife) · eᵢ        (eᵢ unit vectors)
//
// Stored lazily against a reference time r: sum = Σ wᵢ · 2^(−(r − tᵢ)/halfLife) · eᵢ,
// so P(t) = 2^(−(t − r)/halfLife) · sum. Every term decays by the same factor,
// so the profile's *direction* does not depend on t at all; only its strength
// does. r moves forward to the newest interaction (rescaling the sum), which
// keeps every factor ≤ 1 and nothing overflows, however long the history.
// Applying interactions one by one therefore equals the batch formula
// (buildProfile) up to float rounding.
//
// Besides the sum, the profile keeps its strongest per-item (and per-query) contributions, decayed
// the same way, with their vectors: the ranker's history (core/hybrid.ts) and its explanations.

import { DEFAULT_WEIGHTS, INTERACTION_KINDS, strongerKind, type InteractionKind, type InteractionWeights } from './event-kinds.ts';
import { eventToInteractions } from './interactions.ts';
import type { Interaction, StoredEvent } from './types.ts';
import { norm, quantizeRow } from './vectors.ts';

export const DEFAULT_HALF_LIFE_MS = 14 * 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_CONTRIBUTIONS = 32;
const PROFILE_FORMAT = 1;

export interface ProfileOptions {
  /** Time for an interaction's weight to halve, in ms (default 14 days). */
  halfLifeMs?: number;
  /** How many per-item contributions to keep for the ranker and explanations (default 32). */
  maxContributions?: number;
}

/** One item's (or one query's) share of the profile. */
export interface Contribution {
  /** 'item:<id>' or 'query:<text>'. */
  key: string;
  itemId?: string;
  query?: string;
  /** Product name from the events (may be empty; rank can look titles up). */
  title: string;
  /** The strongest kind of interaction seen with it (order beats a view). */
  kind: InteractionKind;
  /** Summed decayed weight at the profile's reference time. */
  weight: number;
  lastTs: number;
  /** seq of its newest interaction: orders entries of equal lastTs (0 in profiles saved before it). */
  lastSeq: number;
  /** Its unit vector, int8-quantized. */
  q: Int8Array;
  scale: number;
}

export interface Profile {
  modelId: string;
  dim: number;
  halfLifeMs: number;
  maxContributions: number;
  /** The time the sum and weights are expressed at (ms); the newest interaction's ts. */
  refTime: number;
  /** Σ wᵢ · 2^(−(refTime − tᵢ)/halfLife) · eᵢ. */
  sum: Float64Array;
  /** Σ wᵢ · 2^(−(refTime − tᵢ)/halfLife). */
  weight: number;
  /** Interactions applied (with a vector). */
  count: number;
  /** seq of the newest stored event applied: a reload only applies events after it. */
  lastSeq: number;
  contributions: Contribution[];
}

function checkOptions(options: ProfileOptions): { halfLifeMs: number; maxContributions: number } {
  const halfLifeMs = options.halfLifeMs ?? DEFAULT_HALF_LIFE_MS;
  const maxContributions = options.maxContributions ?? DEFAULT_MAX_CONTRIBUTIONS;
  if (!(halfLifeMs > 0) || !Number.isFinite(halfLifeMs)) {
    throw new RangeError(`profile: halfLifeMs must be a positive number, got ${halfLifeMs}`);
  }
  if (!Number.isInteger(maxContributions) || maxContributions < 0) {
    throw new RangeError(`profile: maxContributions must be a non-negative integer, got ${maxContributions}`);
  }
  return { halfLifeMs, maxContributions };
}

/** An empty profile for a model. */
export function createProfile(modelId: string, dim: number, options: ProfileOptions = {}): Profile {
  if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`profile: dim must be a positive integer, got ${dim}`);
  return {
    modelId,
    dim,
    ...checkOptions(options),
    refTime: 0,
    sum: new Float64Array(dim),
    weight: 0,
    count: 0,
    lastSeq: 0,
    contributions: [],
  };
}

/** 2^(−Δt/halfLife). */
export function decayFactor(deltaMs: number, halfLifeMs: number): number {
  return Math.pow(2, -deltaMs / halfLifeMs);
}

function contributionKey(i: Interaction): string | undefined {
  if (i.itemId !== undefined) return `item:${i.itemId}`;
  if (i.query !== undefined) return `query:${i.query}`;
  return undefined;
}

/** Moves the reference time forward to `t`, decaying everything stored. */
function rebase(profile: Profile, t: number): void {
  if (t <= profile.refTime) return;
  const f = decayFactor(t - profile.refTime, profile.halfLifeMs);
  const sum = profile.sum;
  for (let k = 0; k < sum.length; k++) sum[k] *= f;
  profile.weight *= f;
  for (const c of profile.contributions) c.weight *= f;
  profile.refTime = t;
}

function noteContribution(profile: Profile, i: Interaction, decayedWeight: number, unit: Float64Array): void {
  if (profile.maxContributions === 0) return;
  const key = contributionKey(i);
  if (key === undefined) return;
  const existing = profile.contributions.find((c) => c.key === key);
  if (existing) {
    existing.weight += decayedWeight;
    if (i.ts > existing.lastTs) existing.lastTs = i.ts;
    if (i.seq > existing.lastSeq) existing.lastSeq = i.seq;
    existing.kind = strongerKind(existing.kind, i.kind);
    if (!existing.title && i.title) existing.title = i.title;
    return;
  }
  const { q, scale } = quantizeRow(unit);
  const c: Contribution = { key, title: i.title ?? '', kind: i.kind, weight: decayedWeight, lastTs: i.ts, lastSeq: i.seq, q, scale };
  if (i.itemId !== undefined) c.itemId = i.itemId;
  else c.query = i.query;
  profile.contributions.push(c);
  if (profile.contributions.length > profile.maxContributions) {
    // Drop the weakest; it rarely matters which of two faint signals explains nothing.
    let weakest = 0;
    for (let j = 1; j < profile.contributions.length; j++) {
      if (profile.contributions[j].weight < profile.contributions[weakest].weight) weakest = j;
    }
    profile.contributions.splice(weakest, 1);
  }
}

/** Unit copy of a vector, or null when it is missing, the wrong size, zero or not finite. */
function unitVector(profile: Profile, vector: ArrayLike<number> | null | undefined): Float64Array | null {
  if (!vector) return null;
  if (vector.length !== profile.dim) {
    throw new RangeError(`profile: vector has ${vector.length} dims, the profile ${profile.dim}`);
  }
  const n = norm(vector);
  if (!(n > 0) || !Number.isFinite(n)) return null;
  // Float64: the profile sums in doubles, so incremental and batch agree to ~1e-12.
  const unit = new Float64Array(profile.dim);
  for (let k = 0; k < unit.length; k++) unit[k] = vector[k] / n;
  return unit;
}

/**
 * Adds one interaction, with the embedding of its item or query (normalised
 * here). Without a vector (item not embedded) nothing but lastSeq changes.
 * Does not deduplicate: feed each stored event once, in seq order (applyEvent
 * does that). Returns whether the profile changed.
 */
export function applyInteraction(
  profile: Profile,
  interaction: Interaction,
  vector: ArrayLike<number> | null | undefined,
): boolean {
  if (interaction.seq > profile.lastSeq) profile.lastSeq = interaction.seq;
  const unit = unitVector(profile, vector);
  if (!unit || !Number.isFinite(interaction.ts) || !Number.isFinite(interaction.weight) || interaction.weight === 0) {
    return false;
  }
  if (profile.count === 0 && profile.weight === 0) profile.refTime = interaction.ts;
  else rebase(profile, interaction.ts);
  const w = interaction.weight * decayFactor(profile.refTime - interaction.ts, profile.halfLifeMs);
  const sum = profile.sum;
  for (let k = 0; k < sum.length; k++) sum[k] += w * unit[k];
  profile.weight += w;
  profile.count += 1;
  noteContribution(profile, interaction, w, unit);
  return true;
}

/** Looks up the embedding of an interaction's item or query; null if unknown. */
export type VectorLookup = (interaction: Interaction) => ArrayLike<number> | null | undefined;

/**
 * Applies a stored event if it is newer than the profile (seq > lastSeq); an
 * 'Order Completed' event applies once per product. Returns whether it was new.
 */
export function applyEvent(
  profile: Profile,
  event: StoredEvent,
  vectorFor: VectorLookup,
  weights: InteractionWeights = DEFAULT_WEIGHTS,
): boolean {
  if (!(event.seq > profile.lastSeq)) return false;
  for (const i of eventToInteractions(event, weights)) applyInteraction(profile, i, vectorFor(i));
  profile.lastSeq = event.seq;
  return true;
}

/** The profile of a whole history, computed from the formula at the newest interaction's time (not via applyInteraction). */
export function buildProfile(
  modelId: string,
  dim: number,
  interactions: readonly Interaction[],
  vectorFor: VectorLookup,
  options: ProfileOptions = {},
): Profile {
  const profile = createProfile(modelId, dim, options);
  const usable: { i: Interaction; unit: Float64Array }[] = [];
  for (const i of interactions) {
    if (i.seq > profile.lastSeq) profile.lastSeq = i.seq;
    const unit = unitVector(profile, vectorFor(i));
    if (unit && Number.isFinite(i.ts) && Number.isFinite(i.weight) && i.weight !== 0) usable.push({ i, unit });
  }
  if (usable.length === 0) return profile;
  let ref = -Infinity;
  for (const { i } of usable) if (i.ts > ref) ref = i.ts;
  profile.refTime = ref;
  for (const { i, unit } of usable) {
    const w = i.weight * decayFactor(ref - i.ts, profile.halfLifeMs);
    for (let k = 0; k < dim; k++) profile.sum[k] += w * unit[k];
    profile.weight += w;
    profile.count += 1;
    noteContribution(profile, i, w, unit);
  }
  return profile;
}

/** Σ of decayed weights at `now`: how much evidence the profile rests on. */
export function profileStrength(profile: Profile, now: number): number {
  if (profile.count === 0) return 0;
  return profile.weight * decayFactor(Math.max(0, now - profile.refTime), profile.halfLifeMs);
}

/**
 * The profile direction as a unit vector, or null when there is none (no interactions with a vector,
 * they cancel out, or the decayed strength at `now` is at most `minStrength`).
 */
export function profileVector(profile: Profile, now: number, minStrength = 0): Float32Array | null {
  if (profile.count === 0) return null;
  if (minStrength > 0 && !(profileStrength(profile, now) > minStrength)) return null;
  const n = norm(profile.sum);
  if (!(n > 1e-9 * Math.max(1, Math.abs(profile.weight))) || !Number.isFinite(n)) return null;
  const out = new Float32Array(profile.dim);
  for (let k = 0; k < out.length; k++) out[k] = profile.sum[k] / n;
  return out;
}

/** A contribution decayed to `now`, with its vector dequantized. */
export interface DecayedContribution {
  itemId?: string;
  query?: string;
  title: string;
  kind: InteractionKind;
  weight: number;
  /** Time and seq of its newest interaction: what "most recent" means. */
  lastTs: number;
  lastSeq: number;
  vector: Float32Array;
}

/** Contributions with positive weight at `now`, strongest first. */
export function contributionsAt(profile: Profile, now: number): DecayedContribution[] {
  const f = decayFactor(Math.max(0, now - profile.refTime), profile.halfLifeMs);
  const out: DecayedContribution[] = [];
  for (const c of profile.contributions) {
    if (!(c.weight > 0)) continue;
    const vector = new Float32Array(c.q.length);
    for (let k = 0; k < vector.length; k++) vector[k] = c.q[k] * c.scale;
    const d: DecayedContribution = { title: c.title, kind: c.kind, weight: c.weight * f, lastTs: c.lastTs, lastSeq: c.lastSeq, vector };
    if (c.itemId !== undefined) d.itemId = c.itemId;
    if (c.query !== undefined) d.query = c.query;
    out.push(d);
  }
  out.sort((a, b) => b.weight - a.weight);
  return out;
}

/** The persisted form: plain JSON (numbers and strings only). */
export interface ProfileJSON {
  format: number;
  modelId: string;
  dim: number;
  halfLifeMs: number;
  maxContributions: number;
  refTime: number;
  sum: number[];
  weight: number;
  count: number;
  lastSeq: number;
  contributions: {
    key: string;
    itemId?: string;
    query?: string;
    title: string;
    kind: InteractionKind;
    weight: number;
    lastTs: number;
    lastSeq?: number;
    q: number[];
    scale: number;
  }[];
}

export function profileToJSON(profile: Profile): ProfileJSON {
  return {
    format: PROFILE_FORMAT,
    modelId: profile.modelId,
    dim: profile.dim,
    halfLifeMs: profile.halfLifeMs,
    maxContributions: profile.maxContributions,
    refTime: profile.refTime,
    sum: Array.from(profile.sum),
    weight: profile.weight,
    count: profile.count,
    lastSeq: profile.lastSeq,
    contributions: profile.contributions.map((c) => {
      const out: ProfileJSON['contributions'][number] = {
        key: c.key,
        title: c.title,
        kind: c.kind,
        weight: c.weight,
        lastTs: c.lastTs,
        lastSeq: c.lastSeq,
        q: Array.from(c.q),
        scale: c.scale,
      };
      if (c.itemId !== undefined) out.itemId = c.itemId;
      if (c.query !== undefined) out.query = c.query;
      return out;
    }),
  };
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function readContribution(raw: unknown, dim: number): Contribution | null {
  if (!isObject(raw)) return null;
  const { key, itemId, query, title, kind, weight, lastTs, lastSeq = 0, q, scale } = raw;
  if (typeof key !== 'string' || typeof title !== 'string') return null;
  if (typeof kind !== 'string' || !INTERACTION_KINDS.includes(kind as InteractionKind)) return null;
  if (!isFiniteNumber(weight) || !isFiniteNumber(lastTs) || !isFiniteNumber(scale) || scale < 0) return null;
  if (!Number.isInteger(lastSeq) || (lastSeq as number) < 0) return null;
  if (!Array.isArray(q) || q.length !== dim) return null;
  if (!q.every((x) => Number.isInteger(x) && x >= -127 && x <= 127)) return null;
  const hasItem = typeof itemId === 'string';
  const hasQuery = typeof query === 'string';
  if (hasItem === hasQuery) return null;
  if (key !== (hasItem ? `item:${itemId as string}` : `query:${query as string}`)) return null;
  const c: Contribution = { key, title, kind: kind as InteractionKind, weight, lastTs, lastSeq: lastSeq as number, q: Int8Array.from(q as number[]), scale };
  if (hasItem) c.itemId = itemId as string;
  else c.query = query as string;
  return c;
}

/**
 * Restores a persisted profile. Anything unusable — corrupt or partial data, a
 * different model or dimension, a different half-life (the stored sum cannot be
 * converted) — gives a fresh profile with lastSeq 0, so the caller replays the
 * stored events instead of crashing or ranking from garbage.
 */
export function profileFromJSON(
  json: unknown,
  expected: { modelId: string; dim: number } & ProfileOptions,
): Profile {
  const fresh = createProfile(expected.modelId, expected.dim, expected);
  if (!isObject(json) || json.format !== PROFILE_FORMAT) return fresh;
  if (json.modelId !== fresh.modelId || json.dim !== fresh.dim || json.halfLifeMs !== fresh.halfLifeMs) return fresh;
  const { refTime, sum, weight, count, lastSeq, contributions } = json;
  if (!isFiniteNumber(refTime) || !isFiniteNumber(weight)) return fresh;
  if (!Number.isInteger(count) || (count as number) < 0 || !Number.isInteger(lastSeq) || (lastSeq as number) < 0) return fresh;
  if (!Array.isArray(sum) || sum.length !== fresh.dim || !sum.every(isFiniteNumber)) return fresh;
  if (!Array.isArray(contributions)) return fresh;
  const restored: Contribution[] = [];
  for (const raw of contributions) {
    const c = readContribution(raw, fresh.dim);
    if (!c) return fresh;
    restored.push(c);
  }
  restored.sort((a, b) => b.weight - a.weight);
  fresh.refTime = refTime;
  fresh.sum.set(sum as number[]);
  fresh.weight = weight;
  fresh.count = count as number;
  fresh.lastSeq = lastSeq as number;
  fresh.contributions = restored.slice(0, fresh.maxContributions);
  return fresh;
}
