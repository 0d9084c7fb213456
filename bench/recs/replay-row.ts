// The row `tacit replay` gives: the same histories through the worker's engine (cli/replay.ts), with
// the same vector file, as a check that the engine answers what core does, and to show what the engine
// delivers as wired today.

import { ReplayEngine } from '../../cli/replay.ts';
import type { Recommender } from './baselines.ts';
import type { Case, Dataset, Fold } from './data.ts';
import { storedEvent } from './tacit.ts';
import type { CatalogVectors } from './vectors.ts';

export async function replayRecommender(data: Dataset, fold: Fold, vectors: CatalogVectors, popularity: Float64Array): Promise<Recommender> {
  const catalog = data.items.map((item, i) => ({ ...item, popularity: popularity[i] }));
  const replay = await ReplayEngine.create(catalog, vectors.file, { ...vectors.model.embedder, dtype: 'q8' });
  const lists = new Map<Case, number[]>();
  for (const c of fold.cases) {
    const events = c.history.map((e, i) => storedEvent(e, i + 1, vectors.items));
    // The protocol's candidates: the catalogue minus the history.
    const ids = await replay.replayUser(events, { limit: 10, excludeSeen: true });
    lists.set(c, ids.map((id) => data.indexOf.get(id)!));
  }
  return (c) => lists.get(c)!;
}
