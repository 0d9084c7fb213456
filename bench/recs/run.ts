// `npm run eval:recs`: recommendation quality on every dataset in ../shared/datasets/ (read at run time),
// Tacit against random, popularity, item co-occurrence, TF-IDF and their blend, all computed in this run.
// Writes bench/results/recs.json and bench/results/recs.md (see report.ts) and prints the markdown.
//
// Options: --model DIR_OR_ID   the embedding model (default: the shipped default model), to compare models
//          --datasets a,b      only these dataset folders
//          --out NAME          write bench/results/NAME.{json,md} (default recs)

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RESULTS_DIR } from '../lib/paths.ts';
import { baselines, type Recommender } from './baselines.ts';
import { discoverDatasets, loadDataset, testFold, trainingPopularity, validationFold } from './data.ts';
import { outcomes, score, versus, type Outcomes } from './metrics.ts';
import { markdown, type DatasetResult, type MethodRow } from './report.ts';
import { resolveRanking } from '../../core/ranking-config.ts';
import { replayRecommender } from './replay-row.ts';
import { shopNeighbours, tacitRecommender } from './tacit.ts';
import { catalogVectors } from './vectors.ts';

const { values } = parseArgs({ options: { model: { type: 'string' }, datasets: { type: 'string' }, out: { type: 'string' } } });
const started = performance.now();
const BLEND = 'co-occurrence + TF-IDF blend';
const SINGLE = ['popularity', 'item co-occurrence', 'item co-occurrence (pairs from ≥ 2 users)', 'TF-IDF'];
/** The row the bar is about. */
const TACIT_DEFAULT = 'Tacit default (hybrid, shop neighbours from --orders)';
/** The model's channel alone (mean removed): the row that compares models. */
const NO_ORDERS = 'Tacit without --orders (no behaviour channel)';
const REPLAY = 'Tacit via `tacit replay` (the worker engine, as wired today)';
const CONTENT_ONLY = resolveRanking({ channels: { content: 1, lexical: 0, behaviour: 0, popularity: 0 } });
const SEED = 1;

const results: DatasetResult[] = [];
let modelId = '';
for (const name of values.datasets?.split(',') ?? discoverDatasets()) {
  const data = loadDataset(name);
  const fold = testFold(data);
  const popularity = trainingPopularity(fold, data.items.length);
  const vectors = await catalogVectors(data, values.model);
  modelId = vectors.modelId;
  const neighbours = shopNeighbours(fold, vectors.items);
  // Each method is built inside its timing (the replay row answers every user while it is built).
  const methods: Record<string, () => Recommender | Promise<Recommender>> = {
    ...Object.fromEntries(Object.entries(baselines(fold, data.items, popularity, SEED)).map(([k, r]) => [k, () => r])),
    [TACIT_DEFAULT]: () => tacitRecommender(vectors, popularity, { neighbours }),
    [NO_ORDERS]: () => tacitRecommender(vectors, popularity),
    'Tacit, model channel only': () => tacitRecommender(vectors, popularity, { ranking: CONTENT_ONLY }),
    [REPLAY]: () => replayRecommender(data, fold, vectors, popularity),
  };
  const targets = fold.cases.map((c) => c.target);
  const rows: MethodRow[] = [];
  const raw = new Map<string, Outcomes>();
  const lists = new Map<string, ArrayLike<number>[]>();
  for (const [method, build] of Object.entries(methods)) {
    const t = performance.now();
    const recommend = await build();
    lists.set(method, fold.cases.map(recommend));
    const o = outcomes(lists.get(method)!, targets, data.items.length);
    raw.set(method, o);
    rows.push({ name: method, ...score(o), ms: performance.now() - t });
    console.error(`eval:recs: ${name}: ${method} done`);
  }
  for (const row of rows) if (row.name.startsWith('Tacit')) row.versusBlend = versus(raw.get(row.name)!, raw.get(BLEND)!);
  const hrOf = (m: string) => rows.find((r) => r.name === m)!.hr.value;
  const bestSingle = SINGLE.reduce((a, b) => (hrOf(b) > hrOf(a) ? b : a));
  const required = Math.max(1.2 * hrOf(bestSingle), hrOf(BLEND));
  // The engine is wired without the neighbours today: its lists must be exactly core's without them.
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((x, k) => x === b[k]);
  const replayIdentical = lists.get(REPLAY)!.filter((l, u) => same(l, lists.get(NO_ORDERS)![u])).length / fold.cases.length;
  results.push({
    name,
    items: data.items.length,
    evaluated: fold.cases.length,
    rebuysSkipped: fold.rebuys,
    validationUsers: validationFold(data).cases.length,
    methods: rows,
    replayIdentical,
    bar: { bestSingle, bestSingleHr: hrOf(bestSingle), blendHr: hrOf(BLEND), required, tacitHr: hrOf(TACIT_DEFAULT), met: hrOf(TACIT_DEFAULT) >= required },
  });
}

const seconds = (performance.now() - started) / 1000;
const command = `npm run eval:recs${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
const meta = { command, seconds, model: modelId, date: new Date().toISOString().slice(0, 10) };
const outName = values.out ?? 'recs';
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(join(RESULTS_DIR, `${outName}.json`), JSON.stringify({ ...meta, tacitDefault: TACIT_DEFAULT, datasets: results }, null, 2) + '\n');
const md = markdown(results, meta);
writeFileSync(join(RESULTS_DIR, `${outName}.md`), md);
console.log(md);
