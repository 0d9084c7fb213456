import { describe, expect, it } from 'vitest';
import { Int8Rows, defaultScoringPath, kernelModule, quantizeQuery, queryLevels } from '../../core/int8-rows.ts';
import { mulberry32 } from '../../core/random.ts';

/** Rows filled by `value(i, k)`, with the inverse norms VectorMatrix would keep. */
function rowsOf(path: 'simd128' | 'js', dim: number, count: number, value: (i: number, k: number) => number): Int8Rows {
  const rows = new Int8Rows(dim, count, path);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) {
      const v = value(i, k);
      rows.data[i * dim + k] = v;
      s += v * v;
    }
    rows.invNorms[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  return rows;
}

/** The float32 bit patterns, so 0 and −0 or two NaNs are told apart only when their bits differ. */
const bits = (scores: Float32Array): number[] => Array.from(new Uint32Array(scores.buffer, scores.byteOffset, scores.length));

function scoreBoth(dim: number, count: number, value: (i: number, k: number) => number, query: Float32Array) {
  const kernel = rowsOf('simd128', dim, count, value);
  const js = rowsOf('js', dim, count, value);
  expect(kernel.path).toBe('simd128');
  expect(js.path).toBe('js');
  const a = new Float32Array(count);
  const b = new Float32Array(count);
  kernel.scoreAll(query, a);
  js.scoreAll(query, b);
  return { kernel, js, a, b };
}

describe('the int8 scoring kernel', () => {
  it('is available in Node (WebAssembly SIMD128) and small enough to compile synchronously anywhere', () => {
    expect(kernelModule()).toBeInstanceOf(WebAssembly.Module);
    expect(defaultScoringPath(192, 10_000)).toBe('simd128');
    // Tiny matrices stay in JS: a wasm memory is at least 64 KiB.
    expect(defaultScoringPath(4, 8)).toBe('js');
  });

  it('scores random matrices bit-identically to the JS loop, for odd and even dims', () => {
    const random = mulberry32(14);
    for (const dim of [1, 7, 15, 16, 17, 191, 192, 384, 768, 1000]) {
      for (const count of [1, 3, 257]) {
        const values = Int8Array.from({ length: dim * count }, () => Math.floor(random() * 255) - 127);
        const query = Float32Array.from({ length: dim }, () => random() * 2 - 1);
        const { a, b } = scoreBoth(dim, count, (i, k) => values[i * dim + k], query);
        expect(bits(a), `dim ${dim} × ${count}`).toEqual(bits(b));
        for (const s of a) expect(Math.abs(s)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('stays exact at the extremes: −128/127 rows against a query at full scale (no i32 overflow)', () => {
    for (const dim of [1, 33, 384, 512, 768, 1000, 4096]) {
      const query = Float32Array.from({ length: dim }, (_, k) => (k % 3 === 0 ? -1 : 1));
      const rows = [() => -128, () => 127, (k: number) => (k % 3 === 0 ? -128 : 127), (k: number) => (k % 2 ? 127 : -127)];
      const { kernel, a, b } = scoreBoth(dim, rows.length, (i, k) => rows[i](k), query);
      expect(bits(a), `dim ${dim}`).toEqual(bits(b));
      // Row 2 is the query's sign pattern: the largest possible dot product for this query.
      expect(a[2]).toBeGreaterThan(0.99);
      expect(kernel.dotRows(0, 0)).toBe(dim * 128 * 128);
    }
  });

  it('gives zero rows and a zero query 0 and a non-finite query NaN, on both paths', () => {
    const dim = 48;
    const value = (i: number, k: number) => (i === 1 ? 0 : ((i * 31 + k * 7) % 255) - 127);
    const zero = scoreBoth(dim, 3, value, new Float32Array(dim));
    expect(Array.from(zero.a)).toEqual([0, 0, 0]);
    expect(bits(zero.a)).toEqual(bits(zero.b));
    const some = scoreBoth(dim, 3, value, Float32Array.from({ length: dim }, (_, k) => k - 20));
    expect(some.a[1]).toBe(0);
    expect(bits(some.a)).toEqual(bits(some.b));
    const nan = Float32Array.from({ length: dim }, (_, k) => (k === 5 ? NaN : 1));
    const bad = scoreBoth(dim, 3, value, nan);
    expect(Array.from(bad.a).every(Number.isNaN)).toBe(true);
    expect(Array.from(bad.b).every(Number.isNaN)).toBe(true);
    const inf = scoreBoth(dim, 3, value, Float32Array.from({ length: dim }, (_, k) => (k === 5 ? -Infinity : 1)));
    expect(Array.from(inf.a).every(Number.isNaN)).toBe(true);
  });

  it('keeps the query padding zero, so a short query after a long one scores the same as alone', () => {
    // dim 20 pads to 32: the kernel reads 12 bytes of the next row against the padding.
    const dim = 20;
    const value = (i: number, k: number) => ((i * 13 + k * 29) % 255) - 127;
    const query = Float32Array.from({ length: dim }, (_, k) => Math.sin(k));
    const fresh = scoreBoth(dim, 50, value, query).a;
    const { kernel } = scoreBoth(dim, 50, value, Float32Array.from({ length: dim }, () => 1));
    const again = new Float32Array(50);
    kernel.scoreAll(query, again);
    expect(bits(again)).toEqual(bits(fresh));
  });

  it('computes row·row dot products like the JS loop, including the tail past the last 8 values', () => {
    const random = mulberry32(7);
    for (const dim of [1, 8, 13, 192, 385]) {
      const values = Int8Array.from({ length: dim * 5 }, () => Math.floor(random() * 256) - 128);
      const kernel = rowsOf('simd128', dim, 5, (i, k) => values[i * dim + k]);
      const js = rowsOf('js', dim, 5, (i, k) => values[i * dim + k]);
      for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(kernel.dotRows(i, j), `dim ${dim} ${i}·${j}`).toBe(js.dotRows(i, j));
    }
  });

  it('scores one row exactly as scoreAll does before float32 rounding', () => {
    const dim = 191;
    const value = (i: number, k: number) => ((i * 17 + k * 5) % 255) - 127;
    const query = Float32Array.from({ length: dim }, (_, k) => Math.cos(k * 0.3));
    const { kernel, a } = scoreBoth(dim, 40, value, query);
    for (let i = 0; i < 40; i++) expect(Math.fround(kernel.scoreRow(i, query))).toBe(a[i]);
  });

  it('scores a prepared query exactly as scoreRow does, on both paths, however often it is reused', () => {
    const dim = 192;
    const value = (i: number, k: number) => ((i * 31 + k * 7) % 255) - 127;
    const query = Float32Array.from({ length: dim }, (_, k) => Math.sin(k * 0.7) - 0.2);
    for (const path of ['simd128', 'js'] as const) {
      const rows = rowsOf(path, dim, 30, value);
      const prepared = rows.prepare(query);
      rows.scoreRow(0, Float32Array.from({ length: dim }, () => 1)); // another query in between
      for (let i = 0; i < 30; i++) expect(rows.scorePrepared(i, prepared), `${path} row ${i}`).toBe(rows.scoreRow(i, query));
    }
  });
});

describe('quantizeQuery', () => {
  it('uses 32767 levels up to dim 512 and fewer beyond, so 128 · L · dimPad < 2³¹', () => {
    expect(queryLevels(1)).toBe(32767);
    expect(queryLevels(512)).toBe(32767);
    for (const dim of [513, 768, 1024, 4096, 65536]) {
      const padded = Math.ceil(dim / 16) * 16;
      expect(128 * queryLevels(dim) * padded).toBeLessThan(2 ** 31);
      expect(128 * (queryLevels(dim) + 1) * padded).toBeGreaterThanOrEqual(2 ** 31);
    }
  });

  it('maps max|query| to ±L, rounds the rest and returns 1/‖q‖', () => {
    const q = new Int16Array(4);
    const inv = quantizeQuery(Float32Array.of(0.5, -1, 0.25, 0), 4, q);
    expect(Array.from(q)).toEqual([16384, -32767, 8192, 0]);
    expect(inv).toBe(1 / Math.sqrt(16384 ** 2 + 32767 ** 2 + 8192 ** 2));
    expect(quantizeQuery(new Float32Array(4), 4, q)).toBe(0);
    expect(Array.from(q)).toEqual([0, 0, 0, 0]);
  });
});
