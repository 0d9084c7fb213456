// Loads the committed default model in Node through transformers.js, exactly as Tacit does, and checks
// that it ranks related product titles above unrelated ones.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir } from '../../model/default.ts';
import type { Embed } from '../../model/eval/baselines.ts';
import { cosine } from '../../model/eval/metrics.ts';
import { shippedModelEmbedder } from '../../model/eval/shipped.ts';

let embed: Embed;

beforeAll(async () => {
  embed = await shippedModelEmbedder();
}, 60_000);

async function similarity(a: string, b: string): Promise<number> {
  const [va, vb] = await embed([a, b]);
  return cosine(va, vb);
}

describe('default model through transformers.js', () => {
  it('returns unit vectors of the model dimension', async () => {
    const config = JSON.parse(readFileSync(join(defaultModelDir(), 'config.json'), 'utf8')) as { hidden_size: number };
    const [vector] = await embed(['stainless steel saucepan']);
    expect(vector.length).toBe(config.hidden_size);
    expect(config.hidden_size).toBeGreaterThanOrEqual(128);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
  });

  it('scores related product titles above unrelated ones', async () => {
    const related = await similarity('trail running shoes', "men's sneakers");
    const unrelated = await similarity('trail running shoes', 'stainless steel saucepan');
    expect(related).toBeGreaterThan(unrelated + 0.2);
  });

  it('relates synonyms that share no letters beyond chance', async () => {
    expect(await similarity('sofa', 'couch')).toBeGreaterThan(await similarity('sofa', 'headphones'));
    expect(await similarity('headset', 'headphones')).toBeGreaterThan(await similarity('headset', 'saucepan'));
  });

  it('maps inflected forms onto their lemma', async () => {
    expect(await similarity('children', 'child')).toBeGreaterThan(0.999);
    expect(await similarity('sneakers', 'sneaker')).toBeGreaterThan(0.999);
    expect(await similarity('knives', 'knife')).toBeGreaterThan(0.999);
    expect(await similarity('shopped', 'shop')).toBeGreaterThan(0.999);
    expect(await similarity('stories', 'story')).toBeGreaterThan(0.999);
    // "shoes" is also a lemma of its own ("in my shoes"); the senses of "shoe" must still dominate.
    expect(await similarity('shoes', 'shoe')).toBeGreaterThan(0.9);
  });

  it('matches an unknown brand word to itself and not to other unknown words', async () => {
    const same = await similarity('Zorbexa wireless speaker', 'zorbexa blender');
    const other = await similarity('Zorbexa wireless speaker', 'Quintaro blender');
    expect(same).toBeGreaterThan(other + 0.1);
    const [brand] = await embed(['zorbexa']);
    expect(Math.hypot(...brand)).toBeCloseTo(1, 4); // not the zero vector of an unknown token
  });

  it('gives function words and punctuation no weight', async () => {
    expect(await similarity('shoes for the beach', 'shoes beach')).toBeGreaterThan(0.999);
  });

  it('is deterministic across calls and batch composition', async () => {
    const [alone] = await embed(['leather handbag']);
    const [inBatch] = await embed(['leather handbag', 'a much longer title that forces padding in the batch']);
    expect(cosine(alone, inBatch)).toBeGreaterThan(0.99999);
  });
});
