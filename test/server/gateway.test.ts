// The server as an Oblivious HTTP gateway (RFC 9458), over real sockets: reports encapsulated as a
// device does (protocol/ohttp.ts, protocol/binary-http.ts) are counted exactly as direct ones, through
// the test relay too; no other inner route gets through; a bad encapsulation is a 4xx in the clear;
// the key comes from TACIT_OHTTP_KEY and survives a restart.

import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicVerif } from '@cloudflare/privacypass-ts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeResponse, encodeRequest, fieldValue, type BinaryHttpResponse } from '../../protocol/binary-http.ts';
import { decodeKeyConfig, decodeKeyConfigs, encapsulateRequest, OHTTP_KEY_PROBLEM, OHTTP_PAD_TO, type KeyConfig } from '../../protocol/ohttp.ts';
import { decodeBase64Url, encodeBase64Url, parseTokenParams, TOKEN_REQUEST_MEDIA_TYPE } from '../../protocol/token-params.ts';
import { reportTokenChallenge, TOKEN_MODE } from '../../protocol/token.ts';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { startTestRelay } from '../support/ohttp-relay.ts';
import { counters, EPOCH0, makeTestServer, reportBody, WEEK, type TestServer } from './helpers.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-gateway-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let server: TestServer;
let base: string;
afterEach(async () => {
  await server?.close();
});

async function gatewayServer(overrides: Parameters<typeof makeTestServer>[0] = {}): Promise<KeyConfig> {
  server = await makeTestServer({ ohttpGateway: true, ...overrides });
  base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  const keys = await fetch(`${base}/v1/ohttp-keys`);
  return decodeKeyConfigs(new Uint8Array(await keys.arrayBuffer()))[0];
}

type InnerRequest = { method?: string; path?: string; contentType?: string | null; body?: string | Uint8Array };

/** What the device does: the inner request as binary HTTP, encapsulated, posted; the answer opened. */
async function throughGateway(config: KeyConfig, inner: InnerRequest, url = `${base}/v1/gateway`): Promise<BinaryHttpResponse & { outer: Response; json: () => any }> {
  const content = typeof inner.body === 'string' ? new TextEncoder().encode(inner.body) : (inner.body ?? new Uint8Array(0));
  const contentType = inner.contentType === undefined ? 'text/plain' : inner.contentType;
  const message = encodeRequest(
    { method: inner.method ?? 'POST', scheme: 'https', authority: 'stats.shop.example', path: inner.path ?? '/v1/reports', headers: contentType ? [['content-type', contentType]] : [], content },
    OHTTP_PAD_TO,
  );
  const sent = await encapsulateRequest(config, message);
  const outer = await fetch(url, { method: 'POST', headers: { 'content-type': 'message/ohttp-req' }, body: sent.encapsulated as Uint8Array<ArrayBuffer> });
  expect(outer.status).toBe(200);
  expect(outer.headers.get('content-type')).toBe('message/ohttp-res');
  expect(outer.headers.get('cache-control')).toBe('no-store');
  const response = decodeResponse(await sent.openResponse(new Uint8Array(await outer.arrayBuffer())));
  return { ...response, outer, json: () => JSON.parse(new TextDecoder().decode(response.content)) };
}

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const reportsCounted = () => (server.db.prepare('SELECT COALESCE(SUM(reports), 0) AS n FROM epoch_reports').get() as { n: number }).n;

describe('GET /v1/ohttp-keys', () => {
  it('publishes one X25519 key configuration as application/ohttp-keys, cacheable', async () => {
    const config = await gatewayServer();
    const response = await fetch(`${base}/v1/ohttp-keys`);
    expect(response.headers.get('content-type')).toBe('application/ohttp-keys');
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(config).toMatchObject({ kemId: 0x20, suites: [{ kdfId: 1, aeadId: 1 }] });
    expect(server.app.ohttpKeyConfig).toBe(encodeBase64Url(new Uint8Array((await response.arrayBuffer()).slice(2))));
  });

  it('the gateway is off unless configured: both routes are 404', async () => {
    server = await makeTestServer();
    expect((await server.app.inject({ url: '/v1/ohttp-keys' })).statusCode).toBe(404);
    expect((await server.app.inject({ method: 'POST', url: '/v1/gateway', headers: { 'content-type': 'text/plain' }, payload: 'x' })).statusCode).toBe(404);
    expect(server.app.ohttpKeyConfig).toBeUndefined();
  });
});

describe('POST /v1/gateway: the report inside', () => {
  it('counts an encapsulated report like a direct one, and a replay of it once', async () => {
    const config = await gatewayServer();
    const before = counters(server.db);
    const body = reportBody(EPOCH0, [3, 7, 0]);
    const answer = await throughGateway(config, { body });
    expect(answer.status).toBe(202);
    expect(answer.json()).toEqual({ ok: true, epoch: EPOCH0 });
    expect(fieldValue(answer.headers, 'content-type')).toMatch(/^application\/json/);
    expect(reportsCounted()).toBe(1);
    expect(counters(server.db)).not.toEqual(before);
    // A relay may replay what it forwarded (RFC 9458 §6.5): the report's nonce makes that harmless.
    expect((await throughGateway(config, { body })).status).toBe(202);
    expect(reportsCounted()).toBe(1);
  });

  it('through the test relay: counted, and the gateway saw only the relay\'s connection', async () => {
    const config = await gatewayServer();
    const relay = await startTestRelay({ gateway: `${base}/v1/gateway`, localAddress: '127.0.0.2' });
    const peers: (string | undefined)[] = [];
    server.app.server.on('request', (req) => peers.push(req.socket.remoteAddress));
    try {
      const answer = await throughGateway(config, { body: reportBody(EPOCH0, [1, 2, 3]) }, relay.url);
      expect(answer.status).toBe(202);
      expect(reportsCounted()).toBe(1);
      expect(relay.exchanges).toEqual([{ client: '127.0.0.1', contentType: 'message/ohttp-req', bytes: 7 + 32 + OHTTP_PAD_TO + 16, status: 200 }]);
      expect(peers).toEqual(['127.0.0.2']);
    } finally {
      await relay.close();
    }
  });

  it('answers the report route\'s refusals inside, with their fields: 400, 415, 422, 413', async () => {
    const config = await gatewayServer();
    const invalid = await throughGateway(config, { body: '{"taxonomy":1}' });
    expect([invalid.status, invalid.json().error]).toEqual([400, 'invalid_report']);
    const type = await throughGateway(config, { body: reportBody(EPOCH0, [1, 2, 3]), contentType: 'application/json' });
    expect(type.status).toBe(415);
    const none = await throughGateway(config, { body: reportBody(EPOCH0, [1, 2, 3]), contentType: null });
    expect(none.status).toBe(415);
    const future = await throughGateway(config, { body: reportBody(EPOCH0 + 5, [1, 2, 3]) });
    expect([future.status, future.json().error]).toEqual([422, 'epoch_in_future']);
    const large = await throughGateway(config, { body: 'x'.repeat(1500) });
    expect([large.status, large.json().error]).toEqual([413, 'body_too_large']);
    expect(reportsCounted()).toBe(0);
  });

  it('tokens: a 401 carries its WWW-Authenticate challenge inside; a token is spent once', async () => {
    const config = await gatewayServer({ requireToken: true });
    const without = await throughGateway(config, { body: reportBody(EPOCH0, [1, 2, 3]) });
    expect([without.status, without.json().error]).toEqual([401, 'token_required']);
    expect(fieldValue(without.headers, 'www-authenticate')).toMatch(/^PrivateToken challenge="[A-Za-z0-9_-]+", token-key="[A-Za-z0-9_-]+"$/);

    // The token request goes to the issuer directly (not through the gateway), as the device does.
    const params = parseTokenParams((await (await fetch(`${base}/v1/params`)).json()).token)!;
    const client = new publicVerif.Client(TOKEN_MODE);
    const tokenRequest = await client.createTokenRequest(await reportTokenChallenge(params.issuerName, WEEK, EPOCH0), decodeBase64Url(params.tokenKey));
    const issued = await fetch(`${base}${params.requestUri}`, { method: 'POST', headers: { 'content-type': TOKEN_REQUEST_MEDIA_TYPE }, body: tokenRequest.serialize() as Uint8Array<ArrayBuffer> });
    const token = encodeBase64Url((await client.finalize(client.deserializeTokenResponse(new Uint8Array(await issued.arrayBuffer())))).serialize());

    const first = await throughGateway(config, { body: JSON.stringify({ ...JSON.parse(reportBody(EPOCH0, [1, 2, 3])), token }) });
    expect(first.status).toBe(202);
    const again = await throughGateway(config, { body: JSON.stringify({ ...JSON.parse(reportBody(EPOCH0, [4, 5, 6])), token }) });
    expect([again.status, again.json().error]).toEqual([403, 'token_spent']);
    expect(reportsCounted()).toBe(1);
  });

  it('pads every answer to the same size: the relay cannot tell a 202 from a refusal', async () => {
    const config = await gatewayServer({ requireToken: true });
    const sizes = new Set<number>();
    for (const inner of [{ body: reportBody(EPOCH0, [1, 2, 3]) }, { body: 'nonsense' }, { method: 'GET', path: '/v1/params' }]) {
      const answer = await throughGateway(config, inner);
      sizes.add(Number(answer.outer.headers.get('content-length')));
    }
    expect([...sizes]).toEqual([16 + OHTTP_PAD_TO + 16]);
  });
});

describe('POST /v1/gateway: nothing but the report route', () => {
  const refused: [string, InnerRequest][] = [
    ['GET /v1/params', { method: 'GET', path: '/v1/params', contentType: null }],
    ['POST /v1/tokens', { path: '/v1/tokens', contentType: TOKEN_REQUEST_MEDIA_TYPE, body: new Uint8Array(259) }],
    ['GET /v1/aggregates', { method: 'GET', path: '/v1/aggregates', contentType: null }],
    ['GET /v1/reports', { method: 'GET' }],
    ['POST /v1/reports?x=1', { path: '/v1/reports?x=1' }],
    ['POST /%76%31/reports', { path: '/%76%31/reports' }],
    ['POST /v1//reports', { path: '/v1//reports' }],
    ['POST /v1/gateway (itself)', { path: '/v1/gateway', contentType: 'message/ohttp-req' }],
    ['POST /health', { path: '/health' }],
  ];
  for (const [name, inner] of refused) {
    it(`refuses ${name} inside the encrypted answer, counting nothing`, async () => {
      const config = await gatewayServer();
      const before = counters(server.db);
      const answer = await throughGateway(config, { body: reportBody(EPOCH0, [1, 2, 3]), ...inner });
      expect([answer.status, answer.json().error]).toEqual([403, 'route_not_allowed']);
      expect(counters(server.db)).toEqual(before);
    });
  }

  it('an encapsulated message that is not binary HTTP: 400 inside', async () => {
    const config = await gatewayServer();
    const sent = await encapsulateRequest(config, new TextEncoder().encode('POST /v1/reports HTTP/1.1\r\n\r\n'));
    const outer = await fetch(`${base}/v1/gateway`, { method: 'POST', headers: { 'content-type': 'message/ohttp-req' }, body: sent.encapsulated as Uint8Array<ArrayBuffer> });
    const answer = decodeResponse(await sent.openResponse(new Uint8Array(await outer.arrayBuffer())));
    expect(answer.status).toBe(400);
    expect(JSON.parse(new TextDecoder().decode(answer.content)).error).toBe('invalid_binary_http');
  });
});

describe('POST /v1/gateway: bad encapsulations are 4xx in the clear', () => {
  async function post(body: Uint8Array | string, contentType = 'message/ohttp-req', headers: Record<string, string> = {}) {
    const response = await fetch(`${base}/v1/gateway`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body: body as BodyInit });
    return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
  }

  it('not message/ohttp-req, too short, not decrypting, another key id, over the size limit; a foreign Origin', async () => {
    const config = await gatewayServer();
    const log = vi.spyOn(console, 'log');
    const error = vi.spyOn(console, 'error');
    const before = counters(server.db);
    const sent = await encapsulateRequest(config, encodeRequest({ method: 'POST', scheme: 'https', authority: '', path: '/v1/reports', headers: [['content-type', 'text/plain']], content: new TextEncoder().encode(reportBody(EPOCH0, [1, 2, 3])) }));

    expect(await post(reportBody(EPOCH0, [1, 2, 3]), 'text/plain')).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    expect(await post(sent.encapsulated.subarray(0, 40))).toMatchObject({ status: 400, body: { error: 'invalid_encapsulation' } });
    const flipped = sent.encapsulated.slice();
    flipped[60] ^= 1;
    expect(await post(flipped)).toMatchObject({ status: 400, body: { error: 'invalid_encapsulation', message: expect.stringMatching(/does not decrypt/) } });
    const otherKey = sent.encapsulated.slice();
    otherKey[0] ^= 0xff;
    expect(await post(otherKey)).toEqual({ status: 400, type: expect.stringMatching(/^application\/problem\+json/), body: { type: OHTTP_KEY_PROBLEM, title: expect.stringMatching(/no key with identifier/) } });
    const otherSuite = sent.encapsulated.slice();
    otherSuite[6] = 3; // ChaCha20-Poly1305
    expect(await post(otherSuite)).toMatchObject({ status: 400, body: { type: OHTTP_KEY_PROBLEM } });
    expect(await post(new Uint8Array(1024 + 2 * OHTTP_PAD_TO + 1))).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
    expect(await post(sent.encapsulated, 'message/ohttp-req', { origin: 'https://elsewhere.example' })).toMatchObject({ status: 403, body: { error: 'origin_not_allowed' } });

    expect(counters(server.db)).toEqual(before);
    expect(log).not.toHaveBeenCalled(); // nothing is logged, whatever comes in
    expect(error).not.toHaveBeenCalled();
    log.mockRestore();
    error.mockRestore();
  });
});

describe('POST /v1/gateway: hostile bytes', () => {
  it('random bodies and random mutations of a valid one: always a 400 in the clear, nothing counted, nothing logged', async () => {
    const config = await gatewayServer();
    const error = vi.spyOn(console, 'error');
    const before = counters(server.db);
    let seed = 20261201;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const valid = (await encapsulateRequest(config, encodeRequest({ method: 'POST', scheme: 'https', authority: '', path: '/v1/reports', headers: [['content-type', 'text/plain']], content: new TextEncoder().encode(reportBody(EPOCH0, [1, 2, 3])) }, OHTTP_PAD_TO))).encapsulated;
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      let body: Uint8Array;
      if (i % 2 === 0) {
        body = Uint8Array.from({ length: Math.floor(random() * 1200) }, () => Math.floor(random() * 256));
        if (i % 4 === 0 && body.length > 7) body.set(valid.subarray(0, 7)); // our key id and suite, then noise
      } else {
        body = valid.slice(0, 1 + Math.floor(random() * valid.length));
        for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) body[Math.floor(random() * body.length)] ^= 1 + Math.floor(random() * 255);
      }
      const response = await server.app.inject({ method: 'POST', url: '/v1/gateway', headers: { 'content-type': 'message/ohttp-req' }, payload: Buffer.from(body) });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    }
    expect([...statuses.keys()]).toEqual([400]);
    expect(counters(server.db)).toEqual(before);
    expect(error).not.toHaveBeenCalled();
    error.mockRestore();
  });
});

describe('configuration', () => {
  const pem = (name: string, type: 'x25519' | 'rsa') => {
    const path = join(dir, name);
    const { privateKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 1024 }) : generateKeyPairSync('x25519');
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    return path;
  };

  it('TACIT_OHTTP_KEY turns the gateway on with that key; a restart publishes the same key configuration', async () => {
    const path = pem('gateway.pem', 'x25519');
    const config = loadConfig({ TACIT_OHTTP_KEY: path });
    expect(config).toMatchObject({ ohttpGateway: true, ohttpKeyPaths: [path] });
    const first = await gatewayServer({ ohttpKeyPaths: [path] });
    await server.close();
    const second = await gatewayServer({ ohttpKeyPaths: [path] });
    expect(second).toEqual(first);
    expect((await throughGateway(first, { body: reportBody(EPOCH0, [1, 2, 3]) })).status).toBe(202);
  });

  it.skipIf(!hasOpenssl())('an openssl-made key works too (openssl genpkey -algorithm X25519)', async () => {
    const path = join(dir, 'openssl.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'X25519', '-out', path], { stdio: 'ignore' });
    const config = await gatewayServer({ ohttpKeyPaths: [path] });
    expect((await throughGateway(config, { body: reportBody(EPOCH0, [1, 2, 3]) })).status).toBe(202);
  });

  it('during a rotation both keys decrypt; the first is published first', async () => {
    const [oldKey, newKey] = [pem('old.pem', 'x25519'), pem('new.pem', 'x25519')];
    const old = await gatewayServer({ ohttpKeyPaths: [oldKey] });
    await server.close();
    const current = await gatewayServer({ ohttpKeyPaths: [newKey, oldKey] });
    expect(decodeKeyConfigs(new Uint8Array(await (await fetch(`${base}/v1/ohttp-keys`)).arrayBuffer()))).toEqual([current, old]);
    expect((await throughGateway(old, { body: reportBody(EPOCH0, [1, 2, 3]) })).status).toBe(202);
    expect((await throughGateway(current, { body: reportBody(EPOCH0, [4, 5, 6]) })).status).toBe(202);
    expect(decodeKeyConfig(decodeBase64Url(server.app.ohttpKeyConfig!))).toEqual(current);
  });

  it('refuses a key file that cannot be read or is not X25519, and a shared database without a key file', async () => {
    await expect(makeTestServer({ ohttpGateway: true, ohttpKeyPaths: [join(dir, 'missing.pem')] })).rejects.toThrow(/TACIT_OHTTP_KEY: cannot read .*ENOENT/);
    await expect(makeTestServer({ ohttpGateway: true, ohttpKeyPaths: [pem('rsa.pem', 'rsa')] })).rejects.toThrow(/must be an X25519 private key/);
    expect(() => loadConfig({ TACIT_OHTTP_GATEWAY: 'true', TACIT_DATABASE_URL: 'postgres://u@db.example/tacit', TACIT_REQUIRE_TOKEN: 'false' })).toThrow(ConfigError);
    expect(() => loadConfig({ TACIT_OHTTP_GATEWAY: 'maybe' })).toThrow(/TACIT_OHTTP_GATEWAY must be true or false/);
    expect(loadConfig({})).toMatchObject({ ohttpGateway: false, ohttpKeyPaths: [] });
  });
});
