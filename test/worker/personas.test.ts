// Recommendation quality with the embedded default model, in Node through the same engine the worker
// runs: each demo persona's journey must bring its own department to the top five and its own segment
// to the top of the segment list, and no unrelated segment may pass the default threshold.

import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { personas } from '../../demo/catalog/personas.ts';
import { DEFAULT_MODEL_ID, defaultModelsRoot } from '../../model/default.ts';
import { openTacitDB } from '../../worker/storage/schema.ts';
import { createModelEmbedder } from '../../worker/model-loader.ts';
import { Engine } from '../../worker/engine.ts';

const ROOT = resolve(__dirname, '../..');
const catalog = JSON.parse(readFileSync(resolve(ROOT, 'demo/public/catalog.json'), 'utf8'));
const taxonomy = JSON.parse(readFileSync(resolve(ROOT, 'server/taxonomy.json'), 'utf8'));

/** Segments (server/taxonomy.json) that fit each persona's department. */
const FITTING: Record<string, number[]> = {
  runner: [1, 2], // running; trail running borders on hiking
  'home-cook': [7, 8, 14], // kitchen, baking, cookbooks
  audiophile: [10],
  'new-parent': [17, 15], // baby & kids, toys
  hiker: [2, 1, 3], // hiking, trail running, camping
  'coffee-lover': [9, 8],
};

describe.each(personas.map((p) => [p.id, p] as const))('persona %s with the default model', (id, persona) => {
  it('moves the top five and the segments to its department', async () => {
    globalThis.indexedDB = new IDBFactory();
    const engine = new Engine({ createEmbedder: createModelEmbedder, fetch: async () => Response.json(catalog) });
    await engine.init({ catalogUrl: 'http://shop.test/catalog.json', catalogVectorsUrl: null, model: { model: DEFAULT_MODEL_ID, localModelPath: defaultModelsRoot() }, events: 'indexeddb' });
    await engine.setTaxonomy(taxonomy);
    const db = await openTacitDB();
    let ts = Date.now() - 60_000;
    for (const step of persona.steps) {
      const event =
        step.action === 'search'
          ? { event: 'Products Searched', properties: { query: step.query } }
          : { event: { add: 'Product Added', click: 'Product Clicked', view: 'Product Viewed' }[step.action], properties: { product_id: step.productId } };
      await db.add('events', { ts: (ts += 1000), ...event } as never);
    }
    db.close();

    const rec = await engine.recommend({ limit: 5 });
    expect(rec.strategy).toBe('profile');
    for (const r of rec.items) expect(persona.expectCategories).toContain(r.item!.category);

    const segments = await engine.segments();
    expect(segments.length).toBeGreaterThan(0);
    expect(FITTING[id]![0]).toBe(segments[0].id);
    for (const s of segments) expect(FITTING[id]).toContain(s.id);
  }, 60_000);
});
