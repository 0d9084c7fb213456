/**
 * Report tokens: Privacy Pass (RFC 9576 architecture, RFC 9578 issuance), token type 2 — publicly
 * verifiable blind RSA (RSABSSA-SHA384-PSS-Deterministic, 2048-bit, RFC 9474), as implemented by
 * @cloudflare/privacypass-ts. A token proves "an issuer let this device have one report this epoch"
 * without saying which device: the issuer signs a blinded message, so it cannot link the token it
 * issued to the token it later sees in a report.
 *
 * The device's part, per report:
 *  1. From GET /v1/params, read `token` (parseTokenParams): null means the server takes no tokens.
 *  2. challenge = reportTokenChallenge(token.issuerName, epochSeconds, epoch) for the report's epoch:
 *     every device of an epoch uses the same challenge (redemption context = SHA-256 of
 *     "tacit-report-token/v1:<epochSeconds>:<epoch>", no origin info), so it identifies nobody.
 *  3. request = new publicVerif.Client(PSS).createTokenRequest(challenge, base64url-decoded tokenKey).
 *  4. POST request.serialize() to token.requestUri (relative to the server's URL unless absolute)
 *     with Content-Type: application/private-token-request, credentials 'omit', referrerPolicy
 *     'no-referrer'. 200: the body (application/private-token-response) goes to client.finalize(
 *     client.deserializeTokenResponse(bytes)) → token; 429: retry after Retry-After (seconds).
 *  5. Put encodeBase64Url(token.serialize()) in the report as "token" (protocol/report.ts) and store
 *     the body: a resend sends the same token with the same nonce.
 * Fetch the token at another moment than the report (the issuer sees the device's address when it
 * issues): blindness hides which token is whose, timing need not give it away.
 */
import { publicVerif, TokenChallenge } from '@cloudflare/privacypass-ts';
import { TOKEN_TYPE } from './token-params.ts';

/** The blind RSA variant of type 2. */
export const TOKEN_MODE = publicVerif.BlindRSAMode.PSS;

/** The redemption context of an epoch's report tokens: 32 bytes, the same for every device. */
export async function redemptionContext(epochSeconds: number, epoch: number): Promise<Uint8Array> {
  const text = `tacit-report-token/v1:${Math.trunc(epochSeconds)}:${Math.trunc(epoch)}`;
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** The token challenge of an epoch's reports (device and server compute the same one). */
export async function reportTokenChallenge(issuerName: string, epochSeconds: number, epoch: number): Promise<TokenChallenge> {
  return new TokenChallenge(TOKEN_TYPE, issuerName, await redemptionContext(epochSeconds, epoch));
}
