// Privacy Pass report tokens (issue 15, item 7, server side): issuance at POST /v1/tokens, one unspent
// token per report per epoch, and the rules of each failure. The device's side is played here with
// @cloudflare/privacypass-ts's Client, exactly as protocol/token.ts describes it.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicVerif } from '@cloudflare/privacypass-ts';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeReportBody } from '../../protocol/report.ts';
import { reportTokenChallenge, TOKEN_MODE } from '../../protocol/token.ts';
import { decodeBase64Url, encodeBase64Url, parseTokenParams, TOKEN_REQUEST_MEDIA_TYPE, TOKEN_RESPONSE_MEDIA_TYPE, type TokenParams } from '../../protocol/token-params.ts';
import { counters, EPOCH0, makeTestServer, postReport, WEEK, type TestServer } from './helpers.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-tokens-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
let server: TestServer;
afterEach(async () => {
  await server?.close();
});

async function tokenParams(app: FastifyInstance): Promise<TokenParams> {
  const params = parseTokenParams((await app.inject({ url: '/v1/params' })).json().token);
  expect(params).not.toBeNull();
  return params!;
}

/** What the device does: blind a token request for the epoch, have it signed, finalize the token. */
async function obtainToken(app: FastifyInstance, params: TokenParams, epoch: number, epochSeconds = WEEK): Promise<string> {
  const challenge = await reportTokenChallenge(params.issuerName, epochSeconds, epoch);
  const client = new publicVerif.Client(TOKEN_MODE);
  const request = await client.createTokenRequest(challenge, decodeBase64Url(params.tokenKey));
  const response = await app.inject({ method: 'POST', url: params.requestUri, headers: { 'content-type': TOKEN_REQUEST_MEDIA_TYPE }, payload: Buffer.from(request.serialize()) });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe(TOKEN_RESPONSE_MEDIA_TYPE);
  const token = await client.finalize(client.deserializeTokenResponse(new Uint8Array(response.rawPayload)));
  return encodeBase64Url(token.serialize());
}

const report = (token?: string, epoch = EPOCH0) => writeReportBody({ taxonomy: 1, epoch, segments: [3, 0, 0], ...(token ? { token } : {}) });

describe('required report tokens (TACIT_REQUIRE_TOKEN)', () => {
  it('publishes how to get a token, and counts a report only with a valid unspent token of its epoch', async () => {
    server = await makeTestServer({ requireToken: true });
    const params = await tokenParams(server.app);
    expect(params).toMatchObject({ required: true, issuerName: 'tacit', requestUri: '/v1/tokens' });

    const without = await postReport(server.app, report());
    expect(without.statusCode).toBe(401);
    expect(without.json().error).toBe('token_required');
    expect(without.headers['www-authenticate']).toMatch(/^PrivateToken challenge="[A-Za-z0-9_-]+", token-key="[A-Za-z0-9_-]+"$/);

    const token = await obtainToken(server.app, params, EPOCH0);
    const body = report(token);
    expect((await postReport(server.app, body)).statusCode).toBe(202);
    expect((await postReport(server.app, body)).statusCode).toBe(202); // the resend (lost 202): same nonce, same token
    const reuse = await postReport(server.app, report(token)); // the same token on another report
    expect(reuse.statusCode).toBe(403);
    expect(reuse.json().error).toBe('token_spent');
    expect(counters(server.db)).toMatchObject({ reports: [{ epoch: EPOCH0, reports: 1 }] });
  });

  it.each([
    ['for another epoch', async (params: TokenParams) => obtainToken(server.app, params, EPOCH0 - 1)],
    ['for another epoch length', async (params: TokenParams) => obtainToken(server.app, params, EPOCH0, 3600)],
    [
      'tampered with',
      async (params: TokenParams) => {
        const bytes = decodeBase64Url(await obtainToken(server.app, params, EPOCH0));
        bytes[300] ^= 1;
        return encodeBase64Url(bytes);
      },
    ],
    [
      "signed by another issuer's key",
      async () => {
        const other = await makeTestServer({ requireToken: true });
        try {
          return await obtainToken(other.app, await tokenParams(other.app), EPOCH0);
        } finally {
          await other.close();
        }
      },
    ],
    ['not a token at all', async () => encodeBase64Url(new Uint8Array(354))],
  ])('refuses a token %s with 401 invalid_token, counting nothing', async (_name, make) => {
    server = await makeTestServer({ requireToken: true });
    const token = await make(await tokenParams(server.app));
    const response = await postReport(server.app, report(token));
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe('invalid_token');
    expect(counters(server.db)).toEqual({ reports: [], counts: [] });
  });

  it('a grace-epoch report needs a token of its own epoch', async () => {
    server = await makeTestServer({ requireToken: true });
    const params = await tokenParams(server.app);
    const token = await obtainToken(server.app, params, EPOCH0);
    server.clock.ms += WEEK * 1000; // EPOCH0 is now the grace epoch
    expect((await postReport(server.app, report(token, EPOCH0))).statusCode).toBe(202);
  });
});

describe('token issuance', () => {
  it('limits tokens per client address per epoch (429 with Retry-After), counted in memory only', async () => {
    server = await makeTestServer({ requireToken: true, tokensPerAddress: 2 });
    const params = await tokenParams(server.app);
    await obtainToken(server.app, params, EPOCH0);
    await obtainToken(server.app, params, EPOCH0);
    const client = new publicVerif.Client(TOKEN_MODE);
    const request = await client.createTokenRequest(await reportTokenChallenge(params.issuerName, WEEK, EPOCH0), decodeBase64Url(params.tokenKey));
    const third = await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: { 'content-type': TOKEN_REQUEST_MEDIA_TYPE }, payload: Buffer.from(request.serialize()) });
    expect(third.statusCode).toBe(429);
    expect(third.json().error).toBe('token_rate_limited');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    server.clock.ms += WEEK * 1000; // a new epoch: a new allowance
    expect((await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: { 'content-type': TOKEN_REQUEST_MEDIA_TYPE }, payload: Buffer.from(request.serialize()) })).statusCode).toBe(200);
  });

  it('limits tokens per minute for the whole process', async () => {
    server = await makeTestServer({ requireToken: true, tokensPerAddress: 0, tokensPerMinute: 3 });
    const params = await tokenParams(server.app);
    for (let i = 0; i < 3; i++) await obtainToken(server.app, params, EPOCH0);
    const client = new publicVerif.Client(TOKEN_MODE);
    const request = await client.createTokenRequest(await reportTokenChallenge(params.issuerName, WEEK, EPOCH0), decodeBase64Url(params.tokenKey));
    const post = () => server.app.inject({ method: 'POST', url: '/v1/tokens', headers: { 'content-type': TOKEN_REQUEST_MEDIA_TYPE }, payload: Buffer.from(request.serialize()) });
    expect((await post()).statusCode).toBe(429);
    server.clock.ms += 60_000;
    expect((await post()).statusCode).toBe(200);
  });

  it.each([
    ['a body of the wrong length', TOKEN_REQUEST_MEDIA_TYPE, Buffer.alloc(100), 400, 'invalid_token_request'],
    ['another token type', TOKEN_REQUEST_MEDIA_TYPE, Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(257)]), 400, 'invalid_token_request'],
    ['text/plain', 'text/plain', Buffer.alloc(259), 415, 'unsupported_media_type'],
  ])('refuses %s', async (_name, type, payload, status, error) => {
    server = await makeTestServer({ requireToken: true });
    const response = await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: { 'content-type': type }, payload });
    expect(response.statusCode).toBe(status);
    expect(response.json().error).toBe(error);
  });

  it('refuses a request for another issuer key, and publishes its key in the RFC 9578 issuer directory', async () => {
    server = await makeTestServer({ requireToken: true });
    const params = await tokenParams(server.app);
    const request = Buffer.from(
      (await new publicVerif.Client(TOKEN_MODE).createTokenRequest(await reportTokenChallenge('tacit', WEEK, EPOCH0), decodeBase64Url(params.tokenKey))).serialize(),
    );
    request[2] ^= 0xff; // the truncated key id
    const response = await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: { 'content-type': TOKEN_REQUEST_MEDIA_TYPE }, payload: request });
    expect(response.json().error).toBe('unknown_token_key');
    const directory = (await server.app.inject({ url: '/.well-known/private-token-issuer-directory' })).json();
    expect(directory).toEqual({ 'issuer-request-uri': '/v1/tokens', 'token-keys': [{ 'token-type': 2, 'token-key': params.tokenKey }] });
  });

  it('issues from TACIT_TOKEN_KEY, so that every process of a deployment shares one issuer', async () => {
    const keyPath = join(dir, 'issuer.pem');
    writeFileSync(keyPath, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    server = await makeTestServer({ requireToken: true, tokenKeyPath: keyPath });
    const second = await makeTestServer({ requireToken: true, tokenKeyPath: keyPath });
    try {
      const token = await obtainToken(server.app, await tokenParams(server.app), EPOCH0);
      expect((await postReport(second.app, report(token))).statusCode).toBe(202); // issued by one, accepted by the other
    } finally {
      await second.close();
    }
  });
});

describe('tokens issued at the shop (TACIT_TOKEN_PUBLIC_KEY)', () => {
  it('points devices at the shop issuer, verifies its tokens, and issues none itself', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicPath = join(dir, 'shop-issuer.pub');
    writeFileSync(publicPath, pair.publicKey.export({ type: 'spki', format: 'pem' }));
    server = await makeTestServer({ requireToken: true, tokenPublicKeyPath: publicPath, tokenIssuerUrl: 'https://shop.example/tacit-token' });
    const params = await tokenParams(server.app);
    expect(params.requestUri).toBe('https://shop.example/tacit-token');
    expect((await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: { 'content-type': TOKEN_REQUEST_MEDIA_TYPE }, payload: Buffer.alloc(259) })).statusCode).toBe(404);

    // The shop's issuer (here: a second server holding the private key) signs; this server verifies.
    const keyPath = join(dir, 'shop-issuer.pem');
    writeFileSync(keyPath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const shop = await makeTestServer({ requireToken: true, tokenKeyPath: keyPath });
    try {
      const token = await obtainToken(shop.app, { ...params, requestUri: '/v1/tokens' }, EPOCH0);
      expect((await postReport(server.app, report(token))).statusCode).toBe(202);
    } finally {
      await shop.close();
    }
  });
});

describe('tokens configured but not required', () => {
  it('counts a report without a token, and still refuses a bad one', async () => {
    const keyPath = join(dir, 'optional.pem');
    writeFileSync(keyPath, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    server = await makeTestServer({ tokenKeyPath: keyPath });
    expect((await tokenParams(server.app)).required).toBe(false);
    expect((await postReport(server.app, report())).statusCode).toBe(202);
    expect((await postReport(server.app, report(encodeBase64Url(new Uint8Array(354))))).statusCode).toBe(401);
  });
});
