// The catalogue's item vectors, as an int8 matrix (row i = items[i]), from the cheapest source that is
// right: a precomputed vector file written by `tacit embed-catalog` when it was made with this model,
// else the IndexedDB cache (keyed by model, precision and content hash), else embedding on the device.
// A changed title or description misses both and is embedded again.

import { itemText } from '../core/catalog.ts';
import type { Embedder } from '../core/embedder.ts';
import { contentHash } from '../core/hash.ts';
import type { CatalogItem } from '../core/types.ts';
import { neighbourIndexFromFile, type NeighbourIndex } from '../core/neighbours.ts';
import type { ExtraWords } from '../core/static-embedder.ts';
import { decodeVecFile, readWordsSection, vecFileMatches, type VecFile } from '../core/vecfile.ts';
import { VectorMatrix, quantizeRow } from '../core/vectors.ts';
import type { EmbeddingRecord } from './storage/schema.ts';

export const EMBED_BATCH = 32;

export type VectorSource = 'precomputed' | 'embedded' | 'cache' | 'mixed';

/** The item-vector cache (IndexedDB's `embeddings` store, through the storage module). */
export interface EmbeddingCache {
  embeddings(keys: readonly string[]): Promise<Map<string, EmbeddingRecord>>;
  putEmbeddings(records: readonly EmbeddingRecord[]): Promise<void>;
}

export interface ItemVectorInput {
  items: readonly CatalogItem[];
  embedder: Pick<Embedder, 'modelId' | 'dtype' | 'dim'>;
  /** The shop's precomputed vector file, if any (ignored unless it matches the model). */
  file: VecFile | null;
  /** null without consent: nothing is read from or written to the device's storage then. */
  cache: EmbeddingCache | null;
  embed(texts: string[]): Promise<Float32Array[]>;
}

export async function loadItemVectors(input: ItemVectorInput): Promise<{ matrix: VectorMatrix; source: VectorSource }> {
  const { items, embedder, file, cache } = input;
  const matrix = new VectorMatrix(embedder.dim, items.length);
  const texts = items.map(itemText);
  const hashes = texts.map(contentHash);
  // The cache key names the model and its precision: q8 and fp32 vectors differ.
  const keys = hashes.map((h) => `${embedder.modelId}@${embedder.dtype}:${h}`);
  const missing = new Set(items.map((_, i) => i));

  if (file && vecFileMatches(file, embedder.modelId, embedder.dim)) {
    const rowInFile = new Map(file.ids.map((id, i) => [id, i]));
    for (const [i, item] of items.entries()) {
      const j = rowInFile.get(item.id);
      // A changed title or description makes the precomputed row stale: embed it again.
      if (j === undefined || file.contentHashes[j] !== hashes[i]) continue;
      matrix.setQuantized(i, file.data.subarray(j * file.dim, (j + 1) * file.dim), file.scales[j]);
      missing.delete(i);
    }
  }
  const fromFile = items.length - missing.size;

  if (cache && missing.size > 0) {
    const found = await cache.embeddings([...missing].map((i) => keys[i])).catch(() => new Map<string, EmbeddingRecord>());
    for (const i of [...missing]) {
      const record = found.get(keys[i]);
      if (record && record.vector.length === embedder.dim) {
        matrix.setQuantized(i, record.vector, record.scale);
        missing.delete(i);
      }
    }
  }
  const fromCache = items.length - fromFile - missing.size;

  const todo = [...missing];
  for (let start = 0; start < todo.length; start += EMBED_BATCH) {
    const batch = todo.slice(start, start + EMBED_BATCH);
    const vectors = await input.embed(batch.map((i) => texts[i]));
    const records = batch.map((i, k) => {
      const { q, scale } = quantizeRow(vectors[k]);
      matrix.setQuantized(i, q, scale);
      return { key: keys[i], vector: q, scale };
    });
    // A full disk only costs re-embedding next time.
    await cache?.putEmbeddings(records).catch(() => {});
  }
  const embedded = todo.length;
  const source: VectorSource =
    fromFile === items.length ? 'precomputed' : fromCache === items.length ? 'cache' : embedded === items.length ? 'embedded' : 'mixed';
  return { matrix, source };
}

/** The shop's vector file, or null when it is missing or unreadable (that only costs embedding). */
export async function fetchVectorFile(fetcher: typeof fetch, url: string | null): Promise<VecFile | null> {
  if (!url) return null;
  try {
    const response = await fetcher(url);
    if (!response.ok) return null;
    return decodeVecFile(new Uint8Array(await response.arrayBuffer()));
  } catch {
    return null;
  }
}

/** The shop's own words from its vector file (static models); a damaged section costs them, nothing else. */
export function shopWordsOf(file: VecFile, warn: (message: string) => void): ExtraWords | undefined {
  try {
    return readWordsSection(file);
  } catch (error) {
    warn(`the vector file's shop words could not be read (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

/** The neighbours section of the shop's vector file; a damaged one costs the behaviour channel, not the engine. */
export function neighboursOf(file: VecFile, items: readonly CatalogItem[], warn: (message: string) => void): NeighbourIndex | null {
  try {
    return neighbourIndexFromFile(file, items);
  } catch (error) {
    warn(`the vector file's neighbours could not be read (${error instanceof Error ? error.message : String(error)}); ranking without them`);
    return null;
  }
}
