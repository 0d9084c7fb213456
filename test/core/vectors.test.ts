import { describe, expect, it } from 'vitest';
import { VectorMatrix, normalize, quantizeRow, norm } from '../../core/vectors.ts';

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

  it('wraps quantized data, copies rows and rejects mismatched sizes', () => {
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
