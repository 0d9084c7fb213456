// A small static file server for the demo and the browser tests. It serves Tacit's files the way a shop
// should (same origin, correct MIME types for .wasm and .onnx):
//   - content-hashed files (name-<8 hash characters>.ext, as the builds name them) are cached forever:
//     Cache-Control: public, max-age=31536000, immutable
//   - every other file (tacit.js, pages, images) is revalidated: Cache-Control: no-cache with an ETag
//     and Last-Modified, answered 304 Not Modified when unchanged
//   - the build's precompressed FILE.br / FILE.gz is sent when Accept-Encoding allows (Vary: Accept-Encoding)
// It can also send COOP/COEP headers, which make the page crossOriginIsolated so ORT can use WASM threads,
// and report every response with its size on the wire (onResponse), for the benchmarks.

import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.vec': 'application/octet-stream',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/**
 * Whether a file name carries a content hash: '-' and 8 characters of rolldown's [hash] alphabet before
 * the extension, at least one of them a digit or a capital (so 'demo-checkout.js' is not taken for one).
 */
export function isHashedName(path) {
  const match = /-([A-Za-z0-9_-]{8})\.[A-Za-z0-9]+(?:_[a-z]+)?$/.exec(basename(path));
  return match !== null && /[0-9A-Z]/.test(match[1]);
}

/** The encodings the client accepts, from its Accept-Encoding header ('br;q=0' refuses br). */
export function acceptedEncodings(header) {
  const accepted = new Set();
  for (const part of String(header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && (!q || Number(q.slice(2)) > 0)) accepted.add(name);
  }
  return accepted;
}

const VARIANTS = [
  { encoding: 'br', ext: '.br' },
  { encoding: 'gzip', ext: '.gz' },
];

/** The file to send for `file`: its precompressed variant when the client accepts one. */
function chooseVariant(file, acceptEncoding) {
  const accepted = acceptedEncodings(acceptEncoding);
  let anyVariant = false;
  for (const { encoding, ext } of VARIANTS) {
    const stat = safeStat(file + ext);
    if (!stat?.isFile()) continue;
    anyVariant = true;
    if (accepted.has(encoding) || accepted.has('*')) return { path: file + ext, stat, encoding, anyVariant };
  }
  return { path: file, stat: safeStat(file), encoding: null, anyVariant };
}

const etagOf = (stat) => `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`;

/** True when the client's cached copy (If-None-Match, else If-Modified-Since) is still this one. */
function notModified(req, etag, stat) {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch) return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(stat.mtimeMs / 1000) * 1000 <= since;
}

/**
 * @param {import('./static-server.d.ts').StaticServerOptions} options
 *   mounts are tried longest prefix first; `onRequest` may handle a request itself by returning true.
 */
export function startStaticServer({ mounts, port = 0, host = '127.0.0.1', isolated = false, headers = {}, onRequest, onResponse }) {
  const sorted = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length).map((m) => ({ ...m, dir: resolve(m.dir) }));
  const server = createServer((req, res) => {
    if (onResponse) reportWhenFinished(req, res, onResponse);
    if (onRequest?.(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end('bad path');
      return;
    }
    const mount = sorted.find((m) => pathname.startsWith(m.prefix));
    if (!mount || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(mount ? 405 : 404).end();
      return;
    }
    let file = normalize(join(mount.dir, pathname.slice(mount.prefix.length)));
    if (file !== mount.dir && !file.startsWith(mount.dir + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (safeStat(file)?.isDirectory()) file = join(file, 'index.html');
    if (!safeStat(file)?.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const variant = chooseVariant(file, req.headers['accept-encoding']);
    const etag = etagOf(variant.stat);
    const head = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': isHashedName(file) ? IMMUTABLE : REVALIDATE,
      etag,
      'last-modified': new Date(variant.stat.mtimeMs).toUTCString(),
      ...(variant.anyVariant ? { vary: 'Accept-Encoding' } : {}),
      ...(variant.encoding ? { 'content-encoding': variant.encoding } : {}),
      ...headers,
    };
    if (isolated) {
      head['cross-origin-opener-policy'] = 'same-origin';
      head['cross-origin-embedder-policy'] = 'require-corp';
      head['cross-origin-resource-policy'] = 'same-origin';
    }
    if (notModified(req, etag, variant.stat)) {
      delete head['content-type'];
      delete head['content-encoding'];
      send(res, 304, head).end();
      return;
    }
    send(res, 200, { ...head, 'content-length': variant.stat.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(variant.path).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolvePromise({
        server,
        url: `http://${host}:${typeof address === 'object' && address ? address.port : port}`,
        close: () =>
          new Promise((r) => {
            server.close(() => r(undefined));
            server.closeIdleConnections?.();
          }),
      });
    });
  });
}

/**
 * Reports a response once sent: its bytes on the wire (status line, headers and body as sent, i.e.
 * compressed) are what its socket wrote meanwhile; HTTP/1.1 sends one response at a time per socket.
 */
function reportWhenFinished(req, res, onResponse) {
  const socket = req.socket;
  const before = socket.bytesWritten;
  res.once('finish', () => {
    onResponse({
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://x').pathname,
      status: res.statusCode,
      encoding: res.getHeader('content-encoding') ?? null,
      cacheControl: res.getHeader('cache-control') ?? null,
      bytes: socket.bytesWritten - before,
    });
  });
}

/** writeHead through setHeader, so onResponse can read the headers back (getHeader). */
function send(res, status, head) {
  for (const [name, value] of Object.entries(head)) res.setHeader(name, value);
  return res.writeHead(status);
}

function safeStat(file) {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}
