import { describe, expect, it } from 'vitest';
import { deriveNeighbours, type OrderLine } from '../../core/co-occurrence.ts';
import { NEIGHBOURS_SECTION, NeighboursError, decodeNeighbours, encodeNeighbours, neighbourIndexFromFile } from '../../core/neighbours.ts';
import { decodeVecFile, encodeVecFile } from '../../core/vecfile.ts';
import { VectorMatrix } from '../../core/vectors.ts';

const ids = ['tent', 'stove', 'mat', 'pan'];
const lines: OrderLine[] = ['a', 'b', 'c'].flatMap((customer) => [
  { customer, ts: 1, itemId: 'tent' },
  { customer, ts: 2, itemId: 'stove' },
  { customer, ts: 3, itemId: customer === 'c' ? 'pan' : 'mat' },
]);

describe('the neighbours section of the vector file', () => {
  it('round-trips lists and metadata through a vector file, scores to 1/65535 of the best', () => {
    const lists = deriveNeighbours(lines, ids);
    const matrix = VectorMatrix.fromRows(ids.map((_, i) => Float32Array.of(i + 1, 1)));
    const bytes = encodeVecFile({
      modelId: 'm',
      dim: 2,
      count: 4,
      ids,
      contentHashes: ids,
      scales: matrix.scales,
      data: matrix.data,
      sections: { [NEIGHBOURS_SECTION]: encodeNeighbours(lists) },
    });
    const file = decodeVecFile(bytes);
    const back = decodeNeighbours(file.sections![NEIGHBOURS_SECTION], file.count);
    expect(back.meta).toEqual(lists.meta);
    const best = Math.max(...lists.lists.flatMap((l) => l.scores));
    lists.lists.forEach((l, i) => {
      expect(Array.from(back.rows[i])).toEqual(l.rows);
      l.scores.forEach((s, k) => expect(Math.abs(back.scores[i][k] - s)).toBeLessThanOrEqual(best / 65535));
    });
  });

  it('maps the file onto the catalogue the device has: removed items vanish, new items have none', () => {
    const lists = deriveNeighbours(lines, ids);
    const file = { ids, count: ids.length, sections: { [NEIGHBOURS_SECTION]: encodeNeighbours(lists) } };
    const catalog = [{ id: 'new' }, { id: 'stove' }, { id: 'tent' }]; // mat and pan removed, order changed
    const index = neighbourIndexFromFile(file, catalog)!;
    expect(Array.from(index.rows[0])).toEqual([]);
    expect(Array.from(index.rows[2]).map((r) => catalog[r].id)).toEqual(['stove']);
    expect(Array.from(index.rows[1]).map((r) => catalog[r].id)).toEqual(['tent']);
    expect(index.meta.minCustomers).toBe(2);
    expect(neighbourIndexFromFile({ ids, count: 4 }, catalog)).toBeNull();
  });

  it('rejects a damaged section with a NeighboursError', () => {
    const bytes = encodeNeighbours(deriveNeighbours(lines, ids));
    for (const cut of [0, 3, 10, bytes.length - 1]) {
      expect(() => decodeNeighbours(bytes.subarray(0, cut), 4)).toThrow(NeighboursError);
    }
    expect(() => decodeNeighbours(bytes, 2)).toThrow(NeighboursError);
    const bad = bytes.slice();
    bad[4] = 0x7b + 1; // the metadata no longer starts with "{"
    expect(() => decodeNeighbours(bad, 4)).toThrow(/not JSON/);
  });
});
