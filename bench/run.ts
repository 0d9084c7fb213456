// `npm run bench`: builds Tacit (vite build) when dist/tacit is missing or older than the sources, runs
// every benchmark in turn (one failing is recorded and the rest go on), and writes
// bench/results/latest.json (one object per benchmark) and bench/results/latest.md (the table), which it
// also prints.
//
// Options: --only=sizes,rank,ingest,embed,wasm-compile,loading,main-thread,first-recommendation,memory,ohttp (writes
//          bench/results/tmp/partial.{json,md} instead)   --skip-build
//          BENCH_INGEST_SECONDS (default 30)

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_ID } from '../model/default.ts';
import { benchEmbed } from './embed.ts';
import { benchFirstRecommendation } from './first-recommendation.ts';
import { benchIngest } from './ingest.ts';
import { benchMemory } from './memory.ts';
import { benchLoading } from './loading.ts';
import { benchRank } from './rank.ts';
import { benchSizes } from './sizes.ts';
import { benchMainThread } from './track.ts';
import { benchOhttp } from './ohttp.ts';
import { benchWasmCompile } from './wasm-compile.ts';
import { CHROMIUM } from './lib/browser.ts';
import { DIST_TACIT, RESULTS_DIR, ROOT, TMP_DIR } from './lib/paths.ts';
import { failed, markdownTable, type BenchResult } from './lib/results.ts';

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const skipBuild = args.includes('--skip-build');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
    const stat = statSync(join(ROOT, dir, entry));
    if (stat.isFile() && stat.mtimeMs > newest) newest = stat.mtimeMs;
  }
  return newest;
}

/** vite build of Tacit (and of the demo shop), unless the build is newer than every source file it is built from. */
function buildIfStale(): void {
  const vite = (args: string[]) => execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', ...args], { cwd: ROOT, stdio: 'inherit' });
  const table = join(DIST_TACIT, '.vite/built-files.json');
  const built = existsSync(table) ? statSync(table).mtimeMs : 0;
  const sources = Math.max(newestMtime('src'), newestMtime('worker'), newestMtime('core'), newestMtime('model/weights'), statSync(join(ROOT, 'vite.config.ts')).mtimeMs);
  let rebuilt = false;
  if (!(built > sources && existsSync(join(DIST_TACIT, 'models', DEFAULT_MODEL_ID)))) {
    console.log('bench: building dist/tacit (vite build)…');
    vite([]);
    rebuilt = true;
  }
  const demo = join(DIST_TACIT, '../demo/index.html');
  if (rebuilt || !existsSync(demo) || statSync(demo).mtimeMs < newestMtime('demo')) {
    console.log('bench: building dist/demo (vite build --config demo/vite.config.ts)…');
    vite(['--config', 'demo/vite.config.ts']);
  }
}

type Bench = { id: string; title: string; browser?: boolean; run: () => BenchResult[] | Promise<BenchResult[]> };

const BENCHES: Bench[] = [
  { id: 'sizes', title: 'bundle sizes', run: () => benchSizes() },
  { id: 'rank', title: 'ranking', run: () => benchRank([defaultModelDim(), 384]) },
  { id: 'loading', title: 'loading on the demo shop (bytes, consent, second visit, main-thread JS)', browser: true, run: () => benchLoading() },
  { id: 'wasm-compile', title: 'wasm compile, first vs second visit', browser: true, run: () => benchWasmCompile() },
  { id: 'main-thread', title: 'main-thread cost (track, long tasks)', browser: true, run: () => benchMainThread() },
  { id: 'first-recommendation', title: 'time to first recommendation', browser: true, run: () => benchFirstRecommendation() },
  { id: 'memory', title: 'memory', browser: true, run: () => benchMemory() },
  { id: 'embed', title: 'embedding throughput and latency', browser: true, run: () => benchEmbed() },
  { id: 'ingest', title: 'server ingest', run: () => benchIngest(Number(process.env.BENCH_INGEST_SECONDS ?? 30)) },
  { id: 'ohttp', title: 'reports through an OHTTP relay (server and device cost, bytes)', run: () => benchOhttp() },
];

function defaultModelDim(): number {
  try {
    const config = JSON.parse(readFileSync(join(ROOT, 'model/weights', DEFAULT_MODEL_ID, 'config.json'), 'utf8')) as { hidden_size?: number };
    return config.hidden_size ?? 128;
  } catch {
    return 128;
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(TMP_DIR, { recursive: true });
  const results: BenchResult[] = [];
  const selected = BENCHES.filter((b) => !only || only.includes(b.id));
  if (selected.length === 0) throw new Error(`--only matched nothing; benchmarks: ${BENCHES.map((b) => b.id).join(', ')}`);
  let buildError: unknown = null;
  if (!skipBuild) {
    try {
      buildIfStale();
    } catch (error) {
      buildError = error;
      results.push(failed('vite build', '', error));
    }
  }
  for (const bench of selected) {
    const start = Date.now();
    console.log(`bench: ${bench.title}…`);
    if (bench.browser && !existsSync(CHROMIUM)) {
      results.push(failed(bench.title, '', new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`)));
      continue;
    }
    if (buildError && bench.id !== 'rank' && bench.id !== 'ingest') {
      results.push(failed(bench.title, '', new Error('skipped: vite build failed')));
      continue;
    }
    try {
      results.push(...(await bench.run()));
    } catch (error) {
      results.push(failed(bench.title, '', error));
    }
    console.log(`bench: ${bench.title} done in ${Math.round((Date.now() - start) / 1000)} s`);
  }
  // A partial run (--only) does not replace the full results.
  const outDir = only ? TMP_DIR : RESULTS_DIR;
  const base = only ? 'partial' : 'latest';
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${base}.json`), JSON.stringify(results, null, 2) + '\n');
  const header =
    `# Tacit benchmarks\n\n${new Date().toISOString()} · Node ${process.version} · ${process.platform}/${process.arch} · ` +
    `${(await import('node:os')).availableParallelism()} cores · ${Math.round((Date.now() - started) / 1000)} s\n\n` +
    'Timings are medians of the runs shown, with min–max; ratios compare figures measured in the same run.\n\n';
  const table = markdownTable(results);
  writeFileSync(join(outDir, `${base}.md`), header + table);
  console.log('\n' + table);
  const unmet = results.filter((r) => r.met === false).length;
  const errors = results.filter((r) => r.error).length;
  console.log(`bench: ${results.length} results, ${unmet} goal(s) not met, ${errors} error(s); ${only ? 'bench/results/tmp/partial' : 'bench/results/latest'}.{json,md}`);
}

// A stray rejection inside one benchmark (e.g. a page closed mid-call) must not end the whole run.
process.on('unhandledRejection', (error) => console.error('bench: unhandled rejection (ignored):', error));

main().catch((error: unknown) => {
  console.error('bench:', error);
  process.exit(1);
});
