// The embedding rows of the model: meaning + identity, with the directions every text shares removed.
//
//   word row   = SIF(w) · meaning(w)  +  identityWeight · a'/(a' + p(w)) · identity(w)
//   piece row  = pieceWeight · identity(piece)            (a third of it for pieces with digits)
//
// meaning(w) is the trained unit vector (train.ts), SIF-weighted with its first principal component
// removed (weightWordVectors). identity(x) is a fixed pseudo-random unit vector seeded by the text of x:
// nearly orthogonal to every other row, so a mean-pooled text keeps which exact words it holds, and the
// cosine of two texts becomes a mix of meaning and exact-word overlap, weighted like IDF: rare words
// (brands, model numbers: p small) keep nearly the full identity weight, common words little.
//
// Isotropy: mean pooling of texts still leaves a direction every text shares (titles are about things),
// which makes a few items near to every profile. The build embeds a reference corpus of product-like
// texts (WordNet glosses of artifacts, foods, substances, plants and animals, with their lemmas), finds
// the top `commonDirections` principal directions of those text vectors, and projects them out of every
// row; pooling is linear, so then every text vector is orthogonal to them too.

import { WordPieceTokenizer } from '../core/wordpiece.ts';
import { brownSentences } from './brown.ts';
import { pieceVector } from './pieces.ts';
import { fnv1a, gaussian, mulberry32 } from './random.ts';
import { symmetricEigen } from './svd.ts';
import { weightWordVectors } from './train.ts';
import { ZERO_PIECES } from './vocabulary.ts';
import type { Vocabulary } from './vocabulary.ts';
import type { WordNet } from './wordnet.ts';

export interface RowSettings {
  sifA: number;
  /** Weight of a rare word's identity part (its meaning part has norm ≈ 1). */
  identityWeight: number;
  /** a' of the identity's IDF-like weight a'/(a' + p(w)). */
  identityA: number;
  /** Identity weight of names (Paris, Obama-like proper nouns) relative to other words: a name is mostly itself. */
  properNounIdentity: number;
  pieceWeight: number;
  /** Pieces with digits weigh this share of pieceWeight (shared sizes and years should not make titles alike). */
  digitShare: number;
  /** How many shared principal directions of reference texts to remove. */
  commonDirections: number;
  /** Word probabilities p(w) for SIF and identity weights: WordNet's own counts, or spoken English (SUBTLEX-US). */
  frequencySource: 'wordnet' | 'spoken';
  /** Reference texts whose shared directions are removed: WordNet's product glosses, Brown corpus sentences, or both. */
  reference: 'glosses' | 'brown' | 'both';
}

/** A fixed pseudo-random unit vector for a word (seeded by its text, so the build is reproducible). */
export function identityVector(word: string, dim: number): Float64Array {
  const normal = gaussian(mulberry32(fnv1a(`identity:${word}`)));
  const v = new Float64Array(dim);
  for (let k = 0; k < dim; k++) v[k] = normal();
  const norm = Math.hypot(...v);
  for (let k = 0; k < dim; k++) v[k] /= norm;
  return v;
}

/** Rows: 0 = zero, 1..words = words, then pieces. Returns row-major float64 rows × dim. */
export function assembleRows(vocab: Vocabulary, settings: RowSettings): Float64Array {
  const { dim, words, pieces } = vocab;
  const rows = 1 + words.length + pieces.length;
  const out = new Float64Array(rows * dim);
  const frequency = settings.frequencySource === 'spoken' ? vocab.spoken : vocab.frequency;
  const meaning = weightWordVectors({ words, vectors: vocab.vectors, frequency, dim, partsOfSpeech: new Map() }, settings.sifA);
  let total = 0;
  for (const f of frequency) total += f + 1;
  words.forEach((word, i) => {
    const p = (frequency[i]! + 1) / total;
    const weight = settings.identityWeight * (settings.identityA / (settings.identityA + p)) * (vocab.proper[i] ? settings.properNounIdentity : 1);
    const identity = identityVector(word, dim);
    for (let k = 0; k < dim; k++) out[(1 + i) * dim + k] = meaning[i * dim + k]! + weight * identity[k]!;
  });
  pieces.forEach((piece, i) => {
    if (!ZERO_PIECES.has(piece)) out.set(pieceVector(piece, dim, settings.pieceWeight, settings.digitShare), (1 + words.length + i) * dim);
  });
  return out;
}

/** Reference texts: product-like WordNet glosses (lemmas and definition of synsets about things) and/or Brown sentences. */
export function referenceTexts(wordnet: WordNet, source: RowSettings['reference']): string[] {
  const THING_FILES = new Set([5, 6, 13, 20, 27]); // animal, artifact, food, plant, substance
  const glosses = wordnet.synsets
    .filter((s) => s.pos === 'n' && THING_FILES.has(s.lexFile))
    .map((s) => `${s.lemmas.map((l) => l.replace(/_/g, ' ')).join(', ')}. ${s.definition}`);
  if (source === 'glosses') return glosses;
  return source === 'brown' ? brownSentences() : [...glosses, ...brownSentences()];
}

/**
 * Projects the top `count` principal directions (uncentered) of the reference texts' unit vectors out of
 * every row; returns the share of the texts' energy each removed direction held.
 */
export function removeCommonDirections(rows: Float64Array, dim: number, tokens: readonly string[], rowOfToken: Int32Array, texts: readonly string[], count: number): number[] {
  if (count === 0) return [];
  const tokenizer = new WordPieceTokenizer({ vocab: tokens, specialTokens: tokens.slice(0, 5), unkToken: '[UNK]', clsToken: '[CLS]', sepToken: '[SEP]', maxLength: 512 });
  const covariance = new Float64Array(dim * dim);
  const v = new Float64Array(dim);
  for (const text of texts) {
    v.fill(0);
    for (const id of tokenizer.encode(text)) {
      const base = rowOfToken[id]! * dim;
      for (let k = 0; k < dim; k++) v[k] += rows[base + k]!;
    }
    const norm = Math.hypot(...v);
    if (norm === 0) continue;
    for (let a = 0; a < dim; a++) {
      const va = v[a]! / norm;
      for (let b = 0; b < dim; b++) covariance[a * dim + b] += (va * v[b]!) / norm;
    }
  }
  const { values, vectors } = symmetricEigen(covariance, dim);
  // symmetricEigen: eigenvalues in descending order, eigenvectors as columns.
  const order = [...values.keys()].sort((a, b) => values[b]! - values[a]!);
  const energy = values.reduce((s, x) => s + x, 0);
  const shares: number[] = [];
  for (const column of order.slice(0, count)) {
    const d = new Float64Array(dim);
    for (let k = 0; k < dim; k++) d[k] = vectors[k * dim + column]!;
    const n = Math.hypot(...d);
    for (let k = 0; k < dim; k++) d[k] /= n;
    for (let r = 0; r < rows.length / dim; r++) {
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += rows[r * dim + k]! * d[k]!;
      for (let k = 0; k < dim; k++) rows[r * dim + k] -= dot * d[k]!;
    }
    shares.push(values[column]! / energy);
  }
  return shares;
}
