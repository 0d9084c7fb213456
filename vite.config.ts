// Builds what a shop serves from its own origin, into dist/tacit/, in three builds:
//   1. the engine's Web Worker (worker-[hash].js and its chunks), ORT's runtime files (ort/) and the
//      embedded default model (models/), every file under a content-hashed name. The worker embeds the
//      table of ORT's and the models' names (core/built-files.ts).
//   2. index.js, the npm ESM entry, and its lazy chunks.
//   3. tacit.js, the entry the snippet loads (its name never changes; the SDK's code is inside it, not in
//      a chunk it would wait for), its lazy chunks (hashed), and snippet.min.js, the paste-in stub.
// Builds 2 and 3 embed the worker's name. Built apart from the worker, no chunk is shared with it: the
// page never loads worker code. Then FILE.br and FILE.gz beside every compressible file
// (scripts/precompress.js), and .vite/built-files.json: the whole table, for tools (benchmarks, tests,
// the README's file list). The demo shop has its own config (demo/vite.config.ts).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defaultClientConditions, defineConfig, minifySync, type LogLevel, type Plugin, type UserConfig } from 'vite';
import type { BuiltFile } from './core/built-files.ts';
import { precompressDir } from './scripts/precompress.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const OUT_DIR = join(ROOT, 'dist/tacit');
const require = createRequire(import.meta.url);

/**
 * ORT's runtime files, served by the shop from its own origin (never a CDN), from the onnxruntime-web
 * that transformers.js itself imports (it may carry its own copy). The worker picks one build at run
 * time (worker/backend.ts): the plain SIMD build for WASM, the asyncify build only when WebGPU is used.
 */
const ORT_FILES = [
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

const shared: UserConfig = {
  // Keep ORT's .wasm out of the bundle graph: the worker build copies the files it names, once.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
};

/** 'ort/x.wasm' → 'ort/x-Ab3dE9_z.wasm': 8 characters of the content's SHA-256, as rolldown's [hash]. */
function hashedName(name: string, bytes: Buffer): string {
  const hash = createHash('sha256').update(bytes).digest('base64url').slice(0, 8);
  const dot = name.lastIndexOf('.');
  return dot > name.lastIndexOf('/') ? `${name.slice(0, dot)}-${hash}${name.slice(dot)}` : `${name}-${hash}`;
}

/** ORT's runtime and every file under model/weights/, with their hashed names. */
function runtimeFiles(): { name: string; file: string; source: Buffer }[] {
  const transformers = createRequire(require.resolve('@huggingface/transformers'));
  const files = ORT_FILES.map((file) => ({ name: `ort/${file}`, path: transformers.resolve(`onnxruntime-web/${file}`) }));
  const weights = join(ROOT, 'model/weights');
  if (existsSync(weights)) {
    for (const entry of readdirSync(weights, { recursive: true, encoding: 'utf8' })) {
      const path = join(weights, entry);
      if (statSync(path).isFile()) files.push({ name: `models/${entry.split('\\').join('/')}`, path });
    }
  }
  return files.map(({ name, path }) => {
    const source = readFileSync(path);
    return { name, file: hashedName(name, source), source };
  });
}

/** Build 1: the worker, ORT's files and the models. Returns the whole table (the worker's entry included). */
async function buildWorker(logLevel: LogLevel | undefined): Promise<Record<string, BuiltFile>> {
  const runtime = runtimeFiles();
  const table: Record<string, BuiltFile> = Object.fromEntries(runtime.map((f) => [f.name, { file: f.file, bytes: f.source.length }]));
  const result = await build({
    ...shared,
    configFile: false,
    root: ROOT,
    logLevel,
    define: { __TACIT_BUILT_FILES__: JSON.stringify(table) },
    build: {
      outDir: OUT_DIR,
      emptyOutDir: false,
      target: 'es2022',
      manifest: '.vite/worker-manifest.json',
      minify: true,
      sourcemap: true,
      lib: { entry: { worker: join(ROOT, 'worker/engine.worker.ts') }, formats: ['es'], fileName: () => 'worker-[hash].js' },
      rolldownOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true } },
    },
    plugins: [
      {
        name: 'tacit-runtime-files',
        generateBundle() {
          for (const f of runtime) this.emitFile({ type: 'asset', fileName: f.file, source: f.source });
        },
      },
    ],
  });
  const outputs = (Array.isArray(result) ? result : [result]) as { output: { type: string; isEntry?: boolean; fileName: string; code?: string }[] }[];
  const entry = outputs.flatMap((o) => o.output).find((o) => o.type === 'chunk' && o.isEntry);
  if (!entry) throw new Error('vite.config.ts: the worker build produced no entry chunk');
  table['worker.js'] = { file: entry.fileName, bytes: Buffer.byteLength(entry.code ?? '') };
  return table;
}

/** The main-thread builds' settings: the SDK knows the worker's name, and nothing else of the table. */
function mainThread(table: Record<string, BuiltFile>): UserConfig {
  return {
    ...shared,
    define: { __TACIT_BUILT_FILES__: JSON.stringify({ 'worker.js': table['worker.js'] }) },
    build: {
      outDir: OUT_DIR,
      emptyOutDir: false, // builds 1 and 2 wrote there first
      target: 'es2022',
      minify: true,
      sourcemap: true,
      rolldownOptions: {
        output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true },
        // Code the lazy chunks share with the entry stays in the entry (they import it from there), rather
        // than in small common chunks the entry would have to fetch before it can run. So the lazy chunks
        // import '../tacit.js' by that URL: the snippet must load it without a query string.
        preserveEntrySignatures: 'allow-extension',
      },
    },
  };
}

/** Build 2: the npm entry. */
async function buildNpmEntry(table: Record<string, BuiltFile>, logLevel: LogLevel | undefined): Promise<void> {
  const config = mainThread(table);
  await build({
    ...config,
    configFile: false,
    root: ROOT,
    logLevel,
    build: {
      ...config.build,
      manifest: '.vite/index-manifest.json',
      lib: { entry: { index: join(ROOT, 'src/index.ts') }, formats: ['es'], fileName: () => 'index.js' },
    },
  });
}

/** Runs builds 1 and 2 before build 3 is configured, and hands build 3 the worker's name. */
function workerFirst(): Plugin {
  let table: Record<string, BuiltFile> = {};
  return {
    name: 'tacit-worker-first',
    apply: 'build',
    async config(config) {
      rmSync(OUT_DIR, { recursive: true, force: true });
      table = await buildWorker(config.logLevel);
      await buildNpmEntry(table, config.logLevel);
      return { define: mainThread(table).define };
    },
    async closeBundle() {
      mkdirSync(join(OUT_DIR, '.vite'), { recursive: true });
      writeFileSync(join(OUT_DIR, '.vite/built-files.json'), JSON.stringify(table, null, 2) + '\n');
      const rows = await precompressDir(OUT_DIR);
      this.info?.(`precompressed ${rows.length} files in ${relative(ROOT, OUT_DIR)}`);
    },
  };
}

function snippet(): Plugin {
  return {
    name: 'tacit-snippet',
    generateBundle() {
      const source = readFileSync(join(ROOT, 'src/snippet.js'), 'utf8');
      const { code } = minifySync('snippet.js', source, { compress: true, mangle: true });
      this.emitFile({ type: 'asset', fileName: 'snippet.min.js', source: code.trim() + '\n' });
    },
  };
}

// Build 3: tacit.js, what the snippet loads.
export default defineConfig({
  ...shared,
  build: {
    ...mainThread({}).build,
    manifest: true,
    lib: { entry: { tacit: 'src/loader.ts' }, formats: ['es'], fileName: () => 'tacit.js' },
  },
  plugins: [workerFirst(), snippet()],
});
