// `node scripts/serving-files.js`: the files of dist/tacit/ a shopper's browser fetches at run time, with
// their sizes (raw, and as the build precompressed them) and the Cache-Control they need, as the
// markdown table of README's "Serving Tacit". Run after `npm run build`.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isHashedName } from './static-server.js';

const DIR = 'dist/tacit';
const json = (name) => JSON.parse(readFileSync(join(DIR, '.vite', name), 'utf8'));
const sdk = json('manifest.json');
const worker = json('worker-manifest.json');
const table = json('built-files.json');

/** Rows: [file, when it is fetched]. Hashed names are shown with <hash> for the 8 characters. */
const rows = [['tacit.js', 'every page (the snippet loads it)']];
for (const entry of Object.values(sdk)) {
  if (entry.file === 'tacit.js') continue;
  const why = entry.src?.includes('debug-log')
    ? 'only with init({ debug: true }): the console log'
    : entry.src?.includes('panel/')
      ? 'only with debug: true and ?tacit-debug: the QA panel'
      : entry.src?.includes('engine/')
        ? 'recommend() with the engine: the worker client'
        : entry.src?.includes('reports/')
          ? 'with consent and `server` set: the segment report'
          : 'lazy chunk';
  rows.push([entry.file, why]);
}
for (const entry of Object.values(worker)) rows.push([entry.file, entry.isEntry ? 'the engine worker' : 'the worker: transformers.js']);
const ORT = { 'ort/ort-wasm-simd-threaded': 'WASM backend: ORT, plain SIMD build', 'ort/ort-wasm-simd-threaded.asyncify': 'only when WebGPU is used: ORT, asyncify build' };
for (const [base, why] of Object.entries(ORT)) for (const ext of ['mjs', 'wasm']) rows.push([table[`${base}.${ext}`].file, why]);
for (const [name, { file }] of Object.entries(table)) {
  if (name.startsWith('models/') && !name.endsWith('/manifest.json')) rows.push([file, `the model ${name.split('/')[1]}`]);
}

const size = (file) => (existsSync(join(DIR, file)) ? statSync(join(DIR, file)).size.toLocaleString('en-US') : '–');
const shown = (file) => file.replace(/-[A-Za-z0-9_-]{8}(\.[a-z_]+)$/, '-<hash>$1');
console.log('| file (under /tacit/) | fetched | raw B | gzip B | brotli B | Cache-Control |');
console.log('|---|---|---:|---:|---:|---|');
for (const [file, why] of rows) {
  const cache = isHashedName(file) ? 'immutable, 1 year' : 'no-cache + ETag';
  console.log(`| \`${shown(file)}\` | ${why} | ${size(file)} | ${size(`${file}.gz`)} | ${size(`${file}.br`)} | ${cache} |`);
}
