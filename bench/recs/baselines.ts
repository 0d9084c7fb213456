// The baselines of the datasets README's "Reference figures", computed in the same run as Tacit:
// random, popularity, item co-occurrence (cosine, pairs from ≥ 2 users), TF-IDF (title + category +
// brand, centroid of the history) and their recency-weighted blend. They are the yardstick, written
// exactly as the README defines them, and deliberately share no code with Tacit's ranker.

import { mulberry32 } from '../../core/random.ts';
import type { Case, DatasetItem, Fold } from './data.ts';
import { AT } from './metrics.ts';

/** A method: the top-10 catalogue rows for one evaluated user. */
export type Recommender = (c: Case) => ArrayLike<number>;

/** A fixed random order of the catalogue: tieRank[i] breaks ties (lower first). */
export function tieOrder(n: number, seed: number): Int32Array {
  const random = mulberry32(seed);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const tieRank = new Int32Array(n);
  perm.forEach((item, r) => (tieRank[item] = r));
  return tieRank;
}

/** The best `k` rows by score, skipping `seen`; equal scores go by tieRank. */
export function topList(scores: ArrayLike<number>, seen: ReadonlySet<number>, tieRank: Int32Array, k = AT): number[] {
  const top: number[] = [];
  const better = (a: number, b: number) => scores[a] > scores[b] || (scores[a] === scores[b] && tieRank[a] < tieRank[b]);
  for (let i = 0; i < scores.length; i++) {
    if (seen.has(i)) continue;
    if (top.length === k && !better(i, top[k - 1])) continue;
    let at = top.length === k ? k - 1 : top.length;
    while (at > 0 && better(i, top[at - 1])) {
      if (at < k) top[at] = top[at - 1];
      at--;
    }
    top[at] = i;
  }
  return top;
}

const seenOf = (c: Case) => new Set(c.history.map((e) => e.item));

/** Weight of each history line: 0.8^(age in lines, newest = 0), or 1 each. */
function lineWeights(c: Case, recency: boolean): number[] {
  const n = c.history.length;
  return c.history.map((_, i) => (recency ? Math.pow(0.8, n - 1 - i) : 1));
}

/** Item-to-item cosine over distinct users, pairs bought by ≥ minUsers users; rows as sparse lists. */
export class CoOccurrence {
  readonly neighbours: Int32Array[] = [];
  readonly cosines: Float64Array[] = [];

  constructor(fold: Fold, n: number, minUsers = 2) {
    const counts = new Uint32Array(n * n);
    const users = new Float64Array(n);
    for (const { events } of fold.train) {
      const distinct = [...new Set(events.map((e) => e.item))];
      for (const i of distinct) users[i]++;
      for (const i of distinct) for (const j of distinct) if (i !== j) counts[i * n + j]++;
    }
    for (let i = 0; i < n; i++) {
      const js: number[] = [];
      const cs: number[] = [];
      for (let j = 0; j < n; j++) {
        const c = counts[i * n + j];
        if (c >= minUsers) {
          js.push(j);
          cs.push(c / Math.sqrt(users[i] * users[j]));
        }
      }
      this.neighbours.push(Int32Array.from(js));
      this.cosines.push(Float64Array.from(cs));
    }
  }

  /** Σ over history lines of weight × cosine(line's item, candidate). */
  scores(c: Case, weights: number[], n: number): Float64Array {
    const s = new Float64Array(n);
    c.history.forEach((e, h) => {
      const js = this.neighbours[e.item];
      const cs = this.cosines[e.item];
      for (let k = 0; k < js.length; k++) s[js[k]] += weights[h] * cs[k];
    });
    return s;
  }
}

function tokens(item: DatasetItem): string[] {
  return [item.title, item.category ?? '', item.brand ?? ''].join(' ').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/** TF-IDF over title + category + brand; unit vectors as sparse (token, weight) lists. */
export class TfIdf {
  private readonly rows: { t: Int32Array; w: Float64Array }[];
  /** token → the items containing it, with their weights */
  private readonly postings: { item: number; w: number }[][];

  constructor(items: readonly DatasetItem[]) {
    const vocab = new Map<string, number>();
    const docs = items.map((item) => tokens(item).map((t) => vocab.get(t) ?? (vocab.set(t, vocab.size), vocab.size - 1)));
    const df = new Float64Array(vocab.size);
    for (const d of docs) for (const t of new Set(d)) df[t]++;
    this.postings = Array.from({ length: vocab.size }, () => []);
    this.rows = docs.map((d, item) => {
      const tf = new Map<number, number>();
      for (const t of d) tf.set(t, (tf.get(t) ?? 0) + 1);
      const t = Int32Array.from(tf.keys());
      const w = Float64Array.from(t, (tok) => tf.get(tok)! * Math.log(items.length / df[tok]));
      const norm = Math.hypot(...w) || 1;
      for (let k = 0; k < w.length; k++) {
        w[k] /= norm;
        this.postings[t[k]].push({ item, w: w[k] });
      }
      return { t, w };
    });
  }

  /** Cosine (up to the centroid's norm, which does not change the order) with the weighted centroid. */
  scores(c: Case, weights: number[], n: number): Float64Array {
    const centroid = new Map<number, number>();
    c.history.forEach((e, h) => {
      const { t, w } = this.rows[e.item];
      for (let k = 0; k < t.length; k++) centroid.set(t[k], (centroid.get(t[k]) ?? 0) + weights[h] * w[k]);
    });
    const s = new Float64Array(n);
    for (const [t, cw] of centroid) for (const p of this.postings[t]) s[p.item] += cw * p.w;
    return s;
  }
}

function scaledByMax(s: Float64Array, seen: ReadonlySet<number>): Float64Array {
  let max = 0;
  for (let i = 0; i < s.length; i++) if (!seen.has(i) && s[i] > max) max = s[i];
  if (max > 0) for (let i = 0; i < s.length; i++) s[i] /= max;
  return s;
}

/** Every baseline of the reference table, for one fold. */
export function baselines(fold: Fold, items: readonly DatasetItem[], popularity: Float64Array, seed: number): Record<string, Recommender> {
  const n = items.length;
  const tieRank = tieOrder(n, seed);
  // The README's plain co-occurrence row reproduces with every pair; its blend keeps pairs from ≥ 2 users.
  const coocAll = new CoOccurrence(fold, n, 1);
  const cooc = new CoOccurrence(fold, n, 2);
  const tfidf = new TfIdf(items);
  const random = mulberry32(seed ^ 0x5eed);
  return {
    random: (c) => topList(Float64Array.from({ length: n }, () => random()), seenOf(c), tieRank),
    popularity: (c) => topList(popularity, seenOf(c), tieRank),
    'item co-occurrence': (c) => topList(coocAll.scores(c, lineWeights(c, false), n), seenOf(c), tieRank),
    'item co-occurrence (pairs from ≥ 2 users)': (c) => topList(cooc.scores(c, lineWeights(c, false), n), seenOf(c), tieRank),
    'TF-IDF': (c) => topList(tfidf.scores(c, lineWeights(c, false), n), seenOf(c), tieRank),
    'co-occurrence + TF-IDF blend': (c) => {
      const seen = seenOf(c);
      const w = lineWeights(c, true);
      const a = scaledByMax(cooc.scores(c, w, n), seen);
      const b = scaledByMax(tfidf.scores(c, w, n), seen);
      for (let i = 0; i < n; i++) a[i] += b[i];
      return topList(a, seen, tieRank);
    },
  };
}
