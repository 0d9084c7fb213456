// Routing-safe request rules, over real sockets (issue 15, item 3 and "no cap on concurrent
// connections"): the Origin allow-list and the content rules hold for whatever request target reaches
// a route — percent-encoded paths, absolute-form targets — and the server holds a bounded number of
// connections.
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { writeReportBody } from '../../protocol/report.ts';
import { counters, EPOCH0, makeTestServer, type TestServer } from './helpers.ts';
import { rawRequest } from './raw-http.ts';

let server: TestServer;
let port: number;
afterEach(async () => {
  await server.close();
});

async function listen(overrides: Parameters<typeof makeTestServer>[0] = {}): Promise<void> {
  server = await makeTestServer(overrides);
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  port = (server.app.server.address() as AddressInfo).port;
}

const EVIL = 'Origin: https://evil.example';
const report = () => writeReportBody({ taxonomy: 1, epoch: EPOCH0, segments: [1, 2, 0] });

describe('the Origin allow-list on every route, whatever the request target', () => {
  it.each([
    ['a percent-encoded "v"', 'POST /%761/reports HTTP/1.1'],
    ['a percent-encoded "v1"', 'POST /%76%31/reports HTTP/1.1'],
    ['an encoded slash', 'POST /v1%2Freports HTTP/1.1'],
    ['a doubled slash', 'POST //v1/reports HTTP/1.1'],
    ['the plain path', 'POST /v1/reports HTTP/1.1'],
  ])('refuses a report from another origin through %s (403), counting nothing', async (_name, requestLine) => {
    await listen();
    const response = await rawRequest(port, `${requestLine}\r\nHost: x\r\nContent-Type: text/plain\r\n${EVIL}`, report());
    expect(response?.status).toBe(403);
    expect(JSON.parse(response!.body).error).toBe('origin_not_allowed');
    expect(response?.headers['access-control-allow-origin']).toBeUndefined();
    expect(counters(server.db)).toEqual({ reports: [], counts: [] });
  });

  it.each([
    ['an absolute-form target', 'POST http://x/v1/reports HTTP/1.1'],
    ['an absolute-form target on another host', 'POST http://tacit.example:8787/v1/reports HTTP/1.1'],
    ['an absolute-form percent-encoded target', 'POST http://x/%76%31/reports HTTP/1.1'],
  ])('refuses %s with 400, with or without Origin', async (_name, requestLine) => {
    await listen();
    for (const origin of [EVIL, 'Origin: http://localhost:5173', 'X-No-Origin: 1']) {
      const response = await rawRequest(port, `${requestLine}\r\nHost: x\r\nContent-Type: text/plain\r\n${origin}`, report());
      expect(response?.status).toBe(400);
      expect(JSON.parse(response!.body).error).toBe('absolute_form_target');
    }
    expect(counters(server.db)).toEqual({ reports: [], counts: [] });
  });

  it.each([
    ['GET /%76%31/params HTTP/1.1'],
    ['GET /v1/aggregates HTTP/1.1'],
    ['GET /%76%31/aggregates HTTP/1.1'],
    ['GET / HTTP/1.1'],
    ['GET /health HTTP/1.1'],
    ['OPTIONS /%76%31/reports HTTP/1.1'],
  ])('refuses another origin on %s too', async (requestLine) => {
    await listen();
    const response = await rawRequest(port, `${requestLine}\r\nHost: x\r\n${EVIL}`);
    expect(response?.status).toBe(403);
    expect(response?.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('applies the content rules through an encoded path: a JSON body is 415, a token request is not a report', async () => {
    await listen();
    const json = await rawRequest(port, 'POST /%76%31/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json', report());
    expect(json?.status).toBe(415);
    const tokenType = await rawRequest(port, 'POST /%76%31/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/private-token-request', report());
    expect(tokenType?.status).toBe(415);
    expect(counters(server.db)).toEqual({ reports: [], counts: [] });
    // The allowed origin through the encoded path is served as usual.
    const allowed = await rawRequest(port, 'POST /%76%31/reports HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nOrigin: http://localhost:5173', report());
    expect(allowed?.status).toBe(202);
    expect(allowed?.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });
});

describe('connection cap', () => {
  function open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
      socket.on('error', reject);
    });
  }

  it('holds at most TACIT_MAX_CONNECTIONS connections; the next one is closed unanswered, and served again once one ends', async () => {
    await listen({ maxConnections: 3 });
    const held = await Promise.all([open(), open(), open()]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await rawRequest(port, 'GET /v1/params HTTP/1.1\r\nHost: x');
    expect(refused).toBeNull(); // closed without a response
    held[0].destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await rawRequest(port, 'GET /v1/params HTTP/1.1\r\nHost: x'))?.status).toBe(200);
    for (const socket of held) socket.destroy();
  });
});
