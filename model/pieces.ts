// Subword pieces: the fallback for words outside the vocabulary (brand names, typos, model numbers).
//
// The tokenizer is WordPiece (greedy longest match), so any lowercase word built from a–z and 0–9 can
// always be spelled from these pieces. Each piece gets a fixed pseudo-random vector seeded by its own
// text: an unknown word then maps to the same vector every time ("zorbex" matches "zorbex"), words
// sharing long pieces land close together, and random vectors stay nearly orthogonal to the semantic
// word vectors, so an unknown brand does not pretend to mean something.

import { fnv1a, gaussian, mulberry32 } from './random.ts';

export const CONTINUATION_PREFIX = '##';

export interface PieceOptions {
  /** How many word-initial n-grams (2–5 characters) to keep. */
  initialPieces: number;
  /** How many continuation n-grams (2–4 characters, written "##xyz") to keep. */
  continuationPieces: number;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The most common character n-grams of the given words (each word counted once), excluding strings in
 * `taken`. Always includes every single character, alone and as a continuation, so nothing is unknown.
 */
export function selectPieces(words: Iterable<string>, taken: ReadonlySet<string>, options: PieceOptions): string[] {
  const initial = new Map<string, number>();
  const continuation = new Map<string, number>();
  for (const word of words) {
    for (let n = 2; n <= 5 && n < word.length; n++) {
      const gram = word.slice(0, n);
      initial.set(gram, (initial.get(gram) ?? 0) + 1);
    }
    const seen = new Set<string>();
    for (let start = 1; start < word.length; start++) {
      for (let n = 2; n <= 4 && start + n <= word.length; n++) {
        const gram = CONTINUATION_PREFIX + word.slice(start, start + n);
        if (seen.has(gram)) continue;
        seen.add(gram);
        continuation.set(gram, (continuation.get(gram) ?? 0) + 1);
      }
    }
  }
  const top = (counts: Map<string, number>, limit: number) =>
    [...counts]
      .filter(([gram]) => !taken.has(gram))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, limit)
      .map(([gram]) => gram);
  const pieces: string[] = [];
  const seen = new Set<string>();
  const push = (piece: string) => {
    if (!taken.has(piece) && !seen.has(piece)) {
      seen.add(piece);
      pieces.push(piece);
    }
  };
  for (const char of ALPHABET) push(char);
  for (const char of ALPHABET) push(CONTINUATION_PREFIX + char);
  for (const piece of top(initial, options.initialPieces)) push(piece);
  for (const piece of top(continuation, options.continuationPieces)) push(piece);
  return pieces;
}

/**
 * The fixed vector of a piece: a unit Gaussian direction seeded by the piece text, scaled by `weight`.
 * Pieces with digits get a third of it, so shared numbers ("2", "500") barely move a title.
 */
export function pieceVector(piece: string, dim: number, weight: number, digitShare = 1 / 3): Float32Array {
  const normal = gaussian(mulberry32(fnv1a(piece)));
  const vector = new Float32Array(dim);
  let norm = 0;
  for (let j = 0; j < dim; j++) {
    vector[j] = normal();
    norm += vector[j] * vector[j];
  }
  const scale = (/[0-9]/.test(piece) ? weight * digitShare : weight) / Math.sqrt(norm);
  for (let j = 0; j < dim; j++) vector[j] *= scale;
  return vector;
}
