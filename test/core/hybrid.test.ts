import { describe, expect, it } from 'vitest';
import { deriveNeighbours } from '../../core/co-occurrence.ts';
import { MAX_REASON_CHARS } from '../../core/explain.ts';
import { NEIGHBOURS_SECTION, encodeNeighbours, neighbourIndexFromFile } from '../../core/neighbours.ts';
import { applyInteraction, createProfile } from '../../core/profile.ts';
import { rank } from '../../core/rank.ts';
import { resolveRanking, type RankingConfig } from '../../core/ranking-config.ts';
import type { CatalogItem, Interaction } from '../../core/types.ts';
import { VectorMatrix } from '../../core/vectors.ts';

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;

// Every vector shares a strong common direction (axis 4), as real model vectors do.
const catalog: [CatalogItem, number[]][] = [
  [{ id: 'a9809', title: 'Senco A209809 Brad Nailer', inStock: true, popularity: 2 }, [1, 0, 0, 0, 2]],
  [{ id: 'a9909', title: 'Senco A209909 Brad Nailer Kit', inStock: true, popularity: 1 }, [0.9, 0.2, 0, 0, 2]],
  [{ id: 'bost', title: 'Bostitch Nailer', inStock: true, popularity: 3 }, [1, 0, 0.05, 0, 2]],
  [{ id: 'nails', title: 'Brads, 18 gauge, box of 1000', inStock: true, popularity: 4 }, [0, 1, 0, 0, 2]],
  [{ id: 'glue', title: 'Wood glue', inStock: true, popularity: 30 }, [0, 0, 1, 0, 2]],
  [{ id: 'mug', title: 'Coffee mug', inStock: true, popularity: 50 }, [0, 0, 0, 1, 2]],
  [{ id: 'long', title: `Extremely long product title ${'with many words '.repeat(10)}end`, inStock: true }, [0, 0.1, 0, 1, 2]],
];
const items = catalog.map(([item]) => item);
const matrix = VectorMatrix.fromRows(catalog.map(([, v]) => Float32Array.from(v)));
const vectorOf = (id: string) => Float32Array.from(catalog.find(([item]) => item.id === id)![1]);
const only = (channels: RankingConfig['channels'], extra: RankingConfig = {}) =>
  resolveRanking({ channels: { content: 0, lexical: 0, behaviour: 0, popularity: 0, ...channels }, ...extra });

function profileOf(...events: [Interaction['kind'], string, number?][]) {
  const p = createProfile('m', 5);
  events.forEach(([kind, itemId, daysAgo = 0], n) =>
    applyInteraction(p, { seq: n + 1, ts: NOW - daysAgo * DAY, kind, weight: kind === 'order' ? 8 : 1, itemId, title: '' }, vectorOf(itemId)),
  );
  return p;
}
const ids = (r: { items: { id: string }[] }) => r.items.map((i) => i.id);

/** Neighbours as `embed-catalog --orders` ships them: nailer buyers go on to buy nails. */
function shopNeighbours() {
  const lines = ['c1', 'c2', 'c3'].flatMap((customer) => [
    { customer, ts: 1, itemId: 'a9809' },
    { customer, ts: 2, itemId: 'nails' },
  ]);
  const ids = items.map((item) => item.id);
  return neighbourIndexFromFile({ ids, count: ids.length, sections: [{ kind: NEIGHBOURS_SECTION, meta: {}, payload: encodeNeighbours(deriveNeighbours(lines, ids)) }] }, items)!;
}

describe('the hybrid ranker', () => {
  it('content: scores cosine after removing the catalogue mean, so the common direction counts for nothing', () => {
    const r = rank({ matrix, items, profile: profileOf(['view', 'a9809']), now: NOW, ranking: only({ content: 1 }), exclude: ['a9809'] });
    const mean = new Float64Array(5);
    const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
    for (const [, v] of catalog) unit(v).forEach((x, k) => (mean[k] += x / catalog.length));
    const centred = (v: number[]) => {
      const c = unit(v).map((x, k) => x - mean[k]);
      return c.map((x) => x / Math.hypot(...c));
    };
    const q = centred(vectorOf('a9809') as unknown as number[]);
    for (const rec of r.items) {
      const c = centred([...vectorOf(rec.id)]);
      const cos = Math.max(0, c.reduce((s, x, k) => s + x * q[k], 0));
      const best = r.items[0].score;
      // Scores are scaled by the best candidate's; compare ratios.
      expect(rec.score / best).toBeCloseTo(cos / Math.max(0, centred([...vectorOf(r.items[0].id)]).reduce((s, x, k) => s + x * q[k], 0)), 1);
    }
    // Raw cosine would put the mug (shares only the common direction, 0.8) above the nails; centred it scores 0.
    expect(r.items.find((i) => i.id === 'mug')?.score ?? 0).toBe(0);
  });

  it('identity: a shared brand and model number outranks a same-kind item of another brand', () => {
    const r = rank({ matrix, items, profile: profileOf(['view', 'a9809']), now: NOW, ranking: only({ lexical: 1 }), exclude: ['a9809'] });
    expect(ids(r)[0]).toBe('a9909');
    expect(ids(r).indexOf('a9909')).toBeLessThan(ids(r).indexOf('bost'));
    expect(r.items[0].reason.text).toBe('Because you viewed Senco A209809 Brad Nailer');
  });

  it('behaviour: the shop’s co-occurrence neighbours lift what buyers of an item buy next, and say so', () => {
    const neighbours = shopNeighbours();
    const profile = profileOf(['order', 'a9809']);
    const r = rank({ matrix, items, profile, now: NOW, neighbours, purchased: new Set(['a9809']) });
    expect(ids(r)[0]).toBe('nails');
    expect(r.items[0].reason).toEqual({
      kind: 'profile',
      text: 'Often bought with Senco A209809 Brad Nailer',
      because: [{ itemId: 'a9809', title: 'Senco A209809 Brad Nailer', event: 'Order Completed' }],
    });
    // Without the section the same shopper gets the content and identity channels only.
    expect(ids(rank({ matrix, items, profile, now: NOW, purchased: new Set(['a9809']) }))[0]).not.toBe('nails');
  });

  it('popularity: a prior that only orders otherwise equal items', () => {
    const p = createProfile('m', 5);
    applyInteraction(p, { seq: 1, ts: NOW, kind: 'view', weight: 1, itemId: 'gone', title: 'x' }, Float32Array.of(0, 0, 0.7, 0.7, 0));
    const r = rank({ matrix, items, profile: p, now: NOW, ranking: only({ content: 1, popularity: 0.05 }) });
    expect(ids(r).slice(0, 2)).toEqual(['mug', 'glue']); // equally close; the mug sells more
    expect(rank({ matrix, items, profile: p, now: NOW, ranking: only({ popularity: 1 }) }).items[0].reason.text).toBe('Popular in this shop');
  });

  it('scales each channel by its best eligible item: an excluded or sold-out best item does not shrink the rest', () => {
    const p = profileOf(['view', 'a9809']);
    const popularOnly = only({ popularity: 1 });
    // The mug (popularity 50) is left out, so the glue (30) is the best candidate and scores 1.
    const withoutMug = rank({ matrix, items, profile: p, now: NOW, ranking: popularOnly, exclude: ['mug'] });
    expect(withoutMug.items[0]).toMatchObject({ id: 'glue', score: 1 });
    const soldOut = items.map((item) => (item.id === 'mug' ? { ...item, inStock: false } : item));
    expect(rank({ matrix, items: soldOut, profile: p, now: NOW, ranking: popularOnly }).items[0]).toMatchObject({ id: 'glue', score: 1 });
    // Content: the closest eligible item scores 1 once the nailer itself is left out.
    const content = rank({ matrix, items, profile: p, now: NOW, ranking: only({ content: 1 }), exclude: ['a9809'] });
    expect(content.items[0].score).toBeCloseTo(1, 6);
  });

  it('recency: the newest item leads; `recency` and `sessionContext` set how much', () => {
    const nailerLast = profileOf(['view', 'mug', 2], ['view', 'a9809', 0]);
    const mugLast = profileOf(['view', 'a9809', 2], ['view', 'mug', 0]);
    const base = { matrix, items, now: NOW, exclude: ['a9809', 'mug'] };
    const recent = only({ content: 1 }, { recency: 0.3, sessionContext: 0.3 });
    expect(ids(rank({ ...base, profile: mugLast, ranking: recent }))[0]).toBe('long'); // the mug's neighbour
    expect(ids(rank({ ...base, profile: nailerLast, ranking: recent }))[0]).toBe('bost'); // the nailer's
    const flat = only({ content: 1 }, { recency: 1, sessionContext: 0, recencyHalfLifeDays: 1e6 });
    expect(ids(rank({ ...base, profile: mugLast, ranking: flat }))).toEqual(ids(rank({ ...base, profile: nailerLast, ranking: flat })));
  });

  it('explanations: one item, at most 80 characters, never the item itself, never an unrelated item', () => {
    const profile = profileOf(['view', 'mug', 5], ['view', 'long', 0]);
    const r = rank({ matrix, items, profile, now: NOW, neighbours: shopNeighbours(), ranking: resolveRanking({ channels: { content: 1, popularity: 0 } }) });
    for (const rec of r.items) {
      expect(rec.reason.text.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
      expect(rec.reason.because.length).toBeLessThanOrEqual(1);
      expect(rec.reason.because.every((b) => b.itemId !== rec.id)).toBe(true);
    }
    const mug = r.items.find((i) => i.id === 'mug')!;
    expect(mug.reason.text).toMatch(/^Because you viewed Extremely long product title with many words .*…$/);
    expect(mug.reason.text).toHaveLength(MAX_REASON_CHARS);
    // The nailer shares nothing with a mug or the long title: its reason names neither.
    const nailer = r.items.find((i) => i.id === 'a9809');
    if (nailer) expect(nailer.reason.because.map((b) => b.itemId)).toEqual([]);
  });

  it('explains a search by its words', () => {
    const p = createProfile('m', 5);
    applyInteraction(p, { seq: 1, ts: NOW, kind: 'search', weight: 0.75, query: 'senco nailer', title: 'senco nailer' }, Float32Array.of(1, 0.1, 0, 0, 2));
    const r = rank({ matrix, items, profile: p, now: NOW });
    expect(ids(r)[0]).toMatch(/^a9/);
    expect(r.items[0].reason).toEqual({ kind: 'profile', text: 'Because you searched for "senco nailer"', because: [{ title: 'senco nailer', event: 'Products Searched' }] });
  });
});
