// Benchmark 4: scoring and ranking N catalogue vectors with the engine's real VectorMatrix.scoreAll +
// rank(), in Node and in a Chromium module worker (where the engine runs), on the path the engine picks
// (the WebAssembly SIMD128 kernel where it runs) and on the JS loop it falls back to, against
//   - a naive per-item JS loop (Node): an array of Float32Array rows, one result object allocated per
//     item, a full sort;
//   - the memory-bandwidth bound: the int8 vector bytes read ÷ the copy bandwidth of a large typed
//     array, measured in the same run and the same runtime.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { CHROMIUM, launchBrowser, serveBench, withTimeout } from './lib/browser.ts';
import { ROOT, TMP_DIR } from './lib/paths.ts';
import { LIMIT, copyBandwidth, rankFixture, timeCalls, timeRank, type RankTimes } from './lib/rank-measure.ts';
import { atMost, compared, failed, timing, type BenchResult } from './lib/results.ts';
import type { Spread } from './lib/stats.ts';

const COUNTS = [1_000, 10_000, 100_000];
/** Chromium: the goal's shape only (each shape costs a few seconds of timing in the worker). */
const BROWSER_COUNT = 10_000;
const WORKER_DIR = join(TMP_DIR, 'rank-worker');
const BROWSER_TIMEOUT_MS = 180_000;

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

const label = (count: number): string => (count >= 1000 ? `${count / 1000}k` : String(count));

const bandwidthRow = (runtime: string, bandwidth: Spread, note: string): BenchResult =>
  timing(`${runtime}memory copy bandwidth (256 MiB typed array)`, 'GB/s', { ...bandwidth, value: bandwidth.value / 1e6, min: bandwidth.min / 1e6, max: bandwidth.max / 1e6 }, { note });

/**
 * Rows for one shape: the default path against the bandwidth bound (the goal at 10k: ≤ 3×), the JS loop
 * against the same bound, and scoreAll alone, kernel against JS loop.
 */
function shapeRows(prefix: string, count: number, dim: number, times: RankTimes, bytesPerMs: number, runtime: string): BenchResult[] {
  const name = `${prefix}rank ${label(count)} × ${dim}`;
  const boundMs = (count * dim) / bytesPerMs;
  const bound = 'bytes read ÷ copy bandwidth';
  const goal = count === 10_000 ? 3 : undefined;
  const boundNote = `${count * dim} int8 bytes read at the copy bandwidth measured in ${runtime}; scoring: ${times.scoring}`;
  return [
    compared(timing(`${name}: vs memory-bandwidth bound`, 'ms', times.rank, { note: boundNote }), bound, boundMs, goal),
    compared(timing(`${name}: JS scoring loop (no kernel) vs memory-bandwidth bound`, 'ms', times.rankJs, { note: `the fallback where WebAssembly SIMD128 is missing; ${runtime}` }), bound, boundMs),
    compared(
      timing(`${name}: scoreAll alone, ${times.scoring} vs JS loop`, 'ms', times.scoreAll, { note: `${runtime}; query quantized to int16, identical scores on both paths` }),
      'the JS loop',
      times.scoreAllJs.value,
    ),
  ];
}

function nodeRows(dims: number[]): BenchResult[] {
  const out: BenchResult[] = [];
  let bandwidth: Spread;
  try {
    bandwidth = copyBandwidth();
    out.push(bandwidthRow('', bandwidth, 'Node (V8)'));
  } catch (error) {
    out.push(failed('memory copy bandwidth', 'GB/s', error));
    return out;
  }
  for (const dim of dims) {
    for (const count of COUNTS) {
      const name = `rank ${label(count)} × ${dim}`;
      try {
        const times = timeRank(count, dim, count + dim);
        const { matrix, items, query } = rankFixture(count, dim, count + dim, 'js');
        const rows = Array.from({ length: count }, (_, i) => matrix.row(i));
        const ids = items.map((item) => item.id);
        const naive = timeCalls(() => naiveRank(rows, ids, query, LIMIT), 5);
        const note = `Node (same V8 as Chromium); scoreAll + top-k + MMR (limit 10) with a context vector; scoring: ${times.scoring}`;
        let row = compared(timing(`${name}: scoreAll + rank`, 'ms', times.rank, { note }), 'naive JS loop (Float32Array rows, object per item, sort)', naive.value);
        if (count === 10_000) row = { ...atMost(row, 2), reference: row.reference, referenceValue: row.referenceValue, ratio: row.ratio };
        out.push(row, ...shapeRows('', count, dim, times, bandwidth.value, 'Node'));
      } catch (error) {
        out.push(failed(name, 'ms', error));
      }
    }
  }
  return out;
}

/** The bench worker, built from bench/browser/rank.worker.ts the way vite.config.ts builds the SDK's. */
async function buildRankWorker(): Promise<void> {
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    build: {
      outDir: WORKER_DIR,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      lib: { entry: join(ROOT, 'bench/browser/rank.worker.ts'), formats: ['es'], fileName: () => 'rank.worker.js' },
    },
  });
}

const RANK_PAGE = `<!doctype html><meta charset="utf-8"><title>rank bench</title><script>
  window.measure = (shapes) => new Promise((resolve, reject) => {
    const worker = new Worker('/bench/rank-worker/rank.worker.js', { type: 'module' });
    worker.onmessage = (e) => { worker.terminate(); e.data.error ? reject(new Error(e.data.error)) : resolve(e.data); };
    worker.onerror = (e) => { worker.terminate(); reject(new Error('worker error: ' + e.message)); };
    worker.postMessage({ shapes });
  });
</script>`;

type WorkerAnswer = { bandwidth: Spread; times: RankTimes[]; isolated: boolean };

async function chromiumRows(dims: number[]): Promise<BenchResult[]> {
  if (!existsSync(CHROMIUM)) return [failed('Chromium worker: rank', 'ms', new Error(`Chromium not found at ${CHROMIUM}`))];
  try {
    await buildRankWorker();
  } catch (error) {
    return [failed('Chromium worker: rank (build of the bench worker)', 'ms', error)];
  }
  // crossOriginIsolated: 5 µs timers instead of 100 µs.
  const site = await serveBench({ isolated: true });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(site.page('/rank.html', RANK_PAGE));
    const shapes = dims.map((dim) => [BROWSER_COUNT, dim]);
    const answer = (await withTimeout(
      page.evaluate((s) => (window as unknown as { measure(s: unknown): Promise<unknown> }).measure(s), shapes),
      BROWSER_TIMEOUT_MS,
      'Chromium rank worker',
    )) as WorkerAnswer;
    const runtime = `a Chromium ${browser.version()} module worker`;
    const out = [bandwidthRow('Chromium worker: ', answer.bandwidth, `${runtime}, crossOriginIsolated ${answer.isolated}`)];
    dims.forEach((dim, i) => {
      const times = answer.times[i];
      const rows = shapeRows('Chromium worker: ', BROWSER_COUNT, dim, times, answer.bandwidth.value, runtime);
      // The engine's worker must take the kernel in Chromium: anything else is a regression, not a timing.
      if (times.scoring !== 'simd128') rows[0] = { ...rows[0], met: false, error: `scoring path is ${times.scoring}, expected simd128` };
      out.push(...rows);
    });
    return out;
  } catch (error) {
    return [failed('Chromium worker: rank', 'ms', error)];
  } finally {
    await browser.close();
    await site.close();
  }
}

export async function benchRank(dims: number[]): Promise<BenchResult[]> {
  return [...nodeRows(dims), ...(await chromiumRows(dims))];
}
