// A small static file server for the demo and the browser tests. It serves Tacit's files the way a shop
// would (same origin, correct MIME types for .wasm and .onnx) and can send COOP/COEP headers, which make
// the page crossOriginIsolated so ORT can use WASM threads.

import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

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
  '.vec': 'application/octet-stream',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * @param {{ mounts: { prefix: string, dir: string }[], port?: number, host?: string, isolated?: boolean,
 *           headers?: Record<string,string>, onRequest?: (req: import('node:http').IncomingMessage) => boolean | void }} options
 *   mounts are tried longest prefix first; `onRequest` may handle a request itself by returning true.
 */
export function startStaticServer({ mounts, port = 0, host = '127.0.0.1', isolated = false, headers = {}, onRequest }) {
  const sorted = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length).map((m) => ({ ...m, dir: resolve(m.dir) }));
  const server = createServer((req, res) => {
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
    let stat = safeStat(file);
    if (stat?.isDirectory()) {
      file = join(file, 'index.html');
      stat = safeStat(file);
    }
    if (!stat?.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const head = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': stat.size,
      'cache-control': 'no-cache',
      ...headers,
    };
    if (isolated) {
      head['cross-origin-opener-policy'] = 'same-origin';
      head['cross-origin-embedder-policy'] = 'require-corp';
      head['cross-origin-resource-policy'] = 'same-origin';
    }
    res.writeHead(200, head);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolvePromise({
        server,
        url: `http://${host}:${typeof address === 'object' && address ? address.port : port}`,
        close: () => new Promise((r) => server.close(() => r(undefined))),
      });
    });
  });
}

function safeStat(file) {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}
