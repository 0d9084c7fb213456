// `npx tsx bench/recs/tune.ts`: chooses the hybrid ranker's default weights on the VALIDATION split of
// every shared dataset (each user's second-to-last line as the target, the last line removed from
// everything), never on the reported split. Coordinate descent over a small grid per setting, starting
// from the current defaults; the objective is the mean over datasets of HR@10 divided by the blend
// baseline's HR@10 on the same split, so each dataset counts the same. Prints every step and writes
// bench/results/recs-tuning.json; the chosen values are then written into core/ranking-config.ts and
// core/co-occurrence.ts by hand (they are documented there).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CO_OCCURRENCE_DEFAULTS, type CoOccurrenceOptions } from '../../core/co-occurrence.ts';
import { DEFAULT_RANKING, resolveRanking, type RankingConfig } from '../../core/ranking-config.ts';
import { RESULTS_DIR } from '../lib/paths.ts';
import { baselines } from './baselines.ts';
import { discoverDatasets, loadDataset, trainingPopularity, validationFold } from './data.ts';
import { outcomes } from './metrics.ts';
import { shopNeighbours, tacitRecommender } from './tacit.ts';
import { catalogVectors } from './vectors.ts';

const { values } = parseArgs({ options: { model: { type: 'string' }, rounds: { type: 'string' } } });

type Setting = { key: string; grid: number[]; get(c: Candidate): number; set(c: Candidate, v: number): Candidate };
interface Candidate {
  ranking: RankingConfig;
  cooc: CoOccurrenceOptions;
}

const channel = (name: 'content' | 'lexical' | 'popularity', grid: number[]): Setting => ({
  key: `channels.${name}`,
  grid,
  get: (c) => c.ranking.channels![name]!,
  set: (c, v) => ({ ...c, ranking: { ...c.ranking, channels: { ...c.ranking.channels, [name]: v } } }),
});
const rankingKey = (key: 'recency' | 'recencyHalfLifeDays' | 'sessionContext', grid: number[]): Setting => ({
  key,
  grid,
  get: (c) => c.ranking[key]!,
  set: (c, v) => ({ ...c, ranking: { ...c.ranking, [key]: v } }),
});
const coocKey = (key: 'window' | 'distanceDecay' | 'backward' | 'maxItemsPerCustomer', grid: number[]): Setting => ({
  key: `co-occurrence.${key}`,
  grid,
  get: (c) => c.cooc[key]!,
  set: (c, v) => ({ ...c, cooc: { ...c.cooc, [key]: v } }),
});

const SETTINGS: Setting[] = [
  channel('lexical', [0.1, 0.2, 0.3, 0.45, 0.6]),
  channel('content', [0, 0.05, 0.1, 0.2, 0.3]),
  channel('popularity', [0, 0.05, 0.1, 0.2]),
  rankingKey('recency', [0.7, 0.8, 0.9, 0.95]),
  rankingKey('recencyHalfLifeDays', [30, 90, 365]),
  rankingKey('sessionContext', [0.2, 0.3, 0.4, 0.5]),
  coocKey('window', [5, 10, 20]),
  coocKey('distanceDecay', [0.25, 0.5, 1]),
  coocKey('backward', [0.3, 0.5, 0.7]),
  coocKey('maxItemsPerCustomer', [50, 100, 200, 400]),
];

const sets = await Promise.all(
  discoverDatasets().map(async (name) => {
    const data = loadDataset(name);
    const fold = validationFold(data);
    const popularity = trainingPopularity(fold, data.items.length);
    const vectors = await catalogVectors(data, values.model);
    const targets = fold.cases.map((c) => c.target);
    const hr = (lists: ArrayLike<number>[]) => outcomes(lists, targets, data.items.length).hit.reduce((a, b) => a + b, 0) / targets.length;
    const blend = hr(fold.cases.map(baselines(fold, data.items, popularity, 1)['co-occurrence + TF-IDF blend']));
    return { name, fold, popularity, vectors, hr, blend };
  }),
);

const memo = new Map<string, { objective: number; perSet: Record<string, number> }>();
function evaluate(c: Candidate) {
  const key = JSON.stringify(c);
  let result = memo.get(key);
  if (result) return result;
  const perSet: Record<string, number> = {};
  let objective = 0;
  for (const s of sets) {
    const neighbours = shopNeighbours(s.fold, s.vectors.items, c.cooc);
    const recommend = tacitRecommender(s.vectors, s.popularity, { neighbours, ranking: resolveRanking(c.ranking) });
    perSet[s.name] = s.hr(s.fold.cases.map(recommend));
    objective += perSet[s.name] / s.blend / sets.length;
  }
  memo.set(key, (result = { objective, perSet }));
  return result;
}

const d = DEFAULT_RANKING;
let best: Candidate = {
  ranking: { channels: { ...d.channels }, recency: d.recency, recencyHalfLifeDays: d.recencyHalfLifeDays, sessionContext: d.sessionContext },
  cooc: { window: CO_OCCURRENCE_DEFAULTS.window, distanceDecay: CO_OCCURRENCE_DEFAULTS.distanceDecay, backward: CO_OCCURRENCE_DEFAULTS.backward, maxItemsPerCustomer: CO_OCCURRENCE_DEFAULTS.maxItemsPerCustomer },
};
const log: unknown[] = [];
const start = evaluate(best);
console.log('validation blend HR@10:', Object.fromEntries(sets.map((s) => [s.name, +s.blend.toFixed(4)])));
console.log('start', start.objective.toFixed(4), start.perSet);
const rounds = Number(values.rounds ?? 2);
for (let round = 1; round <= rounds; round++) {
  let changed = false;
  for (const setting of SETTINGS) {
    const current = setting.get(best);
    let bestValue = current;
    let bestScore = evaluate(best).objective;
    for (const v of setting.grid) {
      if (v === current) continue;
      const r = evaluate(setting.set(best, v));
      log.push({ round, setting: setting.key, value: v, ...r });
      // A change must beat the current value, not tie it: defaults move only for a measured gain.
      if (r.objective > bestScore + 1e-9) (bestScore = r.objective), (bestValue = v);
    }
    if (bestValue !== current) (best = setting.set(best, bestValue)), (changed = true);
    console.log(`round ${round} ${setting.key} = ${bestValue} → ${bestScore.toFixed(4)}`, evaluate(best).perSet);
  }
  if (!changed) break;
}
const final = evaluate(best);
console.log('chosen', JSON.stringify(best), final.objective.toFixed(4), final.perSet);
writeFileSync(
  join(RESULTS_DIR, 'recs-tuning.json'),
  JSON.stringify({ split: 'validation', objective: 'mean HR@10 / blend HR@10', blend: Object.fromEntries(sets.map((s) => [s.name, s.blend])), start, chosen: best, final, steps: log }, null, 1) + '\n',
);
