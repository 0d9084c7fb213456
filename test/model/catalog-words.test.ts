// A shop's own words, learned from its catalogue (core/catalog-words.ts) with the default static model:
// an unknown brand lands near the products it is sold with, a word every item has loses its weight, and
// the result is deterministic and usable by the static embedder and the vector file.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { learnCatalogWords } from '../../core/catalog-words.ts';
import { createStaticEmbedder, staticEmbedderFromModel } from '../../core/static-embedder.ts';
import type { StaticEmbedder } from '../../core/static-embedder.ts';
import { decodeVecFile, encodeVecFile, readWordsSection, wordsSection } from '../../core/vecfile.ts';
import { defaultModelDir } from '../../model/default.ts';

const CATALOG = [
  'Zorbexa PLA filament 1.75 mm for 3D printers, red. Acme store',
  'Zorbexa PETG printer filament spool, black. Acme store',
  'Zorbexa ABS filament for 3D printing, white spool. Acme store',
  'Zorbexa silk PLA filament, gold, 1 kg spool. Acme store',
  'Nozzle set for 3D printer, brass. Acme store',
  'Print bed sheet for 3D printers. Acme store',
  'Quintarelo stainless steel saucepan with lid. Acme store',
  'Quintarelo nonstick frying pan 28 cm. Acme store',
  'Quintarelo cast iron skillet. Acme store',
  'Quintarelo stockpot with glass lid, 8 litre. Acme store',
  'Wooden cooking spoon set. Acme store',
  'Kitchen knife block with six knives. Acme store',
];

let base: StaticEmbedder;

beforeAll(async () => {
  const dir = defaultModelDir();
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { tacit: { static_model: string } };
  base = await createStaticEmbedder({ url: join(dir, config.tacit.static_model) });
});

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, k) => s + x * b[k]!, 0);

describe('catalogue words', () => {
  it('learns unknown brands from the company they keep', async () => {
    const words = learnCatalogWords(base, CATALOG);
    expect(words.words).toEqual(expect.arrayContaining(['zorbexa', 'quintarelo']));
    const shop = staticEmbedderFromModel(base.model, { extraWords: words });
    const [brand, filament, saucepan, brand2] = await shop.embed(['zorbexa', 'printer filament', 'saucepan', 'quintarelo']);
    expect(cosine(brand!, filament!)).toBeGreaterThan(cosine(brand!, saucepan!) + 0.1);
    expect(cosine(brand2!, saucepan!)).toBeGreaterThan(cosine(brand2!, filament!) + 0.1);
    // Without the shop's words the brand is spelled from pieces and means nothing.
    const [plainBrand, plainFilament, plainSaucepan] = await base.embed(['zorbexa', 'printer filament', 'saucepan']);
    expect(Math.abs(cosine(plainBrand!, plainFilament!) - cosine(plainBrand!, plainSaucepan!))).toBeLessThan(0.1);
  });

  it('knows a plural the model reads as its word plus ##s: it is not learned as a new word', () => {
    // "printers" and "spools" are not tokens of the model: WordPiece reads printer·##s, spool·##s.
    expect(base.model.vocab).not.toContain('printers');
    const words = learnCatalogWords(base, [...CATALOG, 'Spools of filament for printers. Acme store', 'Printers and spools. Acme store']);
    const shop = staticEmbedderFromModel(base.model, { extraWords: words });
    const [printers, printer, spools, spool] = shop.embedSync(['printers', 'printer', 'spools', 'spool']);
    expect(cosine(printers!, printer!)).toBeGreaterThan(0.999);
    expect(cosine(spools!, spool!)).toBeGreaterThan(0.999);
  });

  it('takes the weight off a word nearly every item has', async () => {
    const words = learnCatalogWords(base, CATALOG);
    const i = words.words.indexOf('store');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(words.scales[i]).toBe(0); // in every text: log(1/1) = 0
    const shop = staticEmbedderFromModel(base.model, { extraWords: words });
    const [a, b] = await shop.embed([CATALOG[0]!, CATALOG[6]!]);
    const [c, d] = await base.embed([CATALOG[0]!, CATALOG[6]!]);
    expect(cosine(a!, b!)).toBeLessThan(cosine(c!, d!)); // filament vs saucepan: less alike without "store"
  });

  it('is deterministic and survives the vector file', () => {
    const first = learnCatalogWords(base, CATALOG);
    const second = learnCatalogWords(base, CATALOG);
    expect(second.words).toEqual(first.words);
    expect(Array.from(second.data)).toEqual(Array.from(first.data));
    const dim = base.dim;
    const file = decodeVecFile(
      encodeVecFile({ modelId: base.modelId, dim, count: 0, ids: [], contentHashes: [], scales: new Float32Array(0), data: new Int8Array(0), sections: [wordsSection(first, dim)] }),
    );
    const back = readWordsSection(file)!;
    expect(back.words).toEqual(first.words);
    expect(Array.from(back.scales)).toEqual(Array.from(first.scales));
  });

  it('learns nothing from too little text', () => {
    expect(learnCatalogWords(base, ['one lonely title']).words).toEqual([]);
  });
});
