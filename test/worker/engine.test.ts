// The engine in Node: the real transformers.js path on a generated tiny BERT, real IndexedDB code over
// fake-indexeddb. Checks what the worker promises: profile persisted (a reload applies only new events),
// purchased and out-of-stock items filtered, item embeddings cached, precomputed vectors used when they
// match the model, and nothing written without consent.

import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateTinyBert } from '../../model/tiny-bert.ts';
import { openTacitDB } from '../../worker/storage/schema.ts';
import { itemText } from '../../core/catalog.ts';
import { contentHash } from '../../core/hash.ts';
import { encodeVecFile } from '../../core/vecfile.ts';
import { quantizeRow } from '../../core/vectors.ts';
import { createEmbedder } from '../../worker/embedder.ts';
import { Engine, type EngineConfig } from '../../worker/engine.ts';
import { SAVED_SHELF_SIZE, type SavedShelf } from '../../core/saved-shelf.ts';

const ROOT = resolve(__dirname, '../..');
const MODELS = resolve(ROOT, 'test/fixtures/generated');
const catalog = JSON.parse(readFileSync(resolve(ROOT, 'test/support/browser/fixtures/catalog.json'), 'utf8'));
const files: Record<string, () => Response> = {
  '/catalog.json': () => Response.json(catalog),
};
const fakeNetwork: typeof fetch = async (input) => {
  const path = new URL(String(input), 'http://shop.test').pathname;
  return files[path]?.() ?? new Response('not found', { status: 404 });
};

function config(extra: Partial<EngineConfig> = {}): EngineConfig {
  return {
    catalogUrl: 'http://shop.test/catalog.json',
    catalogVectorsUrl: null,
    model: { model: 'tiny-bert', dtype: 'q8', localModelPath: MODELS },
    events: 'indexeddb',
    ...extra,
  };
}

let now = Date.UTC(2026, 10, 1);
const newEngine = () => new Engine({ createEmbedder, fetch: fakeNetwork, now: () => now });

async function store(events: { event: string; properties: Record<string, unknown> }[]) {
  const db = await openTacitDB();
  for (const e of events) await db.add('events', { ts: (now += 1000), ...e } as never);
  db.close();
}

beforeAll(() => {
  generateTinyBert({ preset: 'tiny', out: resolve(MODELS, 'tiny-bert') });
});
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('Engine', () => {
  it('warns about an item on screen the catalogue does not have, and ranks without it', async () => {
    const said: string[] = [];
    const engine = new Engine({ createEmbedder, fetch: fakeNetwork, now: () => now, onWarning: (m) => said.push(m) });
    await engine.init(config());
    const result = await engine.recommend({ limit: 3, context: { itemId: 'gone-42' } });
    expect(result.items).toHaveLength(3);
    expect(said).toEqual(['recommend({ context }): item "gone-42" is not in the catalogue; recommending without it']);
    await engine.recommend({ limit: 3, context: { itemId: 'p1' } });
    expect(said).toHaveLength(1);
  });

  it('ranks from the profile, filters purchased and out-of-stock items, and explains', async () => {
    const engine = newEngine();
    await engine.init(config());
    expect(engine.info.status).toBe('ready');
    expect(engine.info.catalog).toMatchObject({ items: 40, vectors: 'embedded' });
    await store([
      { event: 'Product Viewed', properties: { product_id: 'p1' } },
      { event: 'Product Viewed', properties: { product_id: 'p2' } },
      { event: 'Order Completed', properties: { order_id: 'o1', products: [{ product_id: 'p3' }] } },
      { event: 'Products Searched', properties: { query: 'trail shoes' } },
    ]);
    const result = await engine.recommend({ limit: 10 });
    expect(result.strategy).toBe('profile');
    const ids = result.items.map((r) => r.id);
    expect(ids).not.toContain('p3'); // bought
    expect(result.items.every((r) => r.item!.inStock)).toBe(true);
    expect(ids).not.toContain('p9'); // out of stock in the fixture
    expect(result.items[0].reason.because.length).toBeGreaterThan(0);
    expect(engine.profileSummary().map((c) => c.itemId ?? c.query)).toEqual(expect.arrayContaining(['p1', 'p2', 'p3', 'trail shoes']));
  });

  it("an experiment's control arm: the fallback ranking under the same shelf rules (bought items left out)", async () => {
    const engine = newEngine();
    await engine.init(config());
    await store([
      { event: 'Product Viewed', properties: { product_id: 'p1' } },
      { event: 'Order Completed', properties: { order_id: 'o1', products: [{ product_id: 'p3' }] } },
    ]);
    const control = await engine.recommend({ limit: 10, strategy: 'control' });
    expect(control.strategy).toMatch(/^fallback:/);
    expect(control.items.map((r) => r.id)).not.toContain('p3');
    expect(control.items.every((r) => r.reason.because.length === 0)).toBe(true); // popularity or shop order: nothing personal
    expect((await engine.recommend({ limit: 10 })).strategy).toBe('profile');
  });

  it('persists the profile: a reload applies only the events stored since', async () => {
    const first = newEngine();
    await first.init(config());
    await store([{ event: 'Product Viewed', properties: { product_id: 'p1' } }]);
    await first.recommend();
    first.forget(); // closes its DB connection; the stored profile stays (forget of the store is the SDK's)

    const db = await openTacitDB();
    const saved = (await db.get('kv', 'profile')) as { profile: { count: number; lastSeq: number } };
    expect(saved.profile).toMatchObject({ count: 1, lastSeq: 1 });
    db.close();

    await store([{ event: 'Product Added', properties: { product_id: 'p5' } }]);
    const second = newEngine();
    await second.init(config());
    expect(second.info.catalog.vectors).toBe('cache'); // item embeddings came from IndexedDB
    await second.recommend();
    const db2 = await openTacitDB();
    const after = (await db2.get('kv', 'profile')) as { profile: { count: number; lastSeq: number } };
    expect(after.profile).toMatchObject({ count: 2, lastSeq: 2 });
    db2.close();
  });

  it('ranks the saved shelf for the next page once there is a profile, and again when it changes', async () => {
    const shelves: SavedShelf[] = [];
    const engine = new Engine({ createEmbedder, fetch: fakeNetwork, now: () => now, onShelf: (shelf) => shelves.push(shelf) });
    await engine.init(config());
    await engine.recommend();
    expect(shelves).toEqual([]); // no profile yet: nothing personal to keep
    await store([{ event: 'Product Viewed', properties: { product_id: 'p1' } }]);
    const ranked = await engine.recommend({ limit: SAVED_SHELF_SIZE });
    expect(shelves).toHaveLength(1);
    expect(shelves[0]).toEqual({ savedAt: now, catalog: 'http://shop.test/catalog.json', strategy: ranked.strategy, items: ranked.items });
    await store([{ event: 'Product Added', properties: { product_id: 'p4' } }]);
    await engine.recommend();
    expect(shelves).toHaveLength(2);
    expect(shelves[1]!.items.map((r) => r.id)).toEqual((await engine.recommend({ limit: SAVED_SHELF_SIZE })).items.map((r) => r.id));
    expect(shelves[1]!.items.map((r) => r.id)).not.toContain('p4'); // in the cart: the shelf rules hold
    engine.forget();

    // The next page's engine: the catalogue may have changed since, so it ranks the shelf again once loaded.
    const next = new Engine({ createEmbedder, fetch: fakeNetwork, now: () => now, onShelf: (shelf) => shelves.push(shelf) });
    await next.init(config());
    await next.recommend();
    expect(shelves).toHaveLength(3);

    // Events kept only in memory (IndexedDB could not be opened): nothing is kept for the next page.
    const memory = new Engine({ createEmbedder, fetch: fakeNetwork, now: () => now, onShelf: (shelf) => shelves.push(shelf), memoryEvents: { events: async () => [{ seq: 1, ts: now, event: 'Product Viewed', properties: { product_id: 'p2' } }] } });
    await memory.init(config({ events: 'memory' }));
    expect((await memory.recommend()).strategy).toBe('profile');
    expect(shelves).toHaveLength(3);
  });

  it('uses a precomputed vector file when its model matches, and embeds itself when it does not', async () => {
    const embedder = await createEmbedder({ model: 'tiny-bert', localModelPath: MODELS, dtype: 'q8' });
    const items = catalog.filter((row: { title: string }) => row.title);
    const vectors = await embedder.embed(items.map(itemText));
    const rows = vectors.map((v) => quantizeRow(v));
    const file = (modelId: string) =>
      encodeVecFile({
        modelId,
        dim: embedder.dim,
        count: items.length,
        ids: items.map((i: { id: string }) => i.id),
        contentHashes: items.map((i: Parameters<typeof itemText>[0]) => contentHash(itemText(i))),
        scales: Float32Array.from(rows.map((r) => r.scale)),
        data: Int8Array.from(rows.flatMap((r) => [...r.q])),
      });
    files['/match.vec'] = () => new Response(file('tiny-bert') as Uint8Array<ArrayBuffer>);
    files['/other.vec'] = () => new Response(file('some-other-model') as Uint8Array<ArrayBuffer>);

    const matching = newEngine();
    await matching.init(config({ catalogVectorsUrl: 'http://shop.test/match.vec', events: 'none' }));
    expect(matching.info.catalog.vectors).toBe('precomputed');
    const other = newEngine();
    await other.init(config({ catalogVectorsUrl: 'http://shop.test/other.vec', events: 'none' }));
    expect(other.info.catalog.vectors).toBe('embedded');
    // Same vectors either way: the ranking for the same context item agrees.
    const a = await matching.recommend({ limit: 5, context: { itemId: 'p1' } });
    const b = await other.recommend({ limit: 5, context: { itemId: 'p1' } });
    expect(a.items.map((r) => r.id)).toEqual(b.items.map((r) => r.id));
  });

  it('without consent it writes nothing and ranks without a profile', async () => {
    const engine = newEngine();
    await engine.init(config({ events: 'none' }));
    const result = await engine.recommend({ limit: 3 });
    expect(result.strategy).toBe('popular');
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain('tacit');
  });

  it('a missing model leaves the fallback ranking working', async () => {
    const engine = newEngine();
    await engine.init(config({ model: { model: 'missing-model', localModelPath: MODELS } }));
    expect(engine.info.status).toBe('failed');
    expect(engine.info.error).toMatch(/missing-model/);
    const result = await engine.recommend({ limit: 3 });
    expect(result.strategy).toBe('fallback:popular');
    expect(result.items).toHaveLength(3);
  });

  it('assigns segments from a taxonomy once a profile exists', async () => {
    const engine = newEngine();
    // Random weights give arbitrary similarities: accept any score to test the plumbing, not the model.
    await engine.init(config({ segments: { threshold: -1, maxSegments: 1 } }));
    await engine.setTaxonomy({
      version: 1,
      segments: [
        { id: 1, name: 'Runners', description: 'running shoes and gear' },
        { id: 2, name: 'Cooks', description: 'kitchen pans and knives' },
      ],
    });
    expect(await engine.segments()).toEqual([]); // no profile yet
    await store([{ event: 'Product Viewed', properties: { product_id: 'p1' } }]);
    const segments = await engine.segments();
    expect(segments).toHaveLength(1);
    expect([1, 2]).toContain(segments[0].id);
    expect(typeof segments[0].score).toBe('number');
  });
});
