// A catalogue's vectors as `tacit embed-catalog` makes them, shared by the CLI and the recommendation
// evaluation (bench/recs), so what is measured is what a shop ships. With a static model (the default)
// it first learns the shop's own words from the catalogue text (core/catalog-words.ts: vectors for words
// the model does not know, lower weights for words nearly every item has, the direction all items share)
// and embeds the items with them; the words go into the file's "words" section, so the worker reads the
// shop's queries with the same words. Any other model is run by transformers.js as the worker runs it.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { itemText } from '../core/catalog.ts';
import { learnCatalogWords } from '../core/catalog-words.ts';
import type { EmbedderDtype } from '../core/embedder.ts';
import { createStaticEmbedder, staticEmbedderFromModel } from '../core/static-embedder.ts';
import type { CatalogItem } from '../core/types.ts';
import { wordsSection, type VecSection } from '../core/vecfile.ts';
import { createEmbedder } from '../worker/embedder.ts';
import type { ResolvedModel } from './model-option.ts';

export interface CatalogEmbedding {
  vectors: Float32Array[];
  dim: number;
  /** The file's sections this step contributes (the shop's words, static models only). */
  sections: VecSection[];
  /** How many words of the shop's own were learnt. */
  shopWords: number;
}

/** The compact static model file of a model folder (config.json's tacit.static_model), if it has one. */
export function staticModelFile(model: ResolvedModel): string | undefined {
  const dir = model.embedder.localModelPath ? join(model.embedder.localModelPath, model.embedder.model) : resolve(model.embedder.model);
  const path = (name: string) => model.embedder.files?.[name] ?? join(dir, name);
  try {
    const file = (JSON.parse(readFileSync(path('config.json'), 'utf8')) as { tacit?: { static_model?: unknown } }).tacit?.static_model;
    return typeof file === 'string' && existsSync(path(file)) ? path(file) : undefined;
  } catch {
    return undefined;
  }
}

export async function embedCatalogItems(
  items: readonly CatalogItem[],
  model: ResolvedModel,
  options: { dtype?: EmbedderDtype; batchSize?: number; shopWords?: boolean } = {},
): Promise<CatalogEmbedding> {
  const texts = items.map(itemText);
  const dtype = options.dtype ?? 'q8';
  const staticFile = dtype === 'q8' ? staticModelFile(model) : undefined;
  if (staticFile) {
    const base = await createStaticEmbedder({ url: staticFile, modelId: model.modelId });
    const extraWords = options.shopWords === false ? undefined : learnCatalogWords(base, texts);
    const embedder = extraWords ? staticEmbedderFromModel(base.model, { extraWords, modelId: model.modelId }) : base;
    const vectors = await embedder.embed(texts);
    const keep = extraWords && (extraWords.words.length > 0 || extraWords.center);
    return { vectors, dim: embedder.dim, sections: keep ? [wordsSection(extraWords, embedder.dim)] : [], shopWords: keep ? extraWords.words.length : 0 };
  }
  const embedder = await createEmbedder({ ...model.embedder, dtype });
  try {
    const vectors = await embedder.embed(texts, { batchSize: options.batchSize ?? 32 });
    return { vectors, dim: embedder.dim, sections: [], shopWords: 0 };
  } finally {
    await embedder.dispose();
  }
}
