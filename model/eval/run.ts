// Evaluates the shipped model against a lexical baseline and random vectors:
//   npx tsx model/eval/run.ts
// Prints one table: Spearman on word/phrase pairs (all, and those sharing no word), and product
// retrieval Recall@5 / MRR for shopper queries → titles and for title → other titles.

import { randomEmbedder, tfidfEmbedder, words } from './baselines.ts';
import type { Embed } from './baselines.ts';
import { cosine, retrieval, spearman } from './metrics.ts';
import { SIMILARITY_PAIRS } from './pairs.ts';
import { PRODUCT_QUERIES, PRODUCT_TITLES } from './products.ts';
import { shippedModelEmbedder } from './shipped.ts';

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
  return [
    ...SIMILARITY_PAIRS.flatMap(([a, b]) => [a, b]),
    ...Object.values(PRODUCT_TITLES).flat(),
    ...PRODUCT_QUERIES.map(([q]) => q),
  ];
}

export function formatTable(rows: readonly EvalRow[]): string {
  const header = '| method | pairs ρ | pairs ρ (no shared word) | query→title R@5 | query→title MRR | title→title R@5 | title→title MRR |';
  const rule = '|---|---|---|---|---|---|---|';
  const f = (x: number) => x.toFixed(3);
  return [header, rule, ...rows.map((r) => `| ${r.method} | ${f(r.pairs)} | ${f(r.pairsNoSharedWord)} | ${f(r.queryRecall5)} | ${f(r.queryMrr)} | ${f(r.titleRecall5)} | ${f(r.titleMrr)} |`)].join('\n');
}

async function main(): Promise<void> {
  const titleCount = Object.values(PRODUCT_TITLES).flat().length;
  const disjointCount = SIMILARITY_PAIRS.filter(([a, b]) => !sharesWord(a, b)).length;
  console.log(`${SIMILARITY_PAIRS.length} pairs (${disjointCount} sharing no word), ${titleCount} titles in ${Object.keys(PRODUCT_TITLES).length} categories, ${PRODUCT_QUERIES.length} queries`);
  const model = await shippedModelEmbedder();
  const dim = (await model(['x']))[0].length;
  const rows = [
    await evaluate('model (shipped ONNX + tokenizer)', model),
    await evaluate('lexical TF-IDF (words + char 3-4-grams)', tfidfEmbedder(evaluationCorpus())),
    await evaluate(`random word vectors (dim ${dim})`, randomEmbedder(dim)),
  ];
  console.log(formatTable(rows));
}

if (process.argv[1]?.endsWith('run.ts')) await main();
