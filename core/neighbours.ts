// The "neighbours" section of the catalogue's vector file (core/vecfile.ts) and its device-side index.
// The lists come from core/co-occurrence.ts (`tacit embed-catalog --orders`).
//
// Payload (little-endian), rows being the vector file's rows (its `ids`):
//   uint32   meta length in bytes
//   bytes    UTF-8 JSON NeighboursMeta (how the lists were made: k, window, cap, ε, δ, …) + { maxScore }
//   0–3      zero padding to a multiple of 4
//   uint32   offsets[count + 1]   row i's neighbours are entries offsets[i] … offsets[i+1] − 1, best first
//   uint32   rows[total]
//   uint16   scores[total]        score = q / 65535 × maxScore
//
// A file without the section is an ordinary vector file: the ranker then simply has no behaviour channel.

import type { NeighbourLists, NeighboursMeta } from './co-occurrence.ts';
import type { CatalogItem } from './types.ts';
import type { VecFile } from './vecfile.ts';

export const NEIGHBOURS_SECTION = 'neighbours';

export class NeighboursError extends Error {
  override name = 'NeighboursError';
}

/** Neighbours by catalogue row, for the ranker: row i's neighbour rows and scores, best first. */
export interface NeighbourIndex {
  rows: Int32Array[];
  scores: Float32Array[];
  meta: NeighboursMeta;
}

const pad4 = (n: number) => (4 - (n % 4)) % 4;

export function encodeNeighbours(lists: NeighbourLists): Uint8Array {
  const count = lists.ids.length;
  let total = 0;
  let maxScore = 0;
  for (const l of lists.lists) {
    total += l.rows.length;
    for (const s of l.scores) if (s > maxScore) maxScore = s;
  }
  const meta = new TextEncoder().encode(JSON.stringify({ ...lists.meta, maxScore }));
  const offsetsAt = 4 + meta.length + pad4(4 + meta.length);
  const rowsAt = offsetsAt + 4 * (count + 1);
  const scoresAt = rowsAt + 4 * total;
  const out = new Uint8Array(scoresAt + 2 * total);
  const view = new DataView(out.buffer);
  view.setUint32(0, meta.length, true);
  out.set(meta, 4);
  let at = 0;
  lists.lists.forEach((l, i) => {
    view.setUint32(offsetsAt + 4 * i, at, true);
    l.rows.forEach((row, k) => {
      view.setUint32(rowsAt + 4 * (at + k), row, true);
      view.setUint16(scoresAt + 2 * (at + k), maxScore > 0 ? Math.round((l.scores[k] / maxScore) * 65535) : 0, true);
    });
    at += l.rows.length;
  });
  view.setUint32(offsetsAt + 4 * count, at, true);
  return out;
}

/** Parses the section of a file with `count` rows; throws NeighboursError naming what is wrong. */
export function decodeNeighbours(bytes: Uint8Array, count: number): { rows: Int32Array[]; scores: Float32Array[]; meta: NeighboursMeta } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new NeighboursError('neighbours section truncated');
  const metaLength = view.getUint32(0, true);
  if (4 + metaLength > bytes.length) throw new NeighboursError('neighbours section truncated in its metadata');
  let meta: NeighboursMeta & { maxScore: number };
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(4, 4 + metaLength)));
  } catch (error) {
    throw new NeighboursError(`neighbours metadata is not JSON: ${(error as Error).message}`);
  }
  if (meta === null || typeof meta !== 'object' || !(meta.maxScore >= 0)) throw new NeighboursError('neighbours metadata lacks maxScore');
  const offsetsAt = 4 + metaLength + pad4(4 + metaLength);
  if (offsetsAt + 4 * (count + 1) > bytes.length) throw new NeighboursError('neighbours section truncated in its offsets');
  const total = view.getUint32(offsetsAt + 4 * count, true);
  const rowsAt = offsetsAt + 4 * (count + 1);
  const scoresAt = rowsAt + 4 * total;
  if (scoresAt + 2 * total !== bytes.length) {
    throw new NeighboursError(`neighbours section has ${bytes.length} bytes, expected ${scoresAt + 2 * total} for ${total} entries`);
  }
  const rows: Int32Array[] = [];
  const scores: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const from = view.getUint32(offsetsAt + 4 * i, true);
    const to = view.getUint32(offsetsAt + 4 * (i + 1), true);
    if (!(from <= to && to <= total)) throw new NeighboursError(`neighbours offsets of row ${i} are out of order`);
    const r = new Int32Array(to - from);
    const s = new Float32Array(to - from);
    for (let k = 0; k < r.length; k++) {
      r[k] = view.getUint32(rowsAt + 4 * (from + k), true);
      if (r[k] >= count) throw new NeighboursError(`neighbour row ${r[k]} of row ${i} is outside the file's ${count} rows`);
      s[k] = (view.getUint16(scoresAt + 2 * (from + k), true) / 65535) * meta.maxScore;
    }
    rows.push(r);
    scores.push(s);
  }
  const { maxScore: _, ...rest } = meta;
  return { rows, scores, meta: rest };
}

/**
 * The file's neighbours mapped onto the catalogue the device has (the file may list items the shop has
 * since removed, or lack new ones). null when the file has no neighbours section; a damaged section
 * throws NeighboursError (the caller ranks without the behaviour channel).
 */
export function neighbourIndexFromFile(file: Pick<VecFile, 'ids' | 'count' | 'sections'>, items: readonly Pick<CatalogItem, 'id'>[]): NeighbourIndex | null {
  const bytes = file.sections?.[NEIGHBOURS_SECTION];
  if (!bytes) return null;
  const decoded = decodeNeighbours(bytes, file.count);
  const rowOf = new Map(items.map((item, i) => [item.id, i]));
  const fileToCatalog = Int32Array.from(file.ids, (id) => rowOf.get(id) ?? -1);
  const rows: Int32Array[] = items.map(() => new Int32Array(0));
  const scores: Float32Array[] = items.map(() => new Float32Array(0));
  decoded.rows.forEach((list, j) => {
    const i = fileToCatalog[j];
    if (i < 0) return;
    const keep = [...list.keys()].filter((k) => fileToCatalog[list[k]] >= 0);
    rows[i] = Int32Array.from(keep, (k) => fileToCatalog[list[k]]);
    scores[i] = Float32Array.from(keep, (k) => decoded.scores[j][k]);
  });
  return { rows, scores, meta: decoded.meta };
}
