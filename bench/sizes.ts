// Benchmark 1: what a shopper downloads, gzip and brotli. Reuses scripts/sizes.js (snippet, SDK's static
// closure); the worker's full closure (lazy chunks included: the worker always loads transformers.js),
// ORT's runtime and the model folder are measured here.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
// @ts-expect-error: plain JS module without types
import { compressedSizes, measureBundle } from '../scripts/sizes.js';
import { DEFAULT_MODEL_ID } from '../model/default.ts';
import { atMost, failed, type BenchResult } from './lib/results.ts';
import { DIST_TACIT, TMP_DIR } from './lib/paths.ts';

interface Sizes {
  raw: number;
  gzip: number;
  brotli: number;
}
type Manifest = Record<string, { file: string; imports?: string[]; dynamicImports?: string[] }>;

/**
 * Brotli at quality 11 takes minutes for ORT's 27 MB .wasm on these machines, so files larger than this
 * are compressed at quality 9 (about 15 % larger than q11 for the .wasm); rows say so.
 */
const BROTLI_Q11_MAX_BYTES = 4 * 1024 * 1024;
const CACHE_FILE = join(TMP_DIR, 'sizes-cache.json');

/** Compressed sizes by content hash: unchanged files (ORT, the model) are not recompressed on every run. */
function loadCache(): Record<string, Sizes> {
  try {
    return JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as Record<string, Sizes>;
  } catch {
    return {};
  }
}
const cache = loadCache();
let usedQ9 = false;

function sizesOf(bytes: Buffer): Sizes {
  const key = createHash('sha256').update(bytes).digest('hex');
  if (cache[key]) {
    if (bytes.length > BROTLI_Q11_MAX_BYTES) usedQ9 = true;
    return cache[key];
  }
  let sizes: Sizes;
  if (bytes.length <= BROTLI_Q11_MAX_BYTES) sizes = (compressedSizes as (b: Buffer) => Sizes)(bytes);
  else {
    usedQ9 = true;
    sizes = {
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }).length,
    };
  }
  cache[key] = sizes;
  return sizes;
}

/** Files an entry can ever load: static and dynamic imports, transitively. */
function fullClosure(manifest: Manifest, entryKey: string): string[] {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const dep of [...(manifest[key].imports ?? []), ...(manifest[key].dynamicImports ?? [])]) visit(dep);
  };
  visit(entryKey);
  return [...seen].map((key) => manifest[key].file);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** Each file compressed on its own (as a server sends them), summed. */
function sumOfFiles(files: string[]): Sizes {
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const file of files) {
    const s = sizesOf(readFileSync(file));
    total.raw += s.raw;
    total.gzip += s.gzip;
    total.brotli += s.brotli;
  }
  return total;
}

function rows(name: string, measure: () => Sizes, note: string, gzipGoal?: number): BenchResult[] {
  usedQ9 = false;
  const s = measure();
  const gz: BenchResult = { name: `${name} (gzip)`, unit: 'B', value: s.gzip, note: `${note}; raw ${s.raw.toLocaleString('en-US')} B` };
  const br: BenchResult = { name: `${name} (brotli)`, unit: 'B', value: s.brotli };
  if (usedQ9) br.note = `brotli quality 9 for files > ${BROTLI_Q11_MAX_BYTES / 1024 / 1024} MiB (q11 takes minutes), else 11`;
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
  const bundle = measureBundle(dir) as Record<string, (Sizes & { files: string[] }) | null>;
  attempt('snippet', () => rows('size: snippet', () => bundle.snippet!, 'snippet.min.js', 600));
  attempt('SDK', () => {
    const sdk = bundle.sdk;
    if (!sdk) throw new Error('src/loader.ts is not in the vite manifest');
    return rows('size: main-thread SDK', () => sdk, `static closure of tacit.js: ${sdk.files.join(', ')}`, 10_000);
  });
  attempt('worker JS', () => {
    const manifest = JSON.parse(readFileSync(join(dir, '.vite/manifest.json'), 'utf8')) as Manifest;
    const chunks = fullClosure(manifest, 'worker/engine.worker.ts').map((f) => join(dir, f));
    const ortGlue = filesUnder(join(dir, 'ort')).filter((f) => f.endsWith('.mjs'));
    const files = [...chunks, ...ortGlue];
    return rows('size: worker JS', () => sumOfFiles(files), `${files.length} files: worker.js + static and lazy chunks + ORT's .mjs glue; no .wasm`);
  });
  attempt('ORT wasm', () => {
    const wasm = filesUnder(join(dir, 'ort')).filter((f) => f.endsWith('.wasm'));
    if (wasm.length === 0) throw new Error('no .wasm in dist/tacit/ort');
    return rows('size: ORT .wasm', () => sumOfFiles(wasm), wasm.map((f) => relative(dir, f)).join(', '));
  });
  attempt('default model', () => {
    const files = filesUnder(join(dir, 'models', DEFAULT_MODEL_ID));
    return rows(`size: default model (${DEFAULT_MODEL_ID})`, () => sumOfFiles(files), `${files.length} files, each compressed on its own`);
  });
  try {
    mkdirSync(TMP_DIR, { recursive: true });
    writeFileSync(CACHE_FILE, JSON.stringify(cache));
  } catch {
    // the cache only saves time
  }
  return out;
}
