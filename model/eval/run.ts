// Evaluates the models side by side:
//   npx tsx model/eval/run.ts [MODEL_DIR ...]     (default: the v1 baseline and the default model)
// Prints one table per measure:
//   1. Tacit's own sets: Spearman on word/phrase pairs (all, and those sharing no word), product
//      retrieval (query → title, title → title) — pairs.ts, products.ts;
//   2. STS Benchmark development split (public sentence similarity; Spearman × 100), when it is present
//      in ../shared/text-similarity/ (see sts.ts);
//   3. on every catalogue in ../shared/datasets/: OOV rate of content words, mean inter-item cosine and
//      content HR@10 (catalogs.ts), also with the words the catalogue teaches (core/catalog-words.ts).
// Each model runs the way Tacit runs it: a folder with the compact static model through
// core/static-embedder.ts (bit-identical to its ONNX graph), any other through transformers.js.

import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { learnCatalogWords } from '../../core/catalog-words.ts';
import { createStaticEmbedder, staticEmbedderFromModel } from '../../core/static-embedder.ts';
import type { StaticEmbedder } from '../../core/static-embedder.ts';
import { WordPieceTokenizer } from '../../core/wordpiece.ts';
import { defaultModelDir } from '../default.ts';
import { FUNCTION_WORDS } from '../morphology.ts';
import { randomEmbedder, tfidfEmbedder, words } from './baselines.ts';
import type { Embed } from './baselines.ts';
import { contentHitRate, embedAll, loadCatalogs, meanInterItemCosine, oovRate, tfidfMeasures, tfidfVectors } from './catalogs.ts';
import { cosine, retrieval, spearman } from './metrics.ts';
import { SIMILARITY_PAIRS } from './pairs.ts';
import { PRODUCT_QUERIES, PRODUCT_TITLES } from './products.ts';
import { shippedModelEmbedder } from './shipped.ts';
import { loadStsDev, stsSpearman } from './sts.ts';

export const BASELINE_V1_DIR = resolve(import.meta.dirname, '../baseline/tacit-wordnet-v1');

export interface EvalRow {
  method: string;
  pairs: number;
  pairsNoSharedWord: number;
  queryRecall5: number;
  queryMrr: number;
  titleRecall5: number;
  titleMrr: number;
}

const stem = (w: string) => w.replace(/s$/, '');
const sharesWord = (a: string, b: string) => {
  const set = new Set(words(a).map(stem));
  return words(b).some((w) => set.has(stem(w)));
};

export async function evaluate(method: string, embed: Embed): Promise<EvalRow> {
  const gold = SIMILARITY_PAIRS.map(([, , score]) => score);
  const left = await embed(SIMILARITY_PAIRS.map(([a]) => a));
  const right = await embed(SIMILARITY_PAIRS.map(([, b]) => b));
  const predicted = left.map((v, i) => cosine(v, right[i]));
  const disjoint = SIMILARITY_PAIRS.map(([a, b], i) => [sharesWord(a, b), i] as const).filter(([shared]) => !shared).map(([, i]) => i);

  const titles = Object.entries(PRODUCT_TITLES).flatMap(([category, list]) => list.map((title) => ({ title, category })));
  const titleVectors = await embed(titles.map((t) => t.title));
  const queryVectors = await embed(PRODUCT_QUERIES.map(([q]) => q));
  const byQuery = retrieval(queryVectors, titleVectors, (q, d) => titles[d].category === PRODUCT_QUERIES[q][1], 5);
  const byTitle = retrieval(titleVectors, titleVectors, (q, d) => titles[d].category === titles[q].category, 5, (q, d) => q === d);
  return {
    method,
    pairs: spearman(predicted, gold),
    pairsNoSharedWord: spearman(disjoint.map((i) => predicted[i]), disjoint.map((i) => gold[i])),
    queryRecall5: byQuery.recallAtK,
    queryMrr: byQuery.mrr,
    titleRecall5: byTitle.recallAtK,
    titleMrr: byTitle.mrr,
  };
}

export function evaluationCorpus(): string[] {
  return [...SIMILARITY_PAIRS.flatMap(([a, b]) => [a, b]), ...Object.values(PRODUCT_TITLES).flat(), ...PRODUCT_QUERIES.map(([q]) => q)];
}

export function formatTable(rows: readonly EvalRow[]): string {
  const header = '| method | pairs ρ | pairs ρ (no shared word) | query→title R@5 | query→title MRR | title→title R@5 | title→title MRR |';
  const rule = '|---|---|---|---|---|---|---|';
  const f = (x: number) => x.toFixed(3);
  return [header, rule, ...rows.map((r) => `| ${r.method} | ${f(r.pairs)} | ${f(r.pairsNoSharedWord)} | ${f(r.queryRecall5)} | ${f(r.queryMrr)} | ${f(r.titleRecall5)} | ${f(r.titleMrr)} |`)].join('\n');
}

export interface LoadedModel {
  id: string;
  embed: Embed;
  /** Whether the model has `word` as a word of its own (not spelled from pieces). */
  knows(word: string): boolean;
  /** The static embedder, when the folder has a compact static model. */
  static?: StaticEmbedder;
}

/**
 * Loads a model folder the way Tacit runs it. A word is known when WordPiece writes it with tokens that
 * carry meaning (words, inflections, compounds such as candle·##holder), with no meaningless character
 * piece among them (zero-vector plural endings aside).
 */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const vocab = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')).model.vocab as Record<string, number>;
  const tokens = Object.keys(vocab).sort((a, b) => vocab[a]! - vocab[b]!);
  const id = basename(dir);
  const staticFile = config.tacit.static_model ? join(dir, config.tacit.static_model) : undefined;
  const embedder = staticFile && existsSync(staticFile) ? await createStaticEmbedder({ url: staticFile }) : undefined;
  let kind: (token: number) => 'word' | 'zero' | 'piece';
  if (embedder) {
    const { rowOfToken, scales, header } = embedder.model;
    kind = (t) => (rowOfToken[t]! > 0 && rowOfToken[t]! < header.firstPieceRow! ? 'word' : scales[rowOfToken[t]!] === 0 ? 'zero' : 'piece');
  } else {
    // tacit-wordnet-v1: specials and function words, then words and inflections, then pieces, in token order.
    const firstWord = 5 + FUNCTION_WORDS.size;
    const firstPiece = tokens.length - (config.tacit.embedding_rows - 1 - config.tacit.build.maxWords);
    kind = (t) => (t < firstWord ? 'zero' : t < firstPiece ? 'word' : 'piece');
  }
  const tokenizer = new WordPieceTokenizer({ vocab: tokens, specialTokens: tokens.slice(0, 5), unkToken: '[UNK]', clsToken: '[CLS]', sepToken: '[SEP]', maxLength: 512 });
  const knows = (word: string) => {
    const ids: number[] = [];
    tokenizer.wordPiece(word, ids);
    const kinds = ids.map(kind);
    return kinds.includes('word') && !kinds.includes('piece');
  };
  if (embedder) return { id, embed: (texts) => embedder.embed(texts), knows, static: embedder };
  return { id, embed: await shippedModelEmbedder(id, resolve(dir, '..')), knows };
}

const f3 = (x: number) => x.toFixed(3);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

async function main(): Promise<void> {
  const dirs = process.argv.slice(2).length > 0 ? process.argv.slice(2).map((d) => resolve(d)) : [BASELINE_V1_DIR, defaultModelDir()];
  const models: LoadedModel[] = [];
  for (const dir of dirs) models.push(await loadModel(dir));
  const dim = (await models[0]!.embed(['x']))[0]!.length;

  const titleCount = Object.values(PRODUCT_TITLES).flat().length;
  console.log(`## Tacit's own sets: ${SIMILARITY_PAIRS.length} pairs, ${titleCount} titles, ${PRODUCT_QUERIES.length} queries\n`);
  const rows: EvalRow[] = [];
  for (const model of models) rows.push(await evaluate(model.id, model.embed));
  rows.push(await evaluate('lexical TF-IDF (words + char 3-4-grams)', tfidfEmbedder(evaluationCorpus())));
  rows.push(await evaluate(`random word vectors (dim ${dim})`, randomEmbedder(dim)));
  console.log(formatTable(rows));

  const sts = loadStsDev();
  if (sts) {
    console.log(`\n## STS Benchmark, development split (${sts.pairs.length} pairs; Spearman × 100)\n`);
    console.log('| method | all | ' + sts.genres.join(' | ') + ' |');
    console.log('|---|---|' + sts.genres.map(() => '---|').join(''));
    const corpus = sts.pairs.flatMap((p) => [p.a, p.b]);
    const methods: Array<[string, Embed]> = [
      ...models.map((m) => [m.id, m.embed] as [string, Embed]),
      ['lexical TF-IDF (words + char 3-4-grams, IDF on the dev sentences)', tfidfEmbedder(corpus)],
    ];
    for (const [name, embed] of methods) {
      const result = await stsSpearman(sts, embed);
      console.log(`| ${name} | ${(100 * result.all).toFixed(1)} | ${sts.genres.map((g) => (100 * result.byGenre[g]!).toFixed(1)).join(' | ')} |`);
    }
  } else {
    console.log('\n(STS Benchmark development split not found in ../shared/text-similarity/: skipped)');
  }

  for (const catalog of loadCatalogs()) {
    console.log(`\n## ${catalog.name}: ${catalog.texts.length} items, ${catalog.users.length} users evaluated\n`);
    console.log('| method | OOV rate (content words) | mean inter-item cosine | content HR@10 |');
    console.log('|---|---|---|---|');
    for (const model of models) {
      const vectors = await embedAll(model.embed, catalog.texts);
      console.log(`| ${model.id} | ${pct(oovRate(catalog.texts, model.knows))} | ${f3(meanInterItemCosine(vectors))} | ${f3(contentHitRate(catalog, vectors))} |`);
      if (model.static) {
        const extraWords = learnCatalogWords(model.static, catalog.texts);
        const learned = new Set(extraWords.words);
        const adapted = staticEmbedderFromModel(model.static.model, { extraWords });
        const adaptedVectors = await adapted.embed(catalog.texts);
        const knows = (w: string) => model.knows(w) || learned.has(w);
        console.log(`| ${model.id} + ${learned.size} catalogue words | ${pct(oovRate(catalog.texts, knows))} | ${f3(meanInterItemCosine(adaptedVectors))} | ${f3(contentHitRate(catalog, adaptedVectors))} |`);
      }
    }
    const tfidf = tfidfMeasures(catalog, tfidfVectors(catalog.texts));
    console.log(`| word TF-IDF (IDF on the catalogue) | – | ${f3(tfidf.cosine)} | ${f3(tfidf.hitRate)} |`);
  }
}

if (process.argv[1]?.endsWith('run.ts')) await main();
