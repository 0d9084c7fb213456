// Poisoning, measured (issue 15, item 7): how far N fake reports move a segment nobody has, without
// tokens and with required tokens (4 per client address per epoch), at the default parameters
// (ε = 4, 3 slots, 22 segments, k = 50, release ε = 1). 1,000 honest devices report through k-RR as
// devices do (seeded); the attacker sends N reports naming the target in every slot, from one
// address, fetching a token before each report where tokens are required. The release is computed
// without its Laplace noise (the shift is then exact); the table is printed and recorded in
// docs/security.md.
import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../core/random.ts';
import { randomizeValue, reportDomain } from '../../core/randomized-response.ts';
import { publicVerif } from '@cloudflare/privacypass-ts';
import { newReportNonce, writeReportBody } from '../../protocol/report.ts';
import { reportTokenChallenge, TOKEN_MODE } from '../../protocol/token.ts';
import { decodeBase64Url, encodeBase64Url, parseTokenParams, TOKEN_REQUEST_MEDIA_TYPE } from '../../protocol/token-params.ts';
import type { CountedReport } from '../../server/storage/store.ts';
import { EPOCH0, makeTestServer, WEEK, type TestServer } from './helpers.ts';

const TARGET = 22; // "Pets": no honest device has it
const HONEST = 1000;
let server: TestServer;
afterEach(async () => {
  await server?.close();
});

interface Outcome {
  fake: number;
  accepted: number;
  estimate: number | null;
  unsuppressed: number;
  published: boolean;
}

/** Honest devices: 40% in segment 1, 20% in segment 7, the rest in none; 3 slots through k-RR at ε/3 each. */
function honestReports(domain: number[]): CountedReport[] {
  const random = mulberry32(2026);
  return Array.from({ length: HONEST }, (_, device) => {
    const truth = device % 5 < 2 ? [1, 0, 0] : device % 5 === 2 ? [7, 0, 0] : [0, 0, 0];
    return {
      taxonomy: 1,
      epochSeconds: WEEK,
      epoch: EPOCH0,
      segments: truth.map((value) => randomizeValue(value, domain, 4 / 3, random)),
      nonce: newReportNonce(),
      tokenId: null,
    };
  });
}

async function attack(fake: number, tokens: boolean): Promise<Outcome> {
  server = await makeTestServer({ requireToken: tokens, tokensPerAddress: 4 }, { releaseRandom: () => 0.5 });
  const { app } = server;
  const domain = reportDomain(Array.from({ length: 22 }, (_, i) => i + 1));
  // Honest reports go straight to the store (with tokens, each device would have fetched its own).
  await server.store.addReports(honestReports(domain));
  const tokenParams = parseTokenParams((await app.inject({ url: '/v1/params' })).json().token);
  let accepted = 0;
  for (let i = 0; i < fake; i++) {
    let token: string | undefined;
    if (tokenParams) {
      const client = new publicVerif.Client(TOKEN_MODE);
      const challenge = await reportTokenChallenge(tokenParams.issuerName, WEEK, EPOCH0);
      const request = await client.createTokenRequest(challenge, decodeBase64Url(tokenParams.tokenKey));
      const issued = await app.inject({ method: 'POST', url: '/v1/tokens', remoteAddress: '203.0.113.7', headers: { 'content-type': TOKEN_REQUEST_MEDIA_TYPE }, payload: Buffer.from(request.serialize()) });
      if (issued.statusCode === 200) token = encodeBase64Url((await client.finalize(client.deserializeTokenResponse(new Uint8Array(issued.rawPayload)))).serialize());
      else if (issued.statusCode === 429) break; // no more tokens for this address this epoch: the rest would be refused
    }
    const body = writeReportBody({ taxonomy: 1, epoch: EPOCH0, segments: [TARGET, TARGET, TARGET], ...(token ? { token } : {}) });
    const response = await app.inject({ method: 'POST', url: '/v1/reports', headers: { 'content-type': 'text/plain' }, payload: body });
    if (response.statusCode === 202) accepted++;
  }
  server.clock.ms += 2 * WEEK * 1000;
  const release = (await app.inject({ url: `/v1/aggregates/${EPOCH0}` })).json();
  const target = release.segments.find((s: { id: number }) => s.id === TARGET);
  // What the estimate is before suppression: the noise-free debiasing of the observed counts.
  const counts = (await server.store.epochCounts({ taxonomy: 1, epochSeconds: WEEK, epoch: EPOCH0 }))!;
  const { p, q } = release.parameters;
  const slots = counts.reports * 3;
  const unsuppressed = Math.round(((counts.counts.get(TARGET) ?? 0) - slots * q) / (p - q));
  return { fake, accepted, estimate: target.estimate, unsuppressed, published: !target.suppressed };
}

describe('poisoning with and without report tokens', () => {
  it('N fake reports move an empty segment by ~27 devices each without tokens; with tokens, by at most 4 reports per address', async () => {
    const rows: { without: Outcome; with: Outcome }[] = [];
    for (const fake of [0, 10, 30, 100]) rows.push({ without: await attack(fake, false), with: await attack(fake, true) });
    const table = rows.map(
      (r) =>
        `| ${r.without.fake} | ${r.without.accepted} | ${r.without.unsuppressed} | ${r.without.published ? `published (${r.without.estimate})` : 'hidden'} | ` +
        `${r.with.accepted} | ${r.with.unsuppressed} | ${r.with.published ? `published (${r.with.estimate})` : 'hidden'} |`,
    );
    console.log(['| fake reports | accepted, no tokens | target estimate | release | accepted, tokens | target estimate | release |', '|---:|---:|---:|---|---:|---:|---|', ...table].join('\n'));

    const baseline = rows[0].without.unsuppressed;
    for (const { without, with: withTokens } of rows) {
      expect(without.accepted).toBe(without.fake); // nothing stops a fake report without tokens
      expect(withTokens.accepted).toBeLessThanOrEqual(4); // one address gets 4 tokens per epoch
      if (without.fake > 0) expect((without.unsuppressed - baseline) / without.fake).toBeCloseTo(3 * (1 - 0.03877) / (0.1471 - 0.03877), -1); // ≈ 26.6 per report
    }
    expect(rows[0].without.published).toBe(false);
    expect(rows[2].without.published).toBe(true); // 30 fake reports publish a segment nobody has
    expect(rows.every((r) => !r.with.published)).toBe(true); // with tokens it stays hidden at any N
  }, 120_000);
});
