import { describe, expect, it } from 'vitest';
import { VectorMatrix, normalize, quantizeRow, norm } from '../../core/vectors.ts';
import { queryLevels } from '../../core/int8-rows.ts';

/** Deterministic pseudo-random vector (no Math.random in tests). */
function vec(seed: number, dim: number): Float32Array {
  const v = new Float32Array(dim);
  let s = seed * 2654435761;
  for (let k = 0; k < dim; k++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    v[k] = ((s >>> 8) / 0xffffff) * 2 - 1;
  }
  return v;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let k = 0; k < a.length; k++) d += a[k] * b[k];
  return d / (norm(a) * norm(b));
}

describe('normalize', () => {
  it('gives unit length and keeps a zero vector zero', () => {
    expect(norm(normalize(Float32Array.of(3, 4)))).toBeCloseTo(1, 6);
    expect(Array.from(normalize(Float32Array.of(3, 4)))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(normalize(new Float32Array(3)))).toEqual([0, 0, 0]);
  });
});

describe('quantizeRow', () => {
  it('uses scale max|v|/127 and stays within half a step of every value', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const v = normalize(vec(seed, 384));
      const { q, scale } = quantizeRow(v);
      let max = 0;
      for (const x of v) max = Math.max(max, Math.abs(x));
      expect(scale).toBeCloseTo(max / 127, 7);
      let worst = 0;
      for (let k = 0; k < v.length; k++) worst = Math.max(worst, Math.abs(v[k] - q[k] * scale));
      expect(worst).toBeLessThanOrEqual(scale / 2 + 1e-7);
      expect(Math.max(...Array.from(q, Math.abs))).toBe(127);
    }
  });

  it('maps a zero row to scale 0 and refuses NaN', () => {
    expect(quantizeRow(new Float32Array(4)).scale).toBe(0);
    expect(() => quantizeRow(Float32Array.of(1, NaN))).toThrow(/not a finite number/);
  });
});

describe('VectorMatrix', () => {
  const dim = 64;
  const rows = Array.from({ length: 30 }, (_, i) => vec(i + 1, dim));
  const matrix = VectorMatrix.fromRows(rows);

  it('scores cosines close to the float ones (quantization error bound)', () => {
    const query = vec(999, dim);
    const out = matrix.scoreAll(query, new Float32Array(matrix.count));
    for (let i = 0; i < rows.length; i++) {
      // With 127 levels per row, cosine error stays well under 0.01 for dense vectors.
      expect(Math.abs(out[i] - cosine(query, rows[i]))).toBeLessThan(0.01);
      expect(out[i]).toBeCloseTo(matrix.score(i, query), 5);
    }
  });

  it('scores a row against itself as 1 and dot() is symmetric', () => {
    const self = matrix.scoreAll(matrix.row(3), new Float32Array(matrix.count));
    expect(self[3]).toBeCloseTo(1, 5);
    expect(matrix.dot(3, 3)).toBeCloseTo(1, 6);
    expect(matrix.dot(2, 7)).toBeCloseTo(matrix.dot(7, 2), 10);
    expect(matrix.dot(2, 7)).toBeCloseTo(cosine(rows[2], rows[7]), 2);
  });

  it('handles dims that are not a multiple of 4', () => {
    const m = VectorMatrix.fromRows([Float32Array.of(1, 0, 0, 0, 0, 0, 1), Float32Array.of(0, 0, 0, 0, 0, 0, 1)]);
    const out = m.scoreAll(Float32Array.of(0, 0, 0, 0, 0, 0, 2), new Float32Array(2));
    expect(out[0]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(out[1]).toBeCloseTo(1, 6);
  });

  it('takes quantized data, copies rows and rejects mismatched sizes', () => {
    const copy = new VectorMatrix(dim, 2, matrix.data.slice(0, 2 * dim), matrix.scales.slice(0, 2));
    expect(copy.dot(0, 1)).toBeCloseTo(matrix.dot(0, 1), 10);
    const other = new VectorMatrix(dim, 1);
    other.copyRow(0, matrix, 5);
    expect(Array.from(other.row(0))).toEqual(Array.from(matrix.row(5)));
    const { q, scale } = quantizeRow(normalize(rows[6]));
    other.setQuantized(0, q, scale);
    expect(other.score(0, rows[6])).toBeCloseTo(1, 3);
    expect(() => new VectorMatrix(4, 2, new Int8Array(7))).toThrow(/expected 4 × 2/);
    expect(() => matrix.set(0, new Float32Array(3))).toThrow(/3 dims, expected 64/);
    expect(() => matrix.scoreAll(new Float32Array(dim), new Float32Array(2))).toThrow(/out holds 2/);
    expect(() => matrix.row(30)).toThrow(/out of range/);
  });

  it('gives a zero row and a zero query a score of 0, not NaN', () => {
    const m = VectorMatrix.fromRows([new Float32Array(4), Float32Array.of(1, 0, 0, 0)]);
    expect(Array.from(m.scoreAll(Float32Array.of(1, 0, 0, 0), new Float32Array(2)))).toEqual([0, 1]);
    expect(Array.from(m.scoreAll(new Float32Array(4), new Float32Array(2)))).toEqual([0, 0]);
  });
});

describe('VectorMatrix on the WebAssembly kernel', () => {
  const dim = 191;
  const count = 300;
  const rows = Array.from({ length: count }, (_, i) => vec(i + 7, dim));
  const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

  it('is chosen for a catalogue-sized matrix and scores exactly like the JS path', () => {
    const kernel = VectorMatrix.fromRows(rows);
    const js = new VectorMatrix(dim, count, kernel.data, kernel.scales, 'js');
    expect(kernel.scoring).toBe('simd128');
    expect(js.scoring).toBe('js');
    const query = vec(5000, dim);
    expect(bits(kernel.scoreAll(query, new Float32Array(count)))).toEqual(bits(js.scoreAll(query, new Float32Array(count))));
    for (const [i, j] of [[0, 1], [17, 299], [42, 42]]) expect(kernel.dot(i, j)).toBe(js.dot(i, j));
  });

  it('sees rows written after construction (set, setQuantized, copyRow)', () => {
    const m = new VectorMatrix(dim, count);
    const reference = new VectorMatrix(dim, count, undefined, undefined, 'js');
    expect(m.scoring).toBe('simd128');
    const query = vec(77, dim);
    expect(Array.from(m.scoreAll(query, new Float32Array(count))).every((s) => s === 0)).toBe(true);
    for (let i = 0; i < count; i += 3) {
      m.set(i, rows[i]);
      reference.set(i, rows[i]);
    }
    const { q, scale } = quantizeRow(normalize(rows[1]));
    m.setQuantized(1, q, scale);
    reference.setQuantized(1, q, scale);
    m.copyRow(2, m, 0);
    reference.copyRow(2, reference, 0);
    const out = m.scoreAll(query, new Float32Array(count));
    expect(bits(out)).toEqual(bits(reference.scoreAll(query, new Float32Array(count))));
    expect(out[1]).toBeCloseTo(cosine(query, rows[1]), 2);
    expect(out[2]).toBe(out[0]);
    expect(out[4]).toBe(0);
  });

  it('copies data passed to the constructor once', () => {
    const source = VectorMatrix.fromRows(rows.slice(0, 40));
    const data = source.data.slice();
    const m = new VectorMatrix(dim, 40, data, source.scales);
    data.fill(0);
    expect(m.dot(3, 3)).toBeCloseTo(1, 6);
    expect(Array.from(m.data)).toEqual(Array.from(source.data));
  });

  it('moves cosines by far less than the row quantization does (query quantized to int16)', () => {
    const m = VectorMatrix.fromRows(rows);
    const row = new Float32Array(dim);
    let worst = 0;
    for (const seed of [1, 2, 3]) {
      const query = vec(9000 + seed, dim);
      const out = m.scoreAll(query, new Float32Array(count));
      for (let i = 0; i < count; i++) worst = Math.max(worst, Math.abs(out[i] - cosine(query, m.row(i, row))));
    }
    // The bound is √dim / L; dense queries stay two orders of magnitude under it.
    expect(worst).toBeLessThan(Math.sqrt(dim) / queryLevels(dim));
    expect(worst).toBeLessThan(5e-5);
  });
});
