// Tacit's own rows: each evaluated user's history becomes the stored events the browser would hold,
// folded into a profile by core/profile.ts (applyEvent, the worker's code) and ranked by core/rank.ts
// with the catalogue's model vectors, as recommend() would answer right after the user's last event.
// The shop's neighbours come from the fold's training lines through `embed-catalog --orders`'s own code
// (core/co-occurrence.ts) and the vector file's section format (core/neighbours.ts).

import { deriveNeighbours, type CoOccurrenceOptions, type OrderLine } from '../../core/co-occurrence.ts';
import { purchasedIds } from '../../core/interactions.ts';
import { NEIGHBOURS_SECTION, encodeNeighbours, neighbourIndexFromFile, type NeighbourIndex } from '../../core/neighbours.ts';
import { applyEvent, createProfile } from '../../core/profile.ts';
import { rank } from '../../core/rank.ts';
import type { ResolvedRanking } from '../../core/ranking-config.ts';
import type { CatalogItem, StoredEvent } from '../../core/types.ts';
import type { Recommender } from './baselines.ts';
import type { Case, DatasetEvent, Fold } from './data.ts';
import type { CatalogVectors } from './vectors.ts';

/** A dataset line as the event the SDK's track() would have stored. */
export function storedEvent(e: DatasetEvent, seq: number, items: readonly CatalogItem[]): StoredEvent {
  const product_id = items[e.item].id;
  const properties: Record<string, unknown> =
    e.event === 'Order Completed' ? { order_id: `o${seq}`, products: [{ product_id }] } : { product_id };
  return { seq, ts: e.ts, event: e.event, properties };
}

/** The shop's neighbour section, derived from the fold's training lines, as the worker would read it. */
export function shopNeighbours(fold: Fold, items: readonly CatalogItem[], options: CoOccurrenceOptions = {}): NeighbourIndex | null {
  const lines: OrderLine[] = fold.train.flatMap(({ user, events }) => events.map((e) => ({ customer: user, ts: e.ts, itemId: items[e.item].id })));
  const ids = items.map((item) => item.id);
  const section = encodeNeighbours(deriveNeighbours(lines, ids, options));
  return neighbourIndexFromFile({ ids, count: ids.length, sections: { [NEIGHBOURS_SECTION]: section } }, items);
}

export interface TacitOptions {
  lambda?: number;
  ranking?: ResolvedRanking;
  neighbours?: NeighbourIndex | null;
}

/** Tacit's recommender for one fold; `popularity` is the fold's training counts. */
export function tacitRecommender(vectors: CatalogVectors, popularity: Float64Array, options: TacitOptions = {}): Recommender {
  const items = vectors.items.map((item, i) => ({ ...item, popularity: popularity[i] }));
  const rowOf = new Map(items.map((item, i) => [item.id, i]));
  const { matrix, modelId } = vectors;
  const row = new Float32Array(matrix.dim);
  return (c: Case) => {
    const events = c.history.map((e, i) => storedEvent(e, i + 1, items));
    const profile = createProfile(modelId, matrix.dim);
    for (const event of events) {
      applyEvent(profile, event, (i) => {
        const r = i.itemId === undefined ? undefined : rowOf.get(i.itemId);
        return r === undefined ? null : matrix.row(r, row);
      });
    }
    const last = events[events.length - 1];
    const result = rank({
      matrix,
      items,
      profile,
      now: last.ts,
      limit: 10,
      purchased: purchasedIds(events),
      // The protocol's candidates are the catalogue minus the history (here every line is an order, so
      // this equals what `purchased` already removes).
      exclude: c.history.map((e) => items[e.item].id),
      neighbours: options.neighbours ?? null,
      ...(options.ranking ? { ranking: options.ranking } : {}),
      ...(options.lambda !== undefined ? { lambda: options.lambda } : {}),
    });
    return result.items.map((r) => rowOf.get(r.id)!);
  };
}
