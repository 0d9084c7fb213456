// Item-to-item neighbours from the shop's own first-party order log, derived on the shop's machine by
// `tacit embed-catalog --orders` and shipped in the catalogue's (public) vector file. Nothing about a
// shopper leaves a device for this: it is aggregate data the shop already owns. Because the file is
// public, what goes into it is limited:
//
//   - k-support: a pair is shipped only when at least `minCustomers` distinct customers (default 2)
//     have both items close together in their history, so no pair ever comes from one customer;
//   - contribution cap: each customer counts with at most their `maxItemsPerCustomer` most recent
//     distinct items (default 50), and pairs only within `window` items of each other (default 10),
//     so one customer touches at most P = m·W pairs, however long their history;
//   - optional noise: with `epsilon`, Laplace noise of scale b = Δ/ε is added to every released count
//     (pair supports, directed pair weights, item counts; Δ = P·(2 + backward) + m is one customer's
//     largest L1 change of all of them together) and the support threshold is raised to
//     τ = max(k, 1 + b·ln(P / (2δ))) on the noisy support. That is the Laplace mechanism with
//     thresholded partition selection: (ε, δ)-differentially private per customer (δ default 1e-6).
//     On a small log τ is large and few pairs survive: the noise is for shops with big logs.
//
// The score of i → j: W(i→j) / √(nᵢ·nⱼ), where W sums, over customers with both, d^−decay for j bought
// d distinct items after i (backward × that when before), and nᵢ counts customers with i: a cosine over
// customers that favours items bought soon after each other, in that order. The defaults were chosen on
// the validation split of the shared datasets (bench/recs/).

import { cryptoRandom, type RandomSource } from './random.ts';

/** One line of the order log: a customer interacted with (bought) an item at a time. */
export interface OrderLine {
  customer: string;
  /** ms since the epoch; lines of one customer are ordered by it (ties keep the log's order). */
  ts: number;
  itemId: string;
}

export interface CoOccurrenceOptions {
  minCustomers?: number;
  window?: number;
  distanceDecay?: number;
  backward?: number;
  maxItemsPerCustomer?: number;
  maxNeighbours?: number;
  epsilon?: number;
  delta?: number;
  /** Noise source (default: the cryptographic one); seeded only in tests. */
  random?: RandomSource;
}

export const CO_OCCURRENCE_DEFAULTS = Object.freeze({
  minCustomers: 2,
  window: 10,
  distanceDecay: 0.5,
  backward: 0.3,
  maxItemsPerCustomer: 400,
  maxNeighbours: 50,
  delta: 1e-6,
});

/** How a neighbour list was made, shipped with it (the file is public, so it says so). */
export interface NeighboursMeta {
  minCustomers: number;
  window: number;
  distanceDecay: number;
  backward: number;
  maxItemsPerCustomer: number;
  maxNeighbours: number;
  /** null: no noise (k-support and the cap only). */
  epsilon: number | null;
  delta: number | null;
  /** The support threshold actually applied (τ with noise, else k). */
  threshold: number;
  customers: number;
  pairs: number;
}

/** Neighbour lists over a list of item ids: row i's neighbours, best first. */
export interface NeighbourLists {
  ids: readonly string[];
  lists: { rows: number[]; scores: number[] }[];
  meta: NeighboursMeta;
}

function checked(options: CoOccurrenceOptions) {
  const o = { ...CO_OCCURRENCE_DEFAULTS, ...options };
  const positiveInt = ['minCustomers', 'window', 'maxItemsPerCustomer', 'maxNeighbours'] as const;
  for (const key of positiveInt) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new RangeError(`co-occurrence: ${key} must be a positive integer, got ${o[key]}`);
  }
  if (!(o.distanceDecay >= 0) || !Number.isFinite(o.distanceDecay)) throw new RangeError(`co-occurrence: distanceDecay must be ≥ 0, got ${o.distanceDecay}`);
  if (!(o.backward >= 0 && o.backward <= 1)) throw new RangeError(`co-occurrence: backward must be within 0…1, got ${o.backward}`);
  if (o.epsilon !== undefined && !(o.epsilon > 0 && Number.isFinite(o.epsilon))) throw new RangeError(`co-occurrence: epsilon must be a positive number, got ${o.epsilon}`);
  if (!(o.delta > 0 && o.delta < 1)) throw new RangeError(`co-occurrence: delta must be within (0, 1), got ${o.delta}`);
  return o;
}

/** Laplace(0, b) by inversion. */
function laplace(random: RandomSource, b: number): number {
  const u = random() - 0.5;
  return -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
}

/** Each customer's distinct items in order of first appearance, most recent `cap` kept. */
function customerSequences(lines: readonly OrderLine[], rowOf: Map<string, number>, cap: number): number[][] {
  const byCustomer = new Map<string, { ts: number; at: number; row: number }[]>();
  lines.forEach((line, at) => {
    const row = rowOf.get(line.itemId);
    if (row === undefined || !Number.isFinite(line.ts)) return;
    let list = byCustomer.get(line.customer);
    if (!list) byCustomer.set(line.customer, (list = []));
    list.push({ ts: line.ts, at, row });
  });
  const sequences: number[][] = [];
  for (const list of byCustomer.values()) {
    list.sort((a, b) => a.ts - b.ts || a.at - b.at);
    const seen = new Set<number>();
    const sequence: number[] = [];
    for (const { row } of list) if (!seen.has(row)) seen.add(row), sequence.push(row);
    sequences.push(sequence.slice(-cap));
  }
  return sequences;
}

/** Derives the neighbour lists of `itemIds` (the vector file's rows) from the order log. */
export function deriveNeighbours(lines: readonly OrderLine[], itemIds: readonly string[], options: CoOccurrenceOptions = {}): NeighbourLists {
  const o = checked(options);
  const n = itemIds.length;
  const rowOf = new Map(itemIds.map((id, i) => [id, i]));
  const sequences = customerSequences(lines, rowOf, o.maxItemsPerCustomer);
  // Per unordered pair (key lo·n + hi): distinct customers, and the directed weights lo→hi, hi→lo.
  const pairs = new Map<number, { support: number; up: number; down: number }>();
  const customersOf = new Float64Array(n);
  for (const sequence of sequences) {
    for (const row of sequence) customersOf[row]++;
    for (let p = 0; p < sequence.length; p++) {
      for (let q = p + 1; q < sequence.length && q - p <= o.window; q++) {
        const f = Math.pow(q - p, -o.distanceDecay);
        const [a, b] = [sequence[p], sequence[q]]; // b bought after a
        const key = Math.min(a, b) * n + Math.max(a, b);
        let pair = pairs.get(key);
        if (!pair) pairs.set(key, (pair = { support: 0, up: 0, down: 0 }));
        pair.support++;
        // "up" is lo → hi: forward when a is the lower row.
        if (a < b) (pair.up += f), (pair.down += o.backward * f);
        else (pair.down += f), (pair.up += o.backward * f);
      }
    }
  }
  let threshold = o.minCustomers;
  let noise = (x: number) => x;
  if (o.epsilon !== undefined) {
    const maxPairs = o.maxItemsPerCustomer * o.window;
    const sensitivity = maxPairs * (2 + o.backward) + o.maxItemsPerCustomer;
    const b = sensitivity / o.epsilon;
    const random = o.random ?? cryptoRandom;
    noise = (x) => x + laplace(random, b);
    threshold = Math.max(o.minCustomers, 1 + b * Math.log(maxPairs / (2 * o.delta)));
    for (let i = 0; i < n; i++) customersOf[i] = Math.max(1, noise(customersOf[i]));
  }
  const candidates: { rows: number[]; scores: number[] }[] = Array.from({ length: n }, () => ({ rows: [], scores: [] }));
  let shipped = 0;
  for (const [key, pair] of pairs) {
    if (!(noise(pair.support) >= threshold)) continue;
    const lo = Math.floor(key / n);
    const hi = key - lo * n;
    const norm = Math.sqrt(customersOf[lo] * customersOf[hi]);
    const up = noise(pair.up) / norm;
    const down = noise(pair.down) / norm;
    if (up > 0) candidates[lo].rows.push(hi), candidates[lo].scores.push(up);
    if (down > 0) candidates[hi].rows.push(lo), candidates[hi].scores.push(down);
    shipped++;
  }
  const lists = candidates.map(({ rows, scores }) => {
    const order = rows.map((_, k) => k).sort((x, y) => scores[y] - scores[x] || rows[x] - rows[y]).slice(0, o.maxNeighbours);
    return { rows: order.map((k) => rows[k]), scores: order.map((k) => scores[k]) };
  });
  const meta: NeighboursMeta = {
    minCustomers: o.minCustomers,
    window: o.window,
    distanceDecay: o.distanceDecay,
    backward: o.backward,
    maxItemsPerCustomer: o.maxItemsPerCustomer,
    maxNeighbours: o.maxNeighbours,
    epsilon: o.epsilon ?? null,
    delta: o.epsilon !== undefined ? o.delta : null,
    threshold,
    customers: sequences.length,
    pairs: shipped,
  };
  return { ids: itemIds, lists, meta };
}
