// Measures what a shopper downloads: gzip and brotli bytes of the snippet, the main-thread SDK (tacit.js
// and every chunk it imports statically — lazy chunks excluded) and, once built, the worker.
// Shared by `npm run size` and the benchmarks.

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

/** Files an entry loads before it runs: itself and its static imports, transitively. */
export function staticClosure(manifest, entryKey) {
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const dep of manifest[key].imports ?? []) visit(dep);
  };
  visit(entryKey);
  return [...seen].map((key) => manifest[key].file);
}

export function measureBundle(dir = 'dist/tacit') {
  const manifest = JSON.parse(readFileSync(join(dir, '.vite/manifest.json'), 'utf8'));
  const bundle = (entryKey) => {
    if (!manifest[entryKey]) return null;
    const files = staticClosure(manifest, entryKey);
    return { files, ...compressedSizes(Buffer.concat(files.map((f) => readFileSync(join(dir, f))))) };
  };
  return {
    snippet: { files: ['snippet.min.js'], ...compressedSizes(readFileSync(join(dir, 'snippet.min.js'))) },
    sdk: bundle('src/loader.ts'),
    worker: existsSync(join(dir, 'worker.js')) ? bundle('worker/engine.worker.ts') : null,
  };
}
