// Writes FILE.br and FILE.gz beside every compressible file of a build, so a static server can send the
// compressed bytes without compressing on each request (scripts/static-server.js does).
//
// Brotli at quality 11 (window 24) takes close to a minute for ORT's 13 MB .wasm on these machines, so
// results are kept by content hash in node_modules/.cache/tacit-precompress/: a file that did not change
// (ORT, the model) is compressed once per checkout. Files over BROTLI_Q11_MAX_BYTES (only the 27 MB
// asyncify .wasm, used for WebGPU alone) get quality 9. A variant is kept only if it is smaller.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Source maps are left out: only developer tools fetch them. */
export const COMPRESSIBLE = /\.(?:js|mjs|wasm|json|onnx|onnx_data|bin|vec|css|html|svg|txt)$/;
export const BROTLI_Q11_MAX_BYTES = 16 * 1024 * 1024;
/** Below this, compression saves less than a packet's worth. */
const MIN_BYTES = 256;

const CACHE_DIR = fileURLToPath(new URL('../node_modules/.cache/tacit-precompress/', import.meta.url));

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.startsWith('.vite'))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

async function compressed(bytes, kind) {
  const key = createHash('sha256').update(bytes).digest('hex');
  const quality = bytes.length <= BROTLI_Q11_MAX_BYTES ? 11 : 9;
  const cached = join(CACHE_DIR, `${key}.${kind}${kind === 'br' ? quality : ''}`);
  if (existsSync(cached)) return readFileSync(cached);
  const out =
    kind === 'br'
      ? await brotli(bytes, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: quality,
            [constants.BROTLI_PARAM_LGWIN]: 24,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        })
      : await gz(bytes, { level: 9 });
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(cached, out);
  } catch {
    // the cache only saves time
  }
  return out;
}

/**
 * Precompresses every compressible file under `dir` (except .vite/ and existing .br/.gz), biggest first
 * so the long brotli runs start early; zlib runs them on libuv's thread pool, in parallel.
 * @returns {Promise<{ file: string, raw: number, gzip: number | null, brotli: number | null }[]>}
 */
export async function precompressDir(dir) {
  const files = filesUnder(dir)
    .filter((f) => COMPRESSIBLE.test(f))
    .map((f) => ({ f, size: statSync(f).size }))
    .filter(({ size }) => size >= MIN_BYTES)
    .sort((a, b) => b.size - a.size);
  return Promise.all(
    files.map(async ({ f }) => {
      const bytes = readFileSync(f);
      const row = { file: f, raw: bytes.length, gzip: null, brotli: null };
      for (const kind of ['br', 'gz']) {
        const out = await compressed(bytes, kind);
        if (out.length >= bytes.length) continue;
        writeFileSync(`${f}.${kind}`, out);
        row[kind === 'br' ? 'brotli' : 'gzip'] = out.length;
      }
      return row;
    }),
  );
}
