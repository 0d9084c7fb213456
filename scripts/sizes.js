// Measures what a shopper downloads: raw, gzip and brotli bytes of the snippet, the main-thread SDK
// (tacit.js alone, and with every lazy chunk it can load) and the worker's JavaScript. Each file is
// counted as the server sends it: its precompressed .gz/.br from the build when there is one (else
// compressed here at the same settings), each file on its own. Shared by `npm run size` and the benchmarks.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export function compressedSizes(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** A built file's sizes as served: its .gz and .br beside it when the build wrote them. */
export function servedSizes(file) {
  const raw = readFileSync(file);
  const computed = !existsSync(`${file}.gz`) || !existsSync(`${file}.br`) ? compressedSizes(raw) : null;
  const variant = (ext, fallback) => (existsSync(`${file}.${ext}`) ? readFileSync(`${file}.${ext}`).length : (computed?.[fallback] ?? raw.length));
  return { raw: raw.length, gzip: Math.min(raw.length, variant('gz', 'gzip')), brotli: Math.min(raw.length, variant('br', 'brotli')) };
}

/** Files an entry loads: itself and its static imports, transitively (and its dynamic ones with `lazy`). */
export function closure(manifest, entryKey, { lazy = false } = {}) {
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const dep of [...(manifest[key].imports ?? []), ...(lazy ? (manifest[key].dynamicImports ?? []) : [])]) visit(dep);
  };
  visit(entryKey);
  return [...seen].map((key) => manifest[key].file);
}

/** Sum of the files' served sizes, each compressed on its own (as a server sends them). */
export function sumOfFiles(dir, files) {
  const total = { files, raw: 0, gzip: 0, brotli: 0 };
  for (const file of files) {
    const s = servedSizes(join(dir, file));
    total.raw += s.raw;
    total.gzip += s.gzip;
    total.brotli += s.brotli;
  }
  return total;
}

const readManifest = (dir, name) => {
  const path = join(dir, '.vite', name);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
};

export function measureBundle(dir = 'dist/tacit') {
  const sdk = readManifest(dir, 'manifest.json');
  const worker = readManifest(dir, 'worker-manifest.json');
  const entry = (manifest, key, options) => (manifest?.[key] ? sumOfFiles(dir, closure(manifest, key, options)) : null);
  return {
    snippet: sumOfFiles(dir, ['snippet.min.js']),
    /** What tacit.js needs before it runs. */
    sdk: entry(sdk, 'src/loader.ts'),
    /** tacit.js and every chunk it may load on the main thread: the most a page runs. */
    mainThread: entry(sdk, 'src/loader.ts', { lazy: true }),
    /** The worker and every chunk it may load (transformers.js included); ORT's files are apart. */
    worker: entry(worker, 'worker/engine.worker.ts', { lazy: true }),
  };
}
