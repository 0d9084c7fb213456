// Where the benchmarks read and write.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS_DIR = resolve(ROOT, 'bench/results');
/** Scratch files (generated models, bench worker build, databases); gitignored. */
export const TMP_DIR = resolve(ROOT, 'bench/results/tmp');
export const DIST_TACIT = resolve(ROOT, 'dist/tacit');
export const MINILM_DIR = resolve(TMP_DIR, 'minilm');
