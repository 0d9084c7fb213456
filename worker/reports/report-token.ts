// A Privacy Pass token for one epoch's report (protocol/token.ts describes the exchange): the device
// blinds a token request, the issuer signs it without seeing it, the device unblinds the token. The
// issuer therefore cannot tell, when the report comes, which device it issued the token to; the server
// counts a report only with an unspent token, so a poisoner needs a token per fake report, and the
// shop rate-limits issuance where it decides (its own edge, or the server).
//
// The Privacy Pass library (blind RSA, big-integer work) is loaded only when a server asks for tokens,
// and the exchange runs at its own random moment of the epoch, not when the report is sent.

import { parseReport, writeReportBody, type ReportRules } from '../../protocol/report.ts';
import type { TokenParams } from '../../protocol/token-params.ts';
import type { Store } from '../storage/store.ts';
import { describe } from '../../src/warn.ts';
import { KV_KEYS } from '../storage/schema.ts';
import { readState, type PendingReport, type ReportState } from './report-state.ts';

export class TokenFetchError extends Error {
  override name = 'TokenFetchError';
  constructor(
    message: string,
    readonly status: number | 'network-error',
    readonly retryAfterMs = 0,
  ) {
    super(message);
  }
}

/** Gets one token for the report of `epoch`; base64url, ready for the report's "token" field. */
export async function fetchReportToken(
  params: TokenParams,
  server: string,
  epochSeconds: number,
  epoch: number,
  fetcher: typeof fetch,
): Promise<string> {
  const [{ publicVerif }, { reportTokenChallenge, TOKEN_MODE }, { TOKEN_REQUEST_MEDIA_TYPE, decodeBase64Url, encodeBase64Url }] = await Promise.all([
    import('@cloudflare/privacypass-ts'),
    import('../../protocol/token.ts'),
    import('../../protocol/token-params.ts'),
  ]);
  const challenge = await reportTokenChallenge(params.issuerName, epochSeconds, epoch);
  const client = new publicVerif.Client(TOKEN_MODE);
  const request = await client.createTokenRequest(challenge, decodeBase64Url(params.tokenKey));
  let response: Response;
  try {
    response = await fetcher(new URL(params.requestUri, server).href, {
      method: 'POST',
      body: request.serialize() as Uint8Array<ArrayBuffer>,
      headers: { 'content-type': TOKEN_REQUEST_MEDIA_TYPE },
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      mode: 'cors',
    });
  } catch (error) {
    throw new TokenFetchError(`the token issuer could not be reached (${error instanceof Error ? error.message : String(error)})`, 'network-error');
  }
  if (!response.ok) {
    const seconds = Number(response.headers.get('retry-after'));
    throw new TokenFetchError(`the token issuer answered ${response.status}`, response.status, Number.isFinite(seconds) ? seconds * 1000 : 0);
  }
  const token = await client.finalize(client.deserializeTokenResponse(new Uint8Array(await response.arrayBuffer())));
  return encodeBase64Url(token.serialize());
}

export interface ReportTokensDeps {
  server: string;
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
  warn(message: string): void;
}

/** The device's tokens: fetched ahead of the report, kept in the report state, renewed when refused. */
export class ReportTokens {
  /** How to get tokens, from the server's parameters; null when it takes none. */
  params: TokenParams | null = null;
  /** No token request before this (the issuer asked to wait, or the last request failed). */
  retryAt = 0;

  constructor(private readonly deps: ReportTokensDeps) {}

  /** A token for `epoch`, kept with the report state; undefined when that failed (warned). */
  async fetch(store: Store, epoch: number, epochSeconds: number): Promise<string | undefined> {
    if (!this.params) return undefined;
    try {
      const value = await fetchReportToken(this.params, this.deps.server, epochSeconds, epoch, this.deps.fetch);
      await store.update<ReportState>(KV_KEYS.report, (current) =>
        current === undefined ? current : { ...readState(current, this.deps.now()), token: { epoch, epochSeconds, value } },
      );
      return value;
    } catch (error) {
      const wait = error instanceof TokenFetchError ? Math.max(error.retryAfterMs, 5 * 60_000) : 5 * 60_000;
      this.retryAt = this.deps.now() + wait * (0.5 + this.deps.random());
      this.deps.warn(`could not get a report token (${describe(error)}); trying again later`);
      return undefined;
    }
  }

  /** A report the server refused for its token: the same report (same nonce, same values) with a new token. */
  async renew(store: Store, pending: PendingReport, rules: ReportRules, epochSeconds: number): Promise<void> {
    if (!this.params || this.retryAt > this.deps.now()) return;
    const token = await this.fetch(store, pending.epoch, epochSeconds);
    if (token === undefined) return;
    const body = writeReportBody({ ...parseReport(pending.body, rules), token });
    await store.update<ReportState>(KV_KEYS.report, (current) => {
      if (current === undefined) return current;
      const state = readState(current, this.deps.now());
      if (state.pending?.body !== pending.body) return state; // sent or replaced meanwhile
      return { ...state, token: null, pending: { ...state.pending, body, needsToken: false, nextAttemptAt: 0 } };
    });
  }
}
