// Benchmark 1: what a shopper downloads, gzip and brotli, each file as the demo's server sends it (the
// build's precompressed .gz/.br; brotli quality 11, quality 9 for files over 16 MiB: the asyncify .wasm).
// The snippet, tacit.js, tacit.js with every lazy chunk a shop page may load (and with the debug ones), the
// worker's JavaScript (its chunks, transformers.js, ORT's .mjs glue), ORT's .wasm builds and the
// default model, from scripts/sizes.js and the build's table (dist/tacit/.vite/built-files.json).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: plain JS module without types
import { measureBundle, sumOfFiles } from '../scripts/sizes.js';
import { DEFAULT_MODEL_ID } from '../model/default.ts';
import { atMost, failed, type BenchResult } from './lib/results.ts';
import { DIST_TACIT } from './lib/paths.ts';

interface Sizes {
  files: string[];
  raw: number;
  gzip: number;
  brotli: number;
}

function rows(name: string, s: Sizes, note: string, gzipGoal?: number): BenchResult[] {
  const gz: BenchResult = { name: `${name} (gzip)`, unit: 'B', value: s.gzip, note: `${note}; raw ${s.raw.toLocaleString('en-US')} B` };
  const br: BenchResult = { name: `${name} (brotli)`, unit: 'B', value: s.brotli };
  return [gzipGoal ? atMost(gz, gzipGoal) : gz, br];
}

export function benchSizes(dir = DIST_TACIT): BenchResult[] {
  const out: BenchResult[] = [];
  const attempt = (name: string, f: () => BenchResult[]) => {
    try {
      out.push(...f());
    } catch (error) {
      out.push(failed(name, 'B', error));
    }
  };
  const bundle = measureBundle(dir) as Record<string, Sizes | null>;
  const table = JSON.parse(readFileSync(join(dir, '.vite/built-files.json'), 'utf8')) as Record<string, { file: string }>;
  const built = (names: string[]) => names.map((name) => table[name]?.file ?? name);
  const required = (s: Sizes | null, what: string) => {
    if (!s) throw new Error(`${what} is not in the build's manifest`);
    return s;
  };
  attempt('snippet', () => rows('size: snippet', bundle.snippet!, 'snippet.min.js', 600));
  attempt('SDK', () => {
    const sdk = required(bundle.sdk, 'tacit.js');
    return rows('size: main-thread SDK, tacit.js', sdk, `what the snippet loads: ${sdk.files.join(', ')}`, 10_000);
  });
  attempt('main thread', () => {
    const all = required(bundle.mainThread, 'tacit.js');
    // The goal is per shop page: debug-log and the QA panel load only for QA (debug: true, ?tacit-debug).
    const debugOnly = (file: string) => /chunks\/(debug-log|panel)-/.test(file);
    const page = sumOfFiles(dir, all.files.filter((file) => !debugOnly(file))) as Sizes;
    return [
      ...rows('size: main-thread JS, the most a shop page runs (tacit.js + every lazy chunk but debug)', page, `${page.files.join(', ')}: popularity before a grant, the worker's client after it, on one page`, 15_000),
      ...rows('size: main-thread JS with debug: true and the QA panel open', all, `QA only: ${all.files.filter(debugOnly).join(', ')} on top`),
    ];
  });
  attempt('worker JS', () => {
    const worker = required(bundle.worker, 'the worker');
    const files = [...worker.files, ...built(['ort/ort-wasm-simd-threaded.mjs'])];
    return rows('size: worker JS', sumOfFiles(dir, files), `${files.length} files: the worker, its chunks (transformers.js), ORT's .mjs glue (plain build)`);
  });
  attempt('ORT wasm', () => [
    ...rows('size: ORT .wasm, plain SIMD build (WASM backend)', sumOfFiles(dir, built(['ort/ort-wasm-simd-threaded.wasm'])), built(['ort/ort-wasm-simd-threaded.wasm'])[0]!),
    ...rows('size: ORT .wasm, asyncify build (WebGPU only)', sumOfFiles(dir, built(['ort/ort-wasm-simd-threaded.asyncify.wasm'])), 'fetched only when WebGPU is used; brotli quality 9 (over 16 MiB)'),
  ]);
  attempt('default model', () => {
    const prefix = `models/${DEFAULT_MODEL_ID}/`;
    const files = Object.keys(table).filter((name) => name.startsWith(prefix) && !name.endsWith('/manifest.json'));
    return rows(`size: default model (${DEFAULT_MODEL_ID})`, sumOfFiles(dir, built(files)), `${files.map((f) => f.slice(prefix.length)).join(', ')}, each compressed on its own`);
  });
  return out;
}
