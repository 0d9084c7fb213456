// Vectors for the words of a shop's catalogue that the model does not know (brands, new product words),
// learned from the catalogue's own text: à-la-carte induction (Khodak et al. 2018).
//
//   1. Every text is split into words; a word the model knows is one vocabulary token (a word or an
//      inflection), any other word is unknown.
//   2. The context of an occurrence is the sum of the rows of the other known words of the same text;
//      a word's context vector c(w) is the mean over its occurrences.
//   3. A linear map A (dim × dim) is fitted on the known words that occur often enough, by ridge
//      regression: minimize Σ ‖A c(w) − row(w)‖² + λ‖A‖² (solved in closed form, dim × dim).
//   4. An unknown word seen in at least `minCount` texts gets A c(w) (its meaning, from the company it
//      keeps) plus its own identity direction (so it still matches itself first), scaled like a rare
//      word's row. "hatchbox" in "Hatchbox PLA 3D printer filament" lands near filament and printer.
//   5. Words that say nothing in this shop lose weight: a known word found in a share p > `commonShare`
//      of the texts gets its row scaled by log(1/p) / log(1/commonShare) (an IDF ratio), so "office" in
//      an office-supplies shop, where nearly every item has it, no longer makes every item alike.
//   6. The direction all the shop's texts share (the mean of their vectors, with the words above) is
//      returned as `center`; the static embedder projects it out of every text, so no item is near everything.
//
// "Unknown" means not a whole-word token: a brand the model would read as a compound of known words
// ("hatchbox" → hatch·##box) is learned too, so the shop's meaning replaces the accidental one.
//
// Deterministic: words ordered by count, then alphabetically; fixed arithmetic order; identity seeded by the word.

import { staticEmbedderFromModel } from './static-embedder.ts';
import type { StaticEmbedder } from './static-embedder.ts';
import type { ExtraWords } from './static-embedder.ts';
import { mulberry32 } from './random.ts';
import { bertNormalize, bertPreTokenize } from './wordpiece.ts';

export interface CatalogWordOptions {
  /** An unknown word must appear in at least this many texts. Default 2. */
  minCount?: number;
  /** Known words used to fit the map must appear in at least this many texts. Default 3. */
  minKnownCount?: number;
  /** Ridge strength, relative to the mean squared norm of the contexts. Default 0.1. */
  ridge?: number;
  /** Norm of the identity part of a learned word, relative to its meaning part. Default 0.5. */
  identityWeight?: number;
  /** A learned word's row gets the norm of this quantile of the known words' rows in the texts. Default 0.75. */
  normQuantile?: number;
  /** At most this many words (most frequent first). Default 5,000. */
  maxWords?: number;
  /** Known words in more than this share of the texts are down-weighted (step 5). Default 0.05. */
  commonShare?: number;
  /** Also return the direction the texts share (step 6). Default true. */
  center?: boolean;
}

const WORD = /^[a-z][a-z0-9]*$|^[0-9]*[a-z][a-z0-9]*$/;

/** Learns vectors for the catalogue's unknown words; returns them quantized like the model's rows. */
export function learnCatalogWords(embedder: StaticEmbedder, texts: readonly string[], options: CatalogWordOptions = {}): ExtraWords {
  const minCount = options.minCount ?? 2;
  const minKnown = options.minKnownCount ?? 3;
  const { header, vocab, rowOfToken, scales, table } = embedder.model;
  const { dim } = header;
  const idOf = new Map<string, number>();
  vocab.forEach((token, id) => idOf.set(token, id));
  const firstPiece = header.firstPieceRow ?? header.rows;
  // A word's row: its own token's, or its lemma's where WordPiece reads it as the lemma and zero-vector
  // endings (the model leaves "shoes" out of its vocabulary: shoe·##s means the same); `firstPiece` when it is
  // spelled from meaningless pieces.
  const rowOfWord = (word: string): number => {
    const id = idOf.get(word);
    if (id !== undefined) return rowOfToken[id]!;
    const [first, ...rest] = embedder.tokenize(word).slice(1, -1).map((t) => (t < header.tokens ? rowOfToken[t]! : -1));
    return first !== undefined && first >= 0 && first < firstPiece && rest.every((row) => row >= 0 && scales[row] === 0) ? first : firstPiece;
  };
  const rowValues = (row: number, out: Float64Array, weight = 1) => {
    const scale = scales[row]!;
    for (let k = 0; k < dim; k++) out[k] += weight * table[row * dim + k]! * scale;
  };

  // Per text: known rows and unknown words (each counted once per text).
  const known = new Map<number, { count: number; context: Float64Array }>();
  const surface = new Map<number, Set<string>>(); // known row → the words of the texts that use it
  const unknown = new Map<string, { count: number; context: Float64Array }>();
  const textSum = new Float64Array(dim);
  for (const text of texts) {
    const words = [...new Set(bertPreTokenize(bertNormalize(text)).filter((w) => WORD.test(w)))];
    const rows: number[] = []; // (a row may repeat when two forms share it; counted per form)
    const unknownWords: string[] = [];
    for (const word of words) {
      const row = rowOfWord(word);
      if (row === 0) continue; // a function word
      if (row < firstPiece) {
        rows.push(row);
        let forms = surface.get(row);
        if (!forms) surface.set(row, (forms = new Set()));
        forms.add(word);
      }
      else if (word.length > 1) unknownWords.push(word); // spelled from pieces
    }
    textSum.fill(0);
    for (const row of rows) rowValues(row, textSum);
    for (const row of rows) {
      let entry = known.get(row);
      if (!entry) known.set(row, (entry = { count: 0, context: new Float64Array(dim) }));
      entry.count++;
      for (let k = 0; k < dim; k++) entry.context[k] += textSum[k]!;
      rowValues(row, entry.context, -1); // the other words only
    }
    for (const word of unknownWords) {
      let entry = unknown.get(word);
      if (!entry) unknown.set(word, (entry = { count: 0, context: new Float64Array(dim) }));
      entry.count++;
      for (let k = 0; k < dim; k++) entry.context[k] += textSum[k]!;
    }
  }

  // Fit A by ridge regression: A = (Σ t cᵀ)(Σ c cᵀ + λI)⁻¹, on mean contexts c and target rows t.
  const cc = new Float64Array(dim * dim);
  const tc = new Float64Array(dim * dim);
  let fitted = 0;
  let contextNorms = 0;
  const target = new Float64Array(dim);
  for (const [row, entry] of [...known].sort((a, b) => a[0] - b[0])) {
    if (entry.count < minKnown) continue;
    const c = entry.context.map((x) => x / entry.count);
    target.fill(0);
    rowValues(row, target);
    for (let a = 0; a < dim; a++) {
      for (let b = 0; b < dim; b++) {
        cc[a * dim + b] += c[a]! * c[b]!;
        tc[a * dim + b] += target[a]! * c[b]!;
      }
    }
    contextNorms += c.reduce((s, x) => s + x * x, 0);
    fitted++;
  }
  const chosen = [...unknown].filter(([, e]) => e.count >= minCount).sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1)).slice(0, options.maxWords ?? 5_000);
  if (fitted < 2) return { words: [], scales: new Float32Array(0), data: new Int8Array(0) }; // too little text to learn from
  const lambda = (options.ridge ?? 0.1) * (contextNorms / fitted);
  for (let a = 0; a < dim; a++) cc[a * dim + a] += lambda;
  const inverse = invertSymmetric(cc, dim);
  const map = new Float64Array(dim * dim); // A = tc · inverse
  for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += tc[a * dim + k]! * inverse[k * dim + b]!;
    map[a * dim + b] = s;
  }

  // Typical norm of a rare known word's row, so learned words weigh like one.
  const rareNorms: number[] = [];
  for (const [row, entry] of known) if (entry.count >= minKnown) rareNorms.push(Math.hypot(...Array.from({ length: dim }, (_, k) => table[row * dim + k]! * scales[row]!)));
  rareNorms.sort((a, b) => a - b);
  const rowNorm = rareNorms[Math.min(rareNorms.length - 1, Math.floor(rareNorms.length * (options.normQuantile ?? 0.75)))] ?? 1;

  // Known words common in this shop: their rows scaled by the IDF ratio.
  const commonShare = options.commonShare ?? 0.05;
  const common: Array<[string, number, number]> = []; // word, row, factor
  for (const [row, entry] of [...known].sort((a, b) => a[0] - b[0])) {
    const share = entry.count / texts.length;
    if (share <= commonShare) continue;
    const factor = Math.max(0, Math.log(1 / share) / Math.log(1 / commonShare));
    for (const word of [...surface.get(row)!].sort()) common.push([word, row, factor]);
  }

  const total = chosen.length + common.length;
  const words = new Array<string>(total);
  const outScales = new Float32Array(total);
  const data = new Int8Array(total * dim);
  common.forEach(([word, row, factor], j) => {
    const i = chosen.length + j;
    words[i] = word;
    outScales[i] = Math.fround(scales[row]! * factor);
    data.set(table.subarray(row * dim, (row + 1) * dim), i * dim);
  });
  const vector = new Float64Array(dim);
  chosen.forEach(([word, entry], i) => {
    words[i] = word;
    vector.fill(0);
    for (let a = 0; a < dim; a++) {
      let s = 0;
      for (let b = 0; b < dim; b++) s += map[a * dim + b]! * (entry.context[b]! / entry.count);
      vector[a] = s;
    }
    const meaningNorm = Math.hypot(...vector) || 1;
    const identity = identityDirection(word, dim);
    const w = options.identityWeight ?? 0.5;
    for (let k = 0; k < dim; k++) vector[k] = vector[k]! / meaningNorm + w * identity[k]!;
    const norm = Math.hypot(...vector);
    let max = 0;
    for (let k = 0; k < dim; k++) max = Math.max(max, Math.abs((vector[k] = (vector[k]! / norm) * rowNorm)));
    const scale = Math.fround(max / 127);
    outScales[i] = scale;
    for (let k = 0; k < dim; k++) data[i * dim + k] = Math.max(-127, Math.min(127, Math.round(vector[k]! / scale)));
  });
  const learned: ExtraWords = { words, scales: outScales, data };
  if (options.center === false || texts.length < 2) return learned;
  return { ...learned, center: sharedDirection(staticEmbedderFromModel(embedder.model, { extraWords: learned }), texts) };
}

/** The normalized mean of the texts' unit vectors. */
function sharedDirection(embedder: StaticEmbedder, texts: readonly string[]): Float32Array {
  const dim = embedder.dim;
  const mean = new Float64Array(dim);
  for (const vector of embedder.embedSync(texts)) for (let k = 0; k < dim; k++) mean[k] += vector[k]!;
  const norm = Math.hypot(...mean) || 1;
  return Float32Array.from(mean, (x) => x / norm);
}

/** A fixed pseudo-random unit direction seeded by the word (FNV-1a → mulberry32 → Box–Muller). */
function identityDirection(word: string, dim: number): Float64Array {
  let seed = 0x811c9dc5;
  for (const char of `catalog-word:${word}`) seed = Math.imul(seed ^ char.charCodeAt(0), 0x01000193);
  const uniform = mulberry32(seed);
  const v = new Float64Array(dim);
  for (let k = 0; k < dim; k += 2) {
    const radius = Math.sqrt(-2 * Math.log(Math.max(uniform(), 1e-300)));
    const angle = 2 * Math.PI * uniform();
    v[k] = radius * Math.cos(angle);
    if (k + 1 < dim) v[k + 1] = radius * Math.sin(angle);
  }
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** Inverse of a symmetric positive definite matrix (Gauss–Jordan with partial pivoting). */
function invertSymmetric(matrix: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(matrix);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = r;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) {
        [a[col * n + k], a[pivot * n + k]] = [a[pivot * n + k]!, a[col * n + k]!];
        [inv[col * n + k], inv[pivot * n + k]] = [inv[pivot * n + k]!, inv[col * n + k]!];
      }
    }
    const p = a[col * n + col]!;
    for (let k = 0; k < n; k++) {
      a[col * n + k] /= p;
      inv[col * n + k] /= p;
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r * n + col]!;
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        a[r * n + k] -= f * a[col * n + k]!;
        inv[r * n + k] -= f * inv[col * n + k]!;
      }
    }
  }
  return inv;
}
