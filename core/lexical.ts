// The identity channel of the ranker: exact word matches between item titles (and categories), weighted
// by rarity. Brand names, model numbers and variants ("Senco A209809") are the strongest evidence of what
// a shopper wants next, and a semantic embedding blurs them; TF-IDF keeps them.
//
// Each item is a unit vector over its words, tf × idf with idf = ln(N / df): a word on every item
// weighs nothing, a model number on two items weighs a lot. Built on the device from the catalogue
// itself (milliseconds for 10k items), so it needs no file and no model, and is cached per items array.

import type { CatalogItem } from './types.ts';

/** One sparse unit vector: term ids (ascending) and their weights. */
export interface SparseVector {
  terms: Int32Array;
  weights: Float32Array;
}

export interface LexicalIndex {
  /** Row i is items[i]'s vector (empty when no word of it is informative). */
  rows: SparseVector[];
  /** term → rows containing it, with that row's weight for the term. */
  postings: { rows: Int32Array; weights: Float32Array }[];
  vocabulary: Map<string, number>;
  idf: Float32Array;
}

/** Lower-case words and numbers, in any script ("TI-30X IIS" → ti, 30x, iis). */
export function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}

function itemWords(item: Pick<CatalogItem, 'title' | 'category'>): string[] {
  return item.category ? [...words(item.title), ...words(item.category)] : words(item.title);
}

function unit(counts: Map<number, number>, idf: Float32Array): SparseVector {
  const terms = Int32Array.from(counts.keys()).sort();
  const weights = Float32Array.from(terms, (t) => counts.get(t)! * idf[t]);
  let norm = 0;
  for (const w of weights) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm === 0) return { terms: new Int32Array(0), weights: new Float32Array(0) };
  for (let k = 0; k < weights.length; k++) weights[k] /= norm;
  return { terms, weights };
}

export function buildLexicalIndex(items: readonly Pick<CatalogItem, 'title' | 'category'>[]): LexicalIndex {
  const vocabulary = new Map<string, number>();
  const docs = items.map((item) => {
    const counts = new Map<number, number>();
    for (const w of itemWords(item)) {
      let t = vocabulary.get(w);
      if (t === undefined) vocabulary.set(w, (t = vocabulary.size));
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    return counts;
  });
  const df = new Float64Array(vocabulary.size);
  for (const counts of docs) for (const t of counts.keys()) df[t]++;
  const idf = Float32Array.from(df, (d) => Math.log(items.length / d));
  const rows = docs.map((counts) => unit(counts, idf));
  const lists: { rows: number[]; weights: number[] }[] = Array.from({ length: vocabulary.size }, () => ({ rows: [], weights: [] }));
  rows.forEach((row, i) => {
    for (let k = 0; k < row.terms.length; k++) {
      lists[row.terms[k]].rows.push(i);
      lists[row.terms[k]].weights.push(row.weights[k]);
    }
  });
  const postings = lists.map((l) => ({ rows: Int32Array.from(l.rows), weights: Float32Array.from(l.weights) }));
  return { rows, postings, vocabulary, idf };
}

const cache = new WeakMap<readonly CatalogItem[], LexicalIndex>();

/** The index of an items array, built once per array (items arrays are treated as immutable). */
export function lexicalIndexOf(items: readonly CatalogItem[]): LexicalIndex {
  let index = cache.get(items);
  if (!index) cache.set(items, (index = buildLexicalIndex(items)));
  return index;
}

/** A search text as a unit vector over the catalogue's words (unknown words carry nothing). */
export function textVector(index: LexicalIndex, text: string): SparseVector {
  const counts = new Map<number, number>();
  for (const w of words(text)) {
    const t = index.vocabulary.get(w);
    if (t !== undefined) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return unit(counts, index.idf);
}

/** Adds weight × v into a sparse accumulator. */
export function accumulate(into: Map<number, number>, v: SparseVector, weight: number): void {
  for (let k = 0; k < v.terms.length; k++) into.set(v.terms[k], (into.get(v.terms[k]) ?? 0) + weight * v.weights[k]);
}

/** Cosine of every row with a sparse query (Σ weight · row), into out (zeros where nothing is shared). */
export function lexicalScores(index: LexicalIndex, query: Map<number, number>, out: Float32Array): Float32Array {
  out.fill(0);
  let norm = 0;
  for (const w of query.values()) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm === 0) return out;
  for (const [t, w] of query) {
    const p = index.postings[t];
    const q = w / norm;
    for (let k = 0; k < p.rows.length; k++) out[p.rows[k]] += q * p.weights[k];
  }
  return out;
}

/** Cosine of two sparse unit vectors (a merge of their ascending terms). */
export function sparseDot(a: SparseVector, b: SparseVector): number {
  let s = 0;
  for (let i = 0, j = 0; i < a.terms.length && j < b.terms.length; ) {
    if (a.terms[i] < b.terms[j]) i++;
    else if (a.terms[i] > b.terms[j]) j++;
    else s += a.weights[i++] * b.weights[j++];
  }
  return s;
}
