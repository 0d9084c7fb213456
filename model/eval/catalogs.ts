// Measures on the real shop catalogues in ../shared/datasets/ (read at run time, never copied here):
//   - OOV rate: share of content-word occurrences in the items' texts (lowercase alphabetic words of at
//     least two letters that are not function words) that the model does not have as a word, i.e. spells
//     from subword pieces;
//   - mean inter-item cosine: mean cosine of 20,000 random pairs of different items (seeded), 0 for
//     an isotropic model, and high when every item shares one direction (hubs);
//   - content HR@10: leave-last-out per user (≥ 3 lines; a target already in the user's history is
//     skipped), the history's item vectors weighted 0.8^age (newest 0) and summed into a profile,
//     the rest of the catalogue ranked by cosine; a hit when the target is in the top 10. This is the
//     text-only part of the datasets README's blend (TF-IDF there: 0.043 and 0.084).

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { itemText } from '../../core/catalog.ts';
import { mulberry32 } from '../../core/random.ts';
import { bertNormalize, bertPreTokenize } from '../../core/wordpiece.ts';
import { FUNCTION_WORDS } from '../morphology.ts';
import type { Embed } from './baselines.ts';

export interface ShopCatalog {
  name: string;
  texts: string[];
  ids: string[];
  /** Per evaluated user: history (oldest first) and target, as item indices. */
  users: Array<{ history: number[]; target: number }>;
}

export const DATASETS_DIR = resolve(import.meta.dirname, '../../../shared/datasets');

export function loadCatalogs(dir: string = DATASETS_DIR): ShopCatalog[] {
  if (!existsSync(dir)) return [];
  const result: ShopCatalog[] = [];
  for (const name of readdirSync(dir).sort()) {
    const catalogPath = join(dir, name, 'catalog.json');
    if (!existsSync(catalogPath)) continue;
    const items = JSON.parse(readFileSync(catalogPath, 'utf8')) as Array<{ id: string; title: string; category?: string }>;
    const index = new Map(items.map((item, i) => [item.id, i]));
    const byUser = new Map<string, number[]>();
    for (const line of readFileSync(join(dir, name, 'events.jsonl'), 'utf8').split('\n')) {
      if (!line) continue;
      const event = JSON.parse(line) as { user: string; product_id: string };
      const list = byUser.get(event.user) ?? [];
      list.push(index.get(event.product_id)!);
      byUser.set(event.user, list);
    }
    const users: ShopCatalog['users'] = [];
    for (const list of byUser.values()) {
      if (list.length < 3) continue;
      const target = list[list.length - 1]!;
      const history = list.slice(0, -1);
      if (!history.includes(target)) users.push({ history, target });
    }
    result.push({ name, texts: items.map((item) => itemText(item)), ids: items.map((i) => i.id), users });
  }
  return result;
}

export function contentWords(text: string): string[] {
  return bertPreTokenize(bertNormalize(text)).filter((w) => /^[a-z]{2,}$/.test(w) && !FUNCTION_WORDS.has(w));
}

/** Share of content-word occurrences `known` rejects. */
export function oovRate(texts: readonly string[], known: (word: string) => boolean): number {
  let total = 0;
  let unknown = 0;
  for (const text of texts) {
    for (const word of contentWords(text)) {
      total++;
      if (!known(word)) unknown++;
    }
  }
  return total === 0 ? 0 : unknown / total;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k]! * b[k]!;
    na += a[k]! * a[k]!;
    nb += b[k]! * b[k]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export function meanInterItemCosine(vectors: readonly Float32Array[], pairs = 20_000, seed = 7): number {
  const random = mulberry32(seed);
  let sum = 0;
  for (let p = 0; p < pairs; p++) {
    const a = Math.floor(random() * vectors.length);
    let b = Math.floor(random() * (vectors.length - 1));
    if (b >= a) b++;
    sum += cosine(vectors[a]!, vectors[b]!);
  }
  return sum / pairs;
}

/** Content-only HR@10 (see the header); vectors are unit length or zero. */
export function contentHitRate(catalog: ShopCatalog, vectors: readonly Float32Array[], k = 10): number {
  const dim = vectors[0]!.length;
  const random = mulberry32(11);
  const tieBreak = Float64Array.from(vectors, () => random() * 1e-9);
  let hits = 0;
  const profile = new Float64Array(dim);
  for (const { history, target } of catalog.users) {
    profile.fill(0);
    history.forEach((item, i) => {
      const weight = 0.8 ** (history.length - 1 - i);
      const v = vectors[item]!;
      for (let d = 0; d < dim; d++) profile[d] += weight * v[d]!;
    });
    const seen = new Set(history);
    let targetScore = -Infinity;
    const scores: number[] = [];
    vectors.forEach((v, item) => {
      if (seen.has(item)) return;
      let s = 0;
      for (let d = 0; d < dim; d++) s += profile[d]! * v[d]!;
      s += tieBreak[item]!;
      if (item === target) targetScore = s;
      else scores.push(s);
    });
    let above = 0;
    for (const s of scores) if (s > targetScore) above++;
    if (above < k) hits++;
  }
  return catalog.users.length === 0 ? 0 : hits / catalog.users.length;
}

/** Sparse word-level TF-IDF vectors (IDF fitted on the catalogue itself), unit length. */
export function tfidfVectors(texts: readonly string[]): Array<Map<string, number>> {
  const words = texts.map((t) => bertPreTokenize(bertNormalize(t)).filter((w) => /[a-z0-9]/.test(w) && !FUNCTION_WORDS.has(w)));
  const df = new Map<string, number>();
  for (const list of words) for (const w of new Set(list)) df.set(w, (df.get(w) ?? 0) + 1);
  return words.map((list) => {
    const v = new Map<string, number>();
    for (const w of list) v.set(w, (v.get(w) ?? 0) + Math.log((1 + texts.length) / (1 + df.get(w)!)) + 1);
    const n = Math.sqrt([...v.values()].reduce((a, x) => a + x * x, 0)) || 1;
    for (const [w, x] of v) v.set(w, x / n);
    return v;
  });
}

function sparseDot(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let s = 0;
  for (const [w, x] of a) s += x * (b.get(w) ?? 0);
  return s;
}

/** meanInterItemCosine and contentHitRate for sparse TF-IDF vectors (same pairs, same protocol). */
export function tfidfMeasures(catalog: ShopCatalog, vectors: ReadonlyArray<Map<string, number>>, k = 10): { cosine: number; hitRate: number } {
  const random = mulberry32(7);
  let sum = 0;
  for (let p = 0; p < 20_000; p++) {
    const a = Math.floor(random() * vectors.length);
    let b = Math.floor(random() * (vectors.length - 1));
    if (b >= a) b++;
    sum += sparseDot(vectors[a]!, vectors[b]!);
  }
  const tieRandom = mulberry32(11);
  const tieBreak = Float64Array.from(vectors, () => tieRandom() * 1e-9);
  let hits = 0;
  for (const { history, target } of catalog.users) {
    const profile = new Map<string, number>();
    history.forEach((item, i) => {
      const weight = 0.8 ** (history.length - 1 - i);
      for (const [w, x] of vectors[item]!) profile.set(w, (profile.get(w) ?? 0) + weight * x);
    });
    const seen = new Set(history);
    const targetScore = sparseDot(vectors[target]!, profile) + tieBreak[target]!;
    let above = 0;
    vectors.forEach((v, item) => {
      if (!seen.has(item) && item !== target && sparseDot(v, profile) + tieBreak[item]! > targetScore) above++;
    });
    if (above < k) hits++;
  }
  return { cosine: sum / 20_000, hitRate: hits / catalog.users.length };
}

export async function embedAll(embed: Embed, texts: readonly string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += 256) out.push(...(await embed(texts.slice(i, i + 256))));
  return out;
}
