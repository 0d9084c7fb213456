// Vector maths for the engine: normalisation, int8 quantization and a compact
// matrix of catalogue vectors scored by one tight loop (core/int8-rows.ts: a
// WebAssembly SIMD128 kernel, or the same integer arithmetic in JS).
//
// Rows are stored as int8 with a per-row scale (max|v|/127, symmetric), so a
// 10k × 384 catalogue takes 3.8 MB instead of 15 MB. Scores are exact cosines
// between the *quantized* row and the query quantized to int16: each row's
// inverse norm is kept beside it, so quantization never pushes a score outside
// [-1, 1].

import { Int8Rows, type PreparedQuery, type ScoringPath } from './int8-rows.ts';

/** Euclidean norm. */
export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  return Math.sqrt(s);
}

/**
 * Unit-length copy of `v` (written into `out` when given). A zero vector stays
 * zero rather than becoming NaN.
 */
export function normalize(v: ArrayLike<number>, out: Float32Array = new Float32Array(v.length)): Float32Array {
  const n = norm(v);
  const inv = n > 0 ? 1 / n : 0;
  for (let k = 0; k < v.length; k++) out[k] = v[k] * inv;
  return out;
}

/** Dot product of two equally long vectors. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/**
 * Symmetric int8 quantization with one scale per row: q[k] = round(v[k] / scale),
 * scale = max|v| / 127, so |v[k] − q[k]·scale| ≤ scale / 2. A zero row gets scale 0.
 */
export function quantizeRow(v: ArrayLike<number>, q: Int8Array = new Int8Array(v.length)): { q: Int8Array; scale: number } {
  let max = 0;
  for (let k = 0; k < v.length; k++) {
    const x = v[k];
    if (!Number.isFinite(x)) throw new RangeError(`quantizeRow: value ${k} is ${x}, not a finite number`);
    const a = Math.abs(x);
    if (a > max) max = a;
  }
  if (max === 0) {
    q.fill(0);
    return { q, scale: 0 };
  }
  // Math.fround: the scale is stored as float32 (in the matrix and the vector
  // file), so quantize against the value that will actually be used.
  const scale = Math.fround(max / 127);
  const inv = 1 / scale;
  for (let k = 0; k < v.length; k++) {
    const r = Math.round(v[k] * inv);
    q[k] = r > 127 ? 127 : r < -127 ? -127 : r;
  }
  return { q, scale };
}

/** Int8 row-major matrix of unit vectors (one row per catalogue item). */
export class VectorMatrix {
  readonly dim: number;
  readonly count: number;
  /** Row-major quantized values, length count × dim (in the scoring kernel's memory when it has one). */
  readonly data: Int8Array;
  /** Per-row dequantization scale (row i ≈ data[i·dim…] × scales[i]). */
  readonly scales: Float32Array;
  /** 'simd128' when the WebAssembly kernel scores this matrix, 'js' otherwise (same scores). */
  readonly scoring: ScoringPath;
  /** 1 / ‖quantized row‖ (0 for a zero row): turns an int8 dot product into a cosine. */
  private readonly invNorms: Float32Array;
  private readonly rows: Int8Rows;

  /**
   * An all-zero matrix, or one made from already-quantized data (e.g. from a
   * vector file): `scales` is used as it is; `data` is copied once into the
   * matrix's own storage, so later writes to the array passed in are not seen.
   * `scoring` forces a path (tests, benchmarks); by default the kernel scores
   * matrices of 4 KB and more where WebAssembly SIMD128 is available.
   */
  constructor(dim: number, count: number, data?: Int8Array, scales?: Float32Array, scoring?: ScoringPath) {
    if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`VectorMatrix: dim must be a positive integer, got ${dim}`);
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`VectorMatrix: count must be a non-negative integer, got ${count}`);
    if (data && data.length !== dim * count) {
      throw new RangeError(`VectorMatrix: data has ${data.length} values, expected ${dim} × ${count}`);
    }
    if (scales && scales.length !== count) {
      throw new RangeError(`VectorMatrix: ${scales.length} scales for ${count} rows`);
    }
    this.dim = dim;
    this.count = count;
    this.rows = new Int8Rows(dim, count, scoring);
    this.scoring = this.rows.path;
    this.data = this.rows.data;
    this.invNorms = this.rows.invNorms;
    this.scales = scales ?? new Float32Array(count);
    if (data) {
      this.data.set(data);
      for (let i = 0; i < count; i++) this.updateInvNorm(i);
    }
  }

  /** Normalises then quantizes each row. All rows must have the same length. */
  static fromRows(rows: ArrayLike<number>[], dim: number = rows.length > 0 ? rows[0].length : 1): VectorMatrix {
    const m = new VectorMatrix(dim, rows.length);
    for (let i = 0; i < rows.length; i++) m.set(i, rows[i]);
    return m;
  }

  /** Normalises `v` and stores it, quantized, as row i. */
  set(i: number, v: ArrayLike<number>): void {
    this.checkRow(i);
    if (v.length !== this.dim) throw new RangeError(`VectorMatrix.set: vector has ${v.length} dims, expected ${this.dim}`);
    const unit = normalize(v);
    const { scale } = quantizeRow(unit, this.data.subarray(i * this.dim, (i + 1) * this.dim));
    this.scales[i] = scale;
    this.updateInvNorm(i);
  }

  /** Stores an already-quantized row (e.g. from the embeddings cache). */
  setQuantized(i: number, q: Int8Array, scale: number): void {
    this.checkRow(i);
    if (q.length !== this.dim) throw new RangeError(`VectorMatrix.setQuantized: row has ${q.length} dims, expected ${this.dim}`);
    this.data.set(q, i * this.dim);
    this.scales[i] = scale;
    this.updateInvNorm(i);
  }

  /** Copies row j of `source` (same dim) into row i. */
  copyRow(i: number, source: VectorMatrix, j: number): void {
    if (source.dim !== this.dim) throw new RangeError(`VectorMatrix.copyRow: dim ${source.dim} ≠ ${this.dim}`);
    this.checkRow(i);
    source.checkRow(j);
    this.data.set(source.data.subarray(j * this.dim, (j + 1) * this.dim), i * this.dim);
    this.scales[i] = source.scales[j];
    this.invNorms[i] = source.invNorms[j];
  }

  /** Dequantized row i, written into `out`. */
  row(i: number, out: Float32Array = new Float32Array(this.dim)): Float32Array {
    this.checkRow(i);
    const base = i * this.dim;
    const s = this.scales[i];
    for (let k = 0; k < this.dim; k++) out[k] = this.data[base + k] * s;
    return out;
  }

  /**
   * Cosine similarity of `query` with every row, into `out[0…count)`. The query
   * need not be unit length (its norm is divided out once); it is quantized to
   * int16 first (see core/int8-rows.ts for the precision). No allocation.
   */
  scoreAll(query: Float32Array, out: Float32Array): Float32Array {
    const dim = this.dim;
    if (query.length !== dim) throw new RangeError(`VectorMatrix.scoreAll: query has ${query.length} dims, expected ${dim}`);
    if (out.length < this.count) throw new RangeError(`VectorMatrix.scoreAll: out holds ${out.length}, need ${this.count}`);
    this.rows.scoreAll(query, out);
    return out;
  }

  /** Cosine similarity of the query with one row: scoreAll's value for that row, before float32 rounding. */
  score(i: number, query: Float32Array): number {
    this.checkRow(i);
    if (query.length !== this.dim) throw new RangeError(`VectorMatrix.score: query has ${query.length} dims, expected ${this.dim}`);
    return this.rows.scoreRow(i, query);
  }

  /** The query quantized once, for score()'s values on many rows (scorePrepared). */
  prepare(query: Float32Array): PreparedQuery {
    if (query.length !== this.dim) throw new RangeError(`VectorMatrix.prepare: query has ${query.length} dims, expected ${this.dim}`);
    return this.rows.prepare(query);
  }

  /** score(i, query) for a query prepare() made: the same value, without quantizing the query again. */
  scorePrepared(i: number, prepared: PreparedQuery): number {
    this.checkRow(i);
    return this.rows.scorePrepared(i, prepared);
  }

  /** Cosine similarity between rows i and j (for MMR diversity). */
  dot(i: number, j: number): number {
    this.checkRow(i);
    this.checkRow(j);
    return this.rows.dotRows(i, j) * this.invNorms[i] * this.invNorms[j];
  }

  private updateInvNorm(i: number): void {
    const base = i * this.dim;
    let s = 0;
    for (let k = 0; k < this.dim; k++) s += this.data[base + k] * this.data[base + k];
    this.invNorms[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }

  private checkRow(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) {
      throw new RangeError(`VectorMatrix: row ${i} out of range 0…${this.count - 1}`);
    }
  }
}
