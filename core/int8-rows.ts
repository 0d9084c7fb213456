// Storage and scoring for VectorMatrix's int8 rows: a WebAssembly SIMD128
// kernel (core/int8-dot.wat) where the engine has one, the same arithmetic in
// JS where it does not. Both paths give bit-identical scores, so a ranking
// never depends on which engine ran it.
//
// Scoring is integer: the query is quantized to int16, each score is the exact
// integer dot product of an int8 row with it, turned into a cosine by the two
// inverse norms. With the kernel, the rows, their inverse norms, the query and
// the scores live in one WebAssembly.Memory per matrix, sized once (a matrix
// never changes its row count), so `data` is an ordinary Int8Array view that
// stays valid, every row written through it is what the kernel reads, and a
// call copies nothing but the query in and the scores out.
//
// Precision: the query gets L = min(32767, ⌊(2³¹−1) / (128·dimPad)⌋) levels
// (32767 up to dim 512; dimPad is dim rounded up to 16), which bounds every i32
// sum the kernel forms. Each value moves by at most max|query|/(2L), so a score
// moves by at most √dim/L from the float query's (4.2e-4 for dim 192, 6.0e-4
// for 384); measured on dense and sparse random queries, at most 1.7e-5 and
// 2e-6 on average, against ~1e-2 for the rows' own int8 quantization. Scores
// stay exact cosines of the two quantized vectors, within [−1, 1].
//
// Relaxed SIMD (i32x4.relaxed_dot_i8x16_i7x16_add_s) is not used: it is exact
// only for a second operand in 0…127 (the high bit is implementation-defined),
// so an int8 query needs two dots (positive and negative parts) and this int16
// one four; on x86 (V8 in Node 20 with --experimental-wasm-relaxed-simd and in
// Chromium 156) even the two-dot int8 form was 27–45% slower than SIMD128 here
// (10k × 192 and × 384, AMD EPYC with AVX-512 VNNI; ARM, where V8 can emit
// SDOT, was not measured).

import { INT8_DOT_WASM_BASE64 } from './int8-dot-kernel.ts';

/** How a matrix is scored: the WebAssembly SIMD128 kernel, or the JS loop. */
export type ScoringPath = 'simd128' | 'js';

/**
 * Matrices smaller than this (count × dim bytes) are scored in JS: a
 * WebAssembly.Memory takes at least 64 KiB and reserves gigabytes of address
 * space, and the JS loop scores 4 KB in microseconds anyway.
 */
const MIN_KERNEL_BYTES = 4096;
/** Past this, L would fall below 256 levels; no embedding model is this wide. */
const MAX_KERNEL_DIM = 65536;
const WASM_PAGE = 65536;
/** The kernel reads each row 16 bytes at a time: slack after the last row. */
const ROW_SLACK = 16;

interface KernelExports {
  scoreRows(rows: number, count: number, dim: number, query: number, chunks: number, invNorms: number, out: number, factor: number): void;
  dotRows(a: number, b: number, dim: number): number;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * The kernel, compiled on first use, synchronously: 458 bytes, under any
 * engine's limit for synchronous compiles on a page's main thread (8 MB in
 * Chromium 156, measured; 4 KB in older Chromium). Null without
 * WebAssembly, without SIMD128 (validate() fails), or where a Content Security
 * Policy forbids compiling wasm ('wasm-unsafe-eval').
 */
export function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    compiled = null;
    try {
      const bytes = Uint8Array.from(atob(INT8_DOT_WASM_BASE64), (c) => c.charCodeAt(0));
      if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
    } catch {
      // The JS loop scores the same.
    }
  }
  return compiled;
}

/** dim rounded up to a multiple of 16: the kernel reads rows 16 values at a time. */
const paddedDim = (dim: number): number => Math.ceil(dim / 16) * 16;

/** Quantization levels of the query for rows of `dim` values (see the module comment). */
export function queryLevels(dim: number): number {
  return Math.max(1, Math.min(32767, Math.floor(0x7fffffff / (128 * paddedDim(dim)))));
}

/**
 * Writes round(query[k] · L / max|query|) into q[0…dim) and returns 1/‖q‖:
 * 0 for a zero query (q all zero), NaN when the query holds a non-finite value
 * (q untouched), so every score is NaN as it was for the float loop.
 */
export function quantizeQuery(query: ArrayLike<number>, dim: number, q: Int16Array): number {
  let max = 0;
  for (let k = 0; k < dim; k++) {
    const a = Math.abs(query[k]);
    if (!Number.isFinite(a)) return NaN;
    if (a > max) max = a;
  }
  if (max === 0) {
    q.fill(0, 0, dim);
    return 0;
  }
  const levels = queryLevels(dim);
  const step = levels / max;
  let sumSquares = 0;
  for (let k = 0; k < dim; k++) {
    const r = Math.round(query[k] * step);
    const v = r > levels ? levels : r < -levels ? -levels : r;
    q[k] = v;
    sumSquares += v * v;
  }
  return 1 / Math.sqrt(sumSquares);
}

/** A query quantized to int16 with its scale (Int8Rows.prepare). */
export interface PreparedQuery {
  readonly q: Int16Array;
  readonly factor: number;
}

/** Where one matrix's arrays sit in its kernel memory. */
interface KernelState {
  exports: KernelExports;
  rowsAt: number;
  invNormsAt: number;
  outAt: number;
  out: Float32Array;
}

/** The path VectorMatrix takes unless told: the kernel when it exists and the matrix is worth it. */
export function defaultScoringPath(dim: number, count: number): ScoringPath {
  return dim <= MAX_KERNEL_DIM && dim * count >= MIN_KERNEL_BYTES && kernelModule() !== null ? 'simd128' : 'js';
}

/** Int8 rows with their inverse norms, and the loops that score them. */
export class Int8Rows {
  readonly dim: number;
  readonly count: number;
  readonly path: ScoringPath;
  /** Row-major int8 values, count × dim (a view into the kernel's memory on the simd128 path). */
  readonly data: Int8Array;
  /** 1 / ‖row‖ per row (0 for a zero row), kept by the caller. */
  readonly invNorms: Float32Array;
  /** The quantized query (zero past dim, which the kernel relies on). */
  private readonly query: Int16Array;
  private readonly kernel: KernelState | null = null;

  /** `path` 'simd128' throws where the kernel cannot run; the default falls back to JS. */
  constructor(dim: number, count: number, path?: ScoringPath) {
    this.dim = dim;
    this.count = count;
    const wanted = path ?? defaultScoringPath(dim, count);
    let kernel: KernelState | null = null;
    if (wanted === 'simd128') {
      try {
        kernel = Int8Rows.allocate(dim, count);
      } catch (error) {
        if (path) throw error;
      }
    }
    if (kernel) {
      const buffer = kernel.out.buffer;
      this.kernel = kernel;
      this.data = new Int8Array(buffer, kernel.rowsAt, dim * count);
      this.invNorms = new Float32Array(buffer, kernel.invNormsAt, count);
      this.query = new Int16Array(buffer, 0, paddedDim(dim));
    } else {
      this.data = new Int8Array(dim * count);
      this.invNorms = new Float32Array(count);
      this.query = new Int16Array(dim);
    }
    this.path = kernel ? 'simd128' : 'js';
  }

  /** One memory: [query int16 × dimPad][rows int8 + slack][invNorms f32][scores f32]. */
  private static allocate(dim: number, count: number): KernelState {
    if (dim > MAX_KERNEL_DIM) throw new RangeError(`Int8Rows: dim ${dim} is wider than the kernel takes (${MAX_KERNEL_DIM})`);
    const module = kernelModule();
    if (!module) throw new Error('Int8Rows: WebAssembly SIMD128 is not available here');
    const rowsAt = 2 * paddedDim(dim);
    const invNormsAt = Math.ceil((rowsAt + dim * count + ROW_SLACK) / 16) * 16;
    const outAt = invNormsAt + 4 * count;
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((outAt + 4 * count) / WASM_PAGE)) });
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    return { exports, rowsAt, invNormsAt, outAt, out: new Float32Array(memory.buffer, outAt, count) };
  }

  /** Cosine of `query` with every row into out[0…count): the same bits on both paths. */
  scoreAll(query: ArrayLike<number>, out: Float32Array): void {
    const factor = quantizeQuery(query, this.dim, this.query);
    const kernel = this.kernel;
    if (this.count === 0) return;
    if (kernel) {
      const dim = this.dim;
      kernel.exports.scoreRows(kernel.rowsAt, this.count, dim, 0, paddedDim(dim) / 16, kernel.invNormsAt, kernel.outAt, factor);
      out.set(kernel.out);
      return;
    }
    const { data, invNorms, dim } = this;
    const q = this.query;
    // Four partial sums break the add dependency chain; all integer, so exact in any order.
    const dim4 = dim - (dim % 4);
    for (let i = 0, base = 0; i < this.count; i++, base += dim) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = 0;
      for (; k < dim4; k += 4) {
        s0 += q[k] * data[base + k];
        s1 += q[k + 1] * data[base + k + 1];
        s2 += q[k + 2] * data[base + k + 2];
        s3 += q[k + 3] * data[base + k + 3];
      }
      for (; k < dim; k++) s0 += q[k] * data[base + k];
      // Same operations, same order as the kernel: (dot · invNorm) · factor, rounded to float32 on store.
      out[i] = (s0 + s1 + s2 + s3) * invNorms[i] * factor;
    }
  }

  /** Cosine of `query` with row i (not rounded to float32). */
  scoreRow(i: number, query: ArrayLike<number>): number {
    const factor = quantizeQuery(query, this.dim, this.query);
    return this.dotQuantized(i, this.query, factor);
  }

  /** `query` quantized once, for scoring it against several rows (scorePrepared: scoreRow's values). */
  prepare(query: ArrayLike<number>): PreparedQuery {
    const q = new Int16Array(this.dim);
    return { q, factor: quantizeQuery(query, this.dim, q) };
  }

  /** scoreRow(i, query) for a query prepare() quantized: the same bits, without quantizing again. */
  scorePrepared(i: number, prepared: PreparedQuery): number {
    return this.dotQuantized(i, prepared.q, prepared.factor);
  }

  private dotQuantized(i: number, q: Int16Array, factor: number): number {
    const { data, dim } = this;
    let s = 0;
    for (let k = 0, base = i * dim; k < dim; k++) s += q[k] * data[base + k];
    return s * this.invNorms[i] * factor;
  }

  /** Integer dot product of rows i and j. */
  dotRows(i: number, j: number): number {
    const dim = this.dim;
    const kernel = this.kernel;
    if (kernel) return kernel.exports.dotRows(kernel.rowsAt + i * dim, kernel.rowsAt + j * dim, dim);
    const data = this.data;
    const a = i * dim;
    const b = j * dim;
    let s = 0;
    for (let k = 0; k < dim; k++) s += data[a + k] * data[b + k];
    return s;
  }
}
