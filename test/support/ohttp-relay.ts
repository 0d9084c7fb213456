// A tiny Oblivious HTTP relay (RFC 9458 §6.2) for tests: it takes message/ohttp-req from browsers
// (CORS, with the preflight its media type needs), forwards the body and its Content-Type, and nothing
// else, to one gateway, and hands back the gateway's answer. What a real relay must also do, it does:
// no Origin, Cookie, User-Agent, Referer, Forwarded or X-Forwarded-For towards the gateway. Its own
// outgoing connections can leave from another loopback address (`localAddress`, e.g. 127.0.0.2), so a
// test can tell on the server which connection a request came over: the relay's or the page's.

import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RelayExchange {
  /** the client's address, as the relay sees it (the gateway never does) */
  client: string | undefined;
  contentType: string | undefined;
  bytes: number;
  /** the gateway's status, or the relay's own when it did not forward */
  status: number;
}

export interface TestRelay {
  /** where devices post (the relay resource) */
  url: string;
  /** every POST it took, in order */
  exchanges: RelayExchange[];
  /** From now on answer every POST with this status without forwarding (null: forward again). */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

export async function startTestRelay(options: { gateway: string; localAddress?: string }): Promise<TestRelay> {
  const exchanges: RelayExchange[] = [];
  let failure: number | null = null;
  const gateway = new URL(options.gateway);

  const server = createServer(async (req, res) => {
    const origin = req.headers.origin;
    const cors = { 'access-control-allow-origin': origin ?? '*', vary: 'Origin' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'Content-Type', 'access-control-max-age': '600' }).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { ...cors, allow: 'POST, OPTIONS' }).end();
      return;
    }
    const body = await readBody(req);
    const exchange: RelayExchange = { client: req.socket.remoteAddress, contentType: req.headers['content-type'], bytes: body?.length ?? -1, status: 0 };
    exchanges.push(exchange);
    if (body === null || req.headers['content-type'] !== 'message/ohttp-req') {
      exchange.status = body === null ? 413 : 415;
      res.writeHead(exchange.status, cors).end();
      return;
    }
    if (failure !== null) {
      exchange.status = failure;
      res.writeHead(failure, cors).end();
      return;
    }
    const forward = httpRequest(
      {
        host: gateway.hostname,
        port: gateway.port,
        path: gateway.pathname,
        method: 'POST',
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        // Only what carries the encapsulated request: nothing about the client.
        headers: { 'content-type': 'message/ohttp-req', 'content-length': String(body.length) },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          exchange.status = answer.statusCode ?? 502;
          const type = answer.headers['content-type'];
          res.writeHead(exchange.status, { ...cors, 'cache-control': 'no-store', ...(type ? { 'content-type': type } : {}) }).end(Buffer.concat(chunks));
        });
      },
    );
    forward.on('error', () => {
      exchange.status = 502;
      if (!res.headersSent) res.writeHead(502, cors).end();
    });
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/relay`,
    exchanges,
    failWith: (status) => void (failure = status),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks)));
    req.on('error', () => resolve(null));
  });
}
