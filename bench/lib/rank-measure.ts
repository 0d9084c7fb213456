// The ranking measurements of bench/rank.ts, written once so they run the same in Node and in a Chromium
// module worker (bench/browser/rank.worker.ts): no Node imports here, only the engine's core/ and the
// global `performance`.

import { mulberry32 } from '../../core/random.ts';
import { rank } from '../../core/rank.ts';
import type { CatalogItem } from '../../core/types.ts';
import type { ScoringPath } from '../../core/int8-rows.ts';
import { VectorMatrix } from '../../core/vectors.ts';
import { spread, type Spread } from './stats.ts';

export const RUNS = 7;
/** Each run repeats the call until it has taken at least this long, and reports the mean per call. */
const RUN_MS = 40;
export const LIMIT = 10;

/** Per-call ms: median over runs of the mean of a batch of calls lasting ≥ RUN_MS. */
export function timeCalls(call: () => unknown, runs = RUNS): Spread {
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

/** A catalogue of `count` random int8 rows, scored by `scoring` (default: what the engine would pick). */
export function rankFixture(count: number, dim: number, seed: number, scoring?: ScoringPath) {
  const next = mulberry32(seed);
  const data = new Int8Array(count * dim);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(next() * 254 - 127);
  const scales = new Float32Array(count);
  for (let i = 0; i < count; i++) scales[i] = 0.5 + next();
  const matrix = new VectorMatrix(dim, count, data, scales, scoring);
  const items: CatalogItem[] = Array.from({ length: count }, (_, i) => ({ id: `p${i}`, title: `Product ${i}`, inStock: true }) as CatalogItem);
  const query = new Float32Array(dim);
  for (let k = 0; k < dim; k++) query[k] = next() * 2 - 1;
  return { matrix, items, query };
}

export interface RankTimes {
  /** The path the engine picks by default here ('simd128' where the kernel runs). */
  scoring: ScoringPath;
  /** scoreAll + top-k + MMR (limit 10) with a context vector, default path. */
  rank: Spread;
  /** The same with the matrix forced onto the JS loop. */
  rankJs: Spread;
  /** scoreAll alone, default path and JS loop. */
  scoreAll: Spread;
  scoreAllJs: Spread;
}

/** rank() and scoreAll() on the default scoring path and on the JS loop, same data, same run. */
export function timeRank(count: number, dim: number, seed: number): RankTimes {
  const now = Date.now();
  const fast = rankFixture(count, dim, seed);
  const js = rankFixture(count, dim, seed, 'js');
  const rankWith = (f: typeof fast) => () => rank({ matrix: f.matrix, items: f.items, profile: null, now, limit: LIMIT, context: { vector: f.query } });
  const out = new Float32Array(count);
  return {
    scoring: fast.matrix.scoring,
    rank: timeCalls(rankWith(fast)),
    rankJs: timeCalls(rankWith(js), 5),
    scoreAll: timeCalls(() => fast.matrix.scoreAll(fast.query, out)),
    scoreAllJs: timeCalls(() => js.matrix.scoreAll(js.query, out), 5),
  };
}
