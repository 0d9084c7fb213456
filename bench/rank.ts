// Benchmark 4: scoring and ranking N catalogue vectors in Node (the same V8 as Chromium's worker), with
// the engine's real VectorMatrix.scoreAll + rank(), against
//   - a naive per-item JS loop: an array of Float32Array rows, one result object allocated per item,
//     a full sort;
//   - the memory-bandwidth bound: the int8 vector bytes read ÷ the copy bandwidth of a large typed
//     array, measured in the same run.

import { performance } from 'node:perf_hooks';
import { mulberry32 } from '../core/random.ts';
import { rank } from '../core/rank.ts';
import type { CatalogItem } from '../core/types.ts';
import { VectorMatrix } from '../core/vectors.ts';
import { atMost, compared, failed, timing, type BenchResult } from './lib/results.ts';
import { spread, type Spread } from './lib/stats.ts';

const COUNTS = [1_000, 10_000, 100_000];
const RUNS = 7;
/** Each run repeats the call until it has taken at least this long, and reports the mean per call. */
const RUN_MS = 40;
const LIMIT = 10;

const random = mulberry32;

/** Per-call ms: median over runs of the mean of a batch of calls lasting ≥ RUN_MS. */
function timeCalls(call: () => unknown, runs = RUNS): Spread {
  // Warm up (JIT, and the collection of the previous fixture's garbage) for at least RUN_MS.
  const warmUntil = performance.now() + RUN_MS;
  do call();
  while (performance.now() < warmUntil);
  const values: number[] = [];
  for (let r = 0; r < runs; r++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      call();
      n++;
      elapsed = performance.now() - start;
    } while (elapsed < RUN_MS);
    values.push(elapsed / n);
  }
  return spread(values);
}

/** Bytes per ms of copying a 256 MiB typed array (reads and writes every byte once). */
export function copyBandwidth(): Spread {
  const size = 256 * 1024 * 1024;
  const source = new Uint8Array(size).fill(1);
  const target = new Uint8Array(size);
  target.set(source);
  const values: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    target.set(source);
    values.push(size / (performance.now() - start));
  }
  return spread(values);
}

function naiveRank(rows: Float32Array[], ids: string[], query: Float32Array, limit: number): { id: string; score: number }[] {
  let qn = 0;
  for (let k = 0; k < query.length; k++) qn += query[k] * query[k];
  qn = Math.sqrt(qn);
  const scored: { id: string; score: number }[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    let d = 0;
    let n = 0;
    for (let k = 0; k < row.length; k++) {
      d += row[k] * query[k];
      n += row[k] * row[k];
    }
    scored.push({ id: ids[i], score: d / (Math.sqrt(n) * qn) });
  }
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, limit);
}

function fixture(count: number, dim: number, seed: number) {
  const next = random(seed);
  const data = new Int8Array(count * dim);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(next() * 254 - 127);
  const scales = new Float32Array(count);
  for (let i = 0; i < count; i++) scales[i] = 0.5 + next();
  const matrix = new VectorMatrix(dim, count, data, scales);
  const items: CatalogItem[] = Array.from({ length: count }, (_, i) => ({ id: `p${i}`, title: `Product ${i}`, inStock: true }) as CatalogItem);
  const query = new Float32Array(dim);
  for (let k = 0; k < dim; k++) query[k] = next() * 2 - 1;
  return { matrix, items, query };
}

const label = (count: number): string => (count >= 1000 ? `${count / 1000}k` : String(count));

export function benchRank(dims: number[]): BenchResult[] {
  const out: BenchResult[] = [];
  let bandwidth: Spread;
  try {
    bandwidth = copyBandwidth();
    out.push(timing('memory copy bandwidth (256 MiB typed array)', 'GB/s', { ...bandwidth, value: bandwidth.value / 1e6, min: bandwidth.min / 1e6, max: bandwidth.max / 1e6 }, { note: 'Node (V8)' }));
  } catch (error) {
    out.push(failed('memory copy bandwidth', 'GB/s', error));
    return out;
  }
  for (const dim of dims) {
    for (const count of COUNTS) {
      const name = `rank ${label(count)} × ${dim}`;
      try {
        const { matrix, items, query } = fixture(count, dim, count + dim);
        const now = Date.now();
        const tacit = timeCalls(() => rank({ matrix, items, profile: null, now, limit: LIMIT, context: { vector: query } }));
        const rows = Array.from({ length: count }, (_, i) => matrix.row(i));
        const ids = items.map((item) => item.id);
        const naive = timeCalls(() => naiveRank(rows, ids, query, LIMIT), 5);
        const boundMs = (count * dim) / bandwidth.value;
        const note = 'Node (same V8 as Chromium); scoreAll + top-k + MMR (limit 10) with a context vector';
        let row = compared(timing(`${name}: scoreAll + rank`, 'ms', tacit, { note }), 'naive JS loop (Float32Array rows, object per item, sort)', naive.value);
        if (count === 10_000) row = { ...atMost(row, 2), reference: row.reference, referenceValue: row.referenceValue, ratio: row.ratio };
        out.push(row);
        out.push(
          compared(
            timing(`${name}: vs memory-bandwidth bound`, 'ms', tacit, { note: `${count * dim} int8 bytes read at the measured copy bandwidth` }),
            'bytes read ÷ copy bandwidth',
            boundMs,
            count === 10_000 ? 3 : undefined,
          ),
        );
      } catch (error) {
        out.push(failed(name, 'ms', error));
      }
    }
  }
  return out;
}
