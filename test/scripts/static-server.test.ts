// The demo's static server serves Tacit's files as README's "Serving Tacit" says a shop should: hashed
// files cached forever, the rest revalidated (304), the precompressed variant the client accepts.

import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IMMUTABLE,
  REVALIDATE,
  acceptedEncodings,
  isHashedName,
  startStaticServer,
  type ServedResponse,
  type StaticServer,
} from '../../scripts/static-server.js';

let dir: string;
let site: StaticServer;
const served: ServedResponse[] = [];
const BODY = 'export const x = 1;\n'.repeat(200);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-static-'));
  mkdirSync(join(dir, 'chunks'));
  for (const name of ['tacit.js', 'chunks/client-Ab3dE9_z.js']) {
    writeFileSync(join(dir, name), BODY);
    writeFileSync(join(dir, `${name}.br`), brotliCompressSync(BODY));
    writeFileSync(join(dir, `${name}.gz`), gzipSync(BODY));
  }
  writeFileSync(join(dir, 'plain.json'), '{"a":1}');
  utimesSync(join(dir, 'plain.json'), new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
  site = await startStaticServer({ mounts: [{ prefix: '/tacit/', dir }], onResponse: (r) => served.push(r) });
});
afterAll(async () => {
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => fetch(site.url + path, { headers, method });

describe('file names', () => {
  it('takes name-<8 hash characters>.ext for a hashed file, and nothing else', () => {
    for (const name of ['worker-6s7DOq_h.js', 'chunks/transformers.web-BcWd2Ms-.js', 'ort/ort-wasm-simd-threaded.asyncify-CWa2EFzZ.wasm', 'models/m/onnx/model_quantized-9ZpqUYDI.onnx', 'models/m/onnx/model_quantized-SxpQPg7e.onnx_data']) {
      expect(isHashedName(name), name).toBe(true);
    }
    for (const name of ['tacit.js', 'snippet.min.js', 'tokenizer_config.json', 'demo-checkout.js', 'catalog.json', 'a-1234567.js']) {
      expect(isHashedName(name), name).toBe(false);
    }
  });

  it("reads Accept-Encoding, q=0 refusing an encoding", () => {
    expect([...acceptedEncodings('gzip, deflate, br, zstd')]).toEqual(['gzip', 'deflate', 'br', 'zstd']);
    expect(acceptedEncodings('br;q=0, gzip;q=0.5').has('br')).toBe(false);
    expect(acceptedEncodings('br;q=0, gzip;q=0.5').has('gzip')).toBe(true);
    expect(acceptedEncodings(undefined).size).toBe(0);
  });
});

describe('caching headers', () => {
  it('caches a hashed file forever', async () => {
    const response = await get('/tacit/chunks/client-Ab3dE9_z.js');
    expect(response.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(await response.text()).toBe(BODY);
  });

  it('revalidates the rest: ETag and Last-Modified, 304 when unchanged', async () => {
    const first = await get('/tacit/plain.json');
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe(REVALIDATE);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-z]+-[0-9a-z]+"$/);
    expect(first.headers.get('last-modified')).toBe('Fri, 02 Jan 2026 03:04:05 GMT');

    const byEtag = await get('/tacit/plain.json', { 'if-none-match': etag });
    expect(byEtag.status).toBe(304);
    expect(await byEtag.text()).toBe('');
    expect(byEtag.headers.get('etag')).toBe(etag);
    const byDate = await get('/tacit/plain.json', { 'if-modified-since': 'Fri, 02 Jan 2026 03:04:05 GMT' });
    expect(byDate.status).toBe(304);
    expect((await get('/tacit/plain.json', { 'if-none-match': '"other"' })).status).toBe(200);
    expect((await get('/tacit/plain.json', { 'if-modified-since': 'Thu, 01 Jan 2026 00:00:00 GMT' })).status).toBe(200);
  });
});

describe('precompressed variants', () => {
  it('sends br, else gzip, else the file, always saying it varies', async () => {
    for (const [accept, encoding] of [
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['identity', null],
    ] as const) {
      // Node's fetch always asks for gzip and br and decodes them itself: ask with a raw request.
      const response = await rawGet('/tacit/tacit.js', accept);
      expect(response.headers['content-encoding'] ?? null, accept).toBe(encoding);
      expect(response.headers.vary).toBe('Accept-Encoding');
      expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(Number(response.headers['content-length'])).toBe(response.body.length);
    }
  });

  it('tells each variant apart by its ETag', async () => {
    const br = await rawGet('/tacit/tacit.js', 'br');
    const gz = await rawGet('/tacit/tacit.js', 'gzip');
    expect(br.headers.etag).not.toBe(gz.headers.etag);
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await get('/tacit/plain.json', {}, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('7');
    expect(await response.text()).toBe('');
  });
});

describe('onResponse', () => {
  it('reports each response with the bytes its socket carried (headers and compressed body)', async () => {
    served.length = 0;
    const response = await rawGet('/tacit/tacit.js', 'br');
    await new Promise((r) => setTimeout(r, 20));
    const entry = served.find((s) => s.path === '/tacit/tacit.js')!;
    expect(entry).toMatchObject({ method: 'GET', status: 200, encoding: 'br', cacheControl: REVALIDATE });
    expect(entry.bytes).toBe(response.headerBytes + response.body.length);
  });
});

/** A GET that sends exactly this Accept-Encoding and hands back the raw (still encoded) body. */
async function rawGet(path: string, acceptEncoding: string) {
  const { request } = await import('node:http');
  return new Promise<{ headers: Record<string, string>; body: Buffer; headerBytes: number }>((resolve, reject) => {
    const req = request(site.url + path, { headers: { 'accept-encoding': acceptEncoding }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const head = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n` + res.rawHeaders.reduce((s, v, i) => s + (i % 2 ? `${v}\r\n` : `${v}: `), '') + '\r\n';
        resolve({ headers: res.headers as Record<string, string>, body: Buffer.concat(chunks), headerBytes: Buffer.byteLength(head) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
