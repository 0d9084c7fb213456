// Baselines the model must beat: lexical TF-IDF (words + character n-grams) and random word vectors.

import { fnv1a, gaussian, mulberry32 } from '../random.ts';

export type Embed = (texts: readonly string[]) => Promise<Float32Array[]>;

export function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 0);
}

function features(text: string): string[] {
  const result: string[] = [];
  for (const word of words(text)) {
    result.push(`w:${word}`);
    const padded = `<${word}>`;
    for (let n = 3; n <= 4; n++) for (let i = 0; i + n <= padded.length; i++) result.push(`c:${padded.slice(i, i + n)}`);
  }
  return result;
}

/**
 * TF-IDF over words and character 3–4-grams, with IDF fitted on `corpus`. Vectors are hashed into a
 * large dense space (2^16; collisions are negligible at this corpus size) so cosine works unchanged.
 */
export function tfidfEmbedder(corpus: readonly string[]): Embed {
  const documentFrequency = new Map<string, number>();
  for (const text of corpus) for (const f of new Set(features(text))) documentFrequency.set(f, (documentFrequency.get(f) ?? 0) + 1);
  const size = 1 << 16;
  return async (texts) =>
    texts.map((text) => {
      const vector = new Float32Array(size);
      for (const f of features(text)) {
        const idf = Math.log((1 + corpus.length) / (1 + (documentFrequency.get(f) ?? 0))) + 1;
        vector[fnv1a(f) & (size - 1)] += idf;
      }
      return vector;
    });
}

/** Each distinct word gets a fixed random vector of `dim` numbers; a text is the mean of its words. */
export function randomEmbedder(dim: number): Embed {
  return async (texts) =>
    texts.map((text) => {
      const vector = new Float32Array(dim);
      for (const word of words(text)) {
        const normal = gaussian(mulberry32(fnv1a(word) ^ 0x9e3779b9));
        for (let j = 0; j < dim; j++) vector[j] += normal();
      }
      return vector;
    });
}
