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
  const src = entry.src ?? entry.file;
  const why = src.includes('debug-log')
    ? 'only with init({ debug: true }): the console log'
    : src.includes('panel/')
      ? 'only with debug: true and ?tacit-debug: the QA panel'
      : src.includes('engine/client')
        ? 'after a grant: the worker\'s client'
        : src.includes('engine/fallback')
          ? 'recommend() before a grant (or when the worker cannot answer): popularity from the catalogue'
          : src.includes('recommend-options')
            ? 'recommend(): its options checked (shared by the two above)'
            : 'a page chunk';
  rows.push([entry.file, why]);
}
for (const entry of Object.values(worker)) {
  const src = entry.src ?? entry.file;
  const why = entry.isEntry
    ? 'after a grant: the engine worker'
    : src.includes('transformers')
      ? 'the worker, only for transformer models: transformers.js'
      : src.includes('privacypass') || src.includes('protocol/token')
        ? 'the worker, when the server issues report tokens: Privacy Pass'
        : src.includes('ohttp') || src.includes('@hpke')
          ? 'the worker, only with privacy.ohttp: Oblivious HTTP'
          : src.includes('vite-browser-external')
            ? 'the worker, with Privacy Pass (an empty stand-in for Node\'s crypto)'
            : 'the worker (its shared code)';
  rows.push([entry.file, why]);
}
const ORT = { 'ort/ort-wasm-simd-threaded': 'only for transformer models on WASM: ORT, plain SIMD build', 'ort/ort-wasm-simd-threaded.asyncify': 'only for transformer models on WebGPU: ORT, asyncify build' };
for (const [base, why] of Object.entries(ORT)) for (const ext of ['mjs', 'wasm']) rows.push([table[`${base}.${ext}`].file, why]);
for (const [name, { file }] of Object.entries(table)) {
  if (!name.startsWith('models/') || name.endsWith('/manifest.json')) continue;
  // The static default model is one file (its int8 rows, with their vocabulary); the rest is what
  // transformers.js would read, fetched only if the model runs through it.
  const runtimeFile = /\.onnx_data$|config\.json$/.test(name) && !name.includes('tokenizer_config');
  rows.push([file, runtimeFile ? `the model ${name.split("/")[1]} (with a matching vector file: only at the first search or a new item)` : `the model ${name.split('/')[1]} through transformers.js only`]);
}

const size = (file) => (existsSync(join(DIR, file)) ? statSync(join(DIR, file)).size.toLocaleString('en-US') : '–');
const shown = (file) => file.replace(/-[A-Za-z0-9_-]{8}(\.[a-z_]+)$/, '-<hash>$1');
console.log('| file (under /tacit/) | fetched | raw B | gzip B | brotli B | Cache-Control |');
console.log('|---|---|---:|---:|---:|---|');
for (const [file, why] of rows) {
  const cache = isHashedName(file) ? 'immutable, 1 year' : 'no-cache + ETag';
  console.log(`| \`${shown(file)}\` | ${why} | ${size(file)} | ${size(`${file}.gz`)} | ${size(`${file}.br`)} | ${cache} |`);
}
