// The STS Benchmark development split (Cer et al. 2017; 1,500 English sentence pairs scored 0–5 from
// news, image captions and forums), a public sentence-similarity set used here for development only
// (its test split is never read). Read at run time from ../shared/text-similarity/stsb-dev/dev.tsv
// (see the README there for provenance); nothing is copied into the repository.

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Embed } from './baselines.ts';
import { cosine, spearman } from './metrics.ts';

export const STS_DEV_FILE = resolve(import.meta.dirname, '../../../shared/text-similarity/stsb-dev/dev.tsv');

export interface StsPair {
  genre: string;
  score: number;
  a: string;
  b: string;
}

export interface StsSet {
  pairs: StsPair[];
  genres: string[];
}

/** The development pairs, or undefined when the file is absent. Lines: genre, score, sentence 1, sentence 2. */
export function loadStsDev(file: string = STS_DEV_FILE): StsSet | undefined {
  if (!existsSync(file)) return undefined;
  const pairs: StsPair[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    if (!line.trim()) continue;
    const [genre, score, a, b] = line.split('\t');
    if (genre === undefined || a === undefined || b === undefined || !Number.isFinite(Number(score))) throw new Error(`${file}: bad line: ${line.slice(0, 80)}`);
    pairs.push({ genre, score: Number(score), a, b });
  }
  return { pairs, genres: [...new Set(pairs.map((p) => p.genre))].sort() };
}

export async function stsSpearman(set: StsSet, embed: Embed): Promise<{ all: number; byGenre: Record<string, number> }> {
  const left = await embed(set.pairs.map((p) => p.a));
  const right = await embed(set.pairs.map((p) => p.b));
  const predicted = left.map((v, i) => cosine(v, right[i]!));
  const byGenre: Record<string, number> = {};
  for (const genre of set.genres) {
    const idx = set.pairs.flatMap((p, i) => (p.genre === genre ? [i] : []));
    byGenre[genre] = spearman(idx.map((i) => predicted[i]!), idx.map((i) => set.pairs[i]!.score));
  }
  return { all: spearman(predicted, set.pairs.map((p) => p.score)), byGenre };
}
