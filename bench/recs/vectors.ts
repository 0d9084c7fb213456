// Catalogue vectors for the evaluation, made the way a shop makes them: the dataset's rows through
// validateCatalog, then exactly `tacit embed-catalog`'s embedding (cli/catalog-vectors.ts: with a static
// model, the shop's own words learnt from its catalogue), quantized into the vector file format
// (core/vecfile.ts) with its sections. Embedding a few thousand titles takes a while on two cores,
// so the file is cached in bench/results/tmp/recs/ (git-ignored) and reused while every row's content
// hash, the model id and the model's files still match.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { itemText, validateCatalog } from '../../core/catalog.ts';
import { contentHash } from '../../core/hash.ts';
import type { CatalogItem } from '../../core/types.ts';
import { decodeVecFile, encodeVecFile } from '../../core/vecfile.ts';
import { VectorMatrix, quantizeRow } from '../../core/vectors.ts';
import { resolveModel } from '../../cli/model-option.ts';
import { embedCatalogItems } from '../../cli/catalog-vectors.ts';
import { TMP_DIR } from '../lib/paths.ts';
import type { Dataset } from './data.ts';

export interface CatalogVectors {
  /** The resolved model (what the engine loads). */
  model: Awaited<ReturnType<typeof resolveModel>>;
  modelId: string;
  /** The catalogue as Tacit validated it; row i of the matrix is items[i] is dataset row i. */
  items: CatalogItem[];
  matrix: VectorMatrix;
  /** The same vectors as the vector file `tacit embed-catalog` writes. */
  file: Uint8Array;
  /** Whether the vectors came from the cache. */
  cached: boolean;
  embedMs: number;
}

/** The dataset's catalogue as Tacit sees it (validateCatalog); every row must survive, in order. */
export function tacitCatalog(data: Dataset): CatalogItem[] {
  const { items, errors } = validateCatalog(data.items);
  if (errors.length > 0 || items.length !== data.items.length) {
    throw new Error(`${data.name}: ${errors.length} catalogue row(s) rejected, e.g. ${errors[0]?.message}`);
  }
  return items;
}

/** Changes whenever the model's files do (its manifest lists their hashes), so a rebuilt model keeping its id gets new vectors. */
function modelFingerprint(model: CatalogVectors['model']): string {
  const dir = join(model.embedder.localModelPath ?? '', model.embedder.model ?? '');
  const file = ['manifest.json', 'config.json'].map((name) => join(dir, name)).find((path) => existsSync(path));
  return file ? contentHash(readFileSync(file, 'utf8')) : 'unknown';
}

export async function catalogVectors(data: Dataset, modelArg: string | undefined): Promise<CatalogVectors> {
  const model = await resolveModel(modelArg);
  const items = tacitCatalog(data);
  const texts = items.map(itemText);
  const hashes = texts.map(contentHash);
  const dir = join(TMP_DIR, 'recs');
  const path = join(dir, `${data.name}.${model.modelId.replace(/[^\w.-]/g, '_')}.${modelFingerprint(model)}.q8.v2.vec`);
  if (existsSync(path)) {
    try {
      const bytes = readFileSync(path);
      const file = decodeVecFile(bytes);
      if (file.modelId === model.modelId && file.ids.every((id, i) => id === items[i]?.id && file.contentHashes[i] === hashes[i]) && file.count === items.length) {
        return { model, modelId: model.modelId, items, matrix: new VectorMatrix(file.dim, file.count, file.data, file.scales), file: bytes, cached: true, embedMs: 0 };
      }
    } catch {
      // a damaged cache is simply rebuilt
    }
  }
  const started = performance.now();
  const { vectors, dim, sections } = await embedCatalogItems(items, model, { dtype: 'q8' });
  const scales = new Float32Array(items.length);
  const rows = new Int8Array(items.length * dim);
  vectors.forEach((v, i) => (scales[i] = quantizeRow(v, rows.subarray(i * dim, (i + 1) * dim)).scale));
  mkdirSync(dir, { recursive: true });
  const file = encodeVecFile({ modelId: model.modelId, dim, count: items.length, ids: items.map((it) => it.id), contentHashes: hashes, scales, data: rows, sections });
  writeFileSync(path, file);
  return { model, modelId: model.modelId, items, matrix: new VectorMatrix(dim, items.length, rows, scales), file, cached: false, embedMs: performance.now() - started };
}
