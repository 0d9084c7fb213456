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

/** RFC 9578 token type 2: blind RSA, 2048-bit. */
export const TOKEN_TYPE = 0x0002;
export const TOKEN_REQUEST_MEDIA_TYPE = 'application/private-token-request';
export const TOKEN_RESPONSE_MEDIA_TYPE = 'application/private-token-response';
/** A serialized token of type 2: token_type(2) nonce(32) challenge_digest(32) token_key_id(32) authenticator(256). */
export const TOKEN_LENGTH = 354;
/** A serialized TokenRequest of type 2: token_type(2) truncated_token_key_id(1) blinded_msg(256). */
export const TOKEN_REQUEST_LENGTH = 259;
/** The blind RSA variant of type 2. */
export const TOKEN_MODE = publicVerif.BlindRSAMode.PSS;

/** The `token` member of GET /v1/params. */
export interface TokenParams {
  /** reports without a valid token are refused (401 token_required) */
  required: boolean;
  /** the issuer name every challenge names */
  issuerName: string;
  /** where to POST token requests: a path on this server, or an absolute https URL (the shop's own issuer) */
  requestUri: string;
  /** the issuer's public key as RFC 9578 "token-key": base64url of its RSASSA-PSS SubjectPublicKeyInfo */
  tokenKey: string;
}

/** Reads `token` from a params body: null when the server takes no tokens; throws on a malformed one. */
export function parseTokenParams(json: unknown): TokenParams | null {
  if (json === null || json === undefined) return null;
  if (typeof json !== 'object' || Array.isArray(json)) throw new Error('parameters: token must be an object or null');
  const o = json as Record<string, unknown>;
  if (typeof o.required !== 'boolean') throw new Error('parameters: token.required must be a boolean');
  if (typeof o.issuerName !== 'string' || o.issuerName === '' || o.issuerName.length > 255) throw new Error('parameters: token.issuerName must be a short string');
  if (typeof o.requestUri !== 'string' || !/^(\/|https:\/\/)/.test(o.requestUri)) throw new Error('parameters: token.requestUri must be a path or an https URL');
  if (typeof o.tokenKey !== 'string' || !/^[A-Za-z0-9_-]+$/.test(o.tokenKey)) throw new Error('parameters: token.tokenKey must be base64url');
  return { required: o.required, issuerName: o.issuerName, requestUri: o.requestUri, tokenKey: o.tokenKey };
}

/** The redemption context of an epoch's report tokens: 32 bytes, the same for every device. */
export async function redemptionContext(epochSeconds: number, epoch: number): Promise<Uint8Array> {
  const text = `tacit-report-token/v1:${Math.trunc(epochSeconds)}:${Math.trunc(epoch)}`;
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** The token challenge of an epoch's reports (device and server compute the same one). */
export async function reportTokenChallenge(issuerName: string, epochSeconds: number, epoch: number): Promise<TokenChallenge> {
  return new TokenChallenge(TOKEN_TYPE, issuerName, await redemptionContext(epochSeconds, epoch));
}

export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url (padding optional); throws on anything else. */
export function decodeBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new Error('not base64url');
  const binary = atob(text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
