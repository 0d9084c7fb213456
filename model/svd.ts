// Sparse co-occurrence matrices, PPMI, and a seeded randomized truncated SVD (Halko, Martinsson &
// Tropp 2011), in plain TypeScript. Dense blocks are row-major Float64Array; loops run in a fixed order
// so the result is deterministic.

import { gaussian, mulberry32 } from './random.ts';

/** Compressed sparse rows. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  rowStart: Int32Array; // length rows + 1
  colIndex: Int32Array;
  values: Float64Array;
}

/** Builds a CSR matrix from per-row maps (column → value); columns are sorted within each row. */
export function csrFromRows(rows: ReadonlyArray<ReadonlyMap<number, number>>, cols: number): CsrMatrix {
  let nnz = 0;
  for (const row of rows) nnz += row.size;
  const rowStart = new Int32Array(rows.length + 1);
  const colIndex = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  rows.forEach((row, i) => {
    rowStart[i] = k;
    const columns = [...row.keys()].sort((a, b) => a - b);
    for (const c of columns) {
      colIndex[k] = c;
      values[k] = row.get(c)!;
      k++;
    }
  });
  rowStart[rows.length] = k;
  return { rows: rows.length, cols, rowStart, colIndex, values };
}

/**
 * Positive pointwise mutual information of a count matrix, with the context distribution raised to
 * `contextPower` (0.75 smooths away the bias towards rare contexts; Levy, Goldberg & Dagan 2015).
 */
export function ppmi(counts: CsrMatrix, contextPower = 0.75): CsrMatrix {
  const rowSum = new Float64Array(counts.rows);
  const colSum = new Float64Array(counts.cols);
  let total = 0;
  for (let i = 0; i < counts.rows; i++) {
    for (let k = counts.rowStart[i]; k < counts.rowStart[i + 1]; k++) {
      rowSum[i] += counts.values[k];
      colSum[counts.colIndex[k]] += counts.values[k];
      total += counts.values[k];
    }
  }
  let smoothedTotal = 0;
  const smoothed = new Float64Array(counts.cols);
  for (let j = 0; j < counts.cols; j++) {
    smoothed[j] = colSum[j] > 0 ? colSum[j] ** contextPower : 0;
    smoothedTotal += smoothed[j];
  }
  const values = new Float64Array(counts.values.length);
  for (let i = 0; i < counts.rows; i++) {
    for (let k = counts.rowStart[i]; k < counts.rowStart[i + 1]; k++) {
      const pJoint = counts.values[k] / total;
      const pRow = rowSum[i] / total;
      const pCol = smoothed[counts.colIndex[k]] / smoothedTotal;
      values[k] = Math.max(0, Math.log(pJoint / (pRow * pCol)));
    }
  }
  return { ...counts, values };
}

/** Y = A · X for a dense row-major X with `width` columns. */
function multiply(a: CsrMatrix, x: Float64Array, width: number): Float64Array {
  const y = new Float64Array(a.rows * width);
  for (let i = 0; i < a.rows; i++) {
    const yOffset = i * width;
    for (let k = a.rowStart[i]; k < a.rowStart[i + 1]; k++) {
      const v = a.values[k];
      const xOffset = a.colIndex[k] * width;
      for (let c = 0; c < width; c++) y[yOffset + c] += v * x[xOffset + c];
    }
  }
  return y;
}

/** Z = Aᵀ · Y for a dense row-major Y with `width` columns. */
function multiplyTransposed(a: CsrMatrix, y: Float64Array, width: number): Float64Array {
  const z = new Float64Array(a.cols * width);
  for (let i = 0; i < a.rows; i++) {
    const yOffset = i * width;
    for (let k = a.rowStart[i]; k < a.rowStart[i + 1]; k++) {
      const v = a.values[k];
      const zOffset = a.colIndex[k] * width;
      for (let c = 0; c < width; c++) z[zOffset + c] += v * y[yOffset + c];
    }
  }
  return z;
}

/** Gram matrix XᵀX (width × width) of a row-major block. */
function gram(x: Float64Array, rows: number, width: number): Float64Array {
  const g = new Float64Array(width * width);
  for (let i = 0; i < rows; i++) {
    const o = i * width;
    for (let a = 0; a < width; a++) {
      const xa = x[o + a];
      if (xa === 0) continue;
      const go = a * width;
      for (let b = a; b < width; b++) g[go + b] += xa * x[o + b];
    }
  }
  for (let a = 0; a < width; a++) for (let b = 0; b < a; b++) g[a * width + b] = g[b * width + a];
  return g;
}

/**
 * Orthonormalizes the columns of a row-major block in place by Cholesky QR, applied twice for
 * numerical orthogonality (CholeskyQR2). Nearly dependent columns are regularized by a tiny ridge.
 */
function orthonormalize(x: Float64Array, rows: number, width: number, passes = 2): void {
  for (let pass = 0; pass < passes; pass++) {
    const g = gram(x, rows, width);
    let trace = 0;
    for (let a = 0; a < width; a++) trace += g[a * width + a];
    const ridge = (1e-12 * trace) / width;
    // Cholesky: G = Rᵀ R, R upper triangular (stored row-major).
    const r = new Float64Array(width * width);
    for (let a = 0; a < width; a++) {
      let diag = g[a * width + a] + ridge;
      for (let k = 0; k < a; k++) diag -= r[k * width + a] ** 2;
      const rDiag = Math.sqrt(Math.max(diag, 1e-300));
      r[a * width + a] = rDiag;
      for (let b = a + 1; b < width; b++) {
        let s = g[a * width + b];
        for (let k = 0; k < a; k++) s -= r[k * width + a] * r[k * width + b];
        r[a * width + b] = s / rDiag;
      }
    }
    // X ← X R⁻¹, row by row (forward substitution on each row).
    for (let i = 0; i < rows; i++) {
      const o = i * width;
      for (let b = 0; b < width; b++) {
        let s = x[o + b];
        for (let k = 0; k < b; k++) s -= x[o + k] * r[k * width + b];
        x[o + b] = s / r[b * width + b];
      }
    }
  }
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations; eigenvalues descending. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y] - a[x * n + x] || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n); // column j = eigenvector j
  order.forEach((src, j) => {
    values[j] = a[src * n + src];
    for (let k = 0; k < n; k++) vectors[k * n + j] = v[k * n + src];
  });
  return { values, vectors };
}

export interface TruncatedSvd {
  /** Left singular vectors, row-major rows × rank. */
  u: Float64Array;
  singularValues: Float64Array;
  rank: number;
}

/** Top-`rank` left singular vectors and values of A by randomized range finding with power iterations. */
export function randomizedSvd(a: CsrMatrix, rank: number, options: { oversample?: number; powerIterations?: number; seed?: number } = {}): TruncatedSvd {
  const width = rank + (options.oversample ?? 16);
  const normal = gaussian(mulberry32(options.seed ?? 1));
  const omega = new Float64Array(a.cols * width);
  for (let i = 0; i < omega.length; i++) omega[i] = normal();
  let y = multiply(a, omega, width);
  orthonormalize(y, a.rows, width);
  for (let q = 0; q < (options.powerIterations ?? 3); q++) {
    // One Cholesky-QR pass suffices between power iterations: only the spanned subspace matters there.
    const z = multiplyTransposed(a, y, width);
    orthonormalize(z, a.cols, width, 1);
    y = multiply(a, z, width);
    orthonormalize(y, a.rows, width);
  }
  // B = Qᵀ A; its left singular vectors come from B Bᵀ = Qᵀ A Aᵀ Q.
  const bt = multiplyTransposed(a, y, width); // Aᵀ Q = Bᵀ (cols × width)
  const bbt = gram(bt, a.cols, width);
  const { values, vectors } = symmetricEigen(bbt, width);
  const u = new Float64Array(a.rows * rank);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < rank; j++) {
      let s = 0;
      for (let k = 0; k < width; k++) s += y[i * width + k] * vectors[k * width + j];
      u[i * rank + j] = s;
    }
  }
  const singularValues = new Float64Array(rank);
  for (let j = 0; j < rank; j++) singularValues[j] = Math.sqrt(Math.max(values[j], 0));
  return { u, singularValues, rank };
}
