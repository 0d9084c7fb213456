/**
 * What both sides need to know about report tokens without running Privacy Pass itself: the `token`
 * member of GET /v1/params, the sizes and media types of the messages, base64url. Kept apart from
 * protocol/token.ts (which loads @cloudflare/privacypass-ts), so a device that gets no tokens never
 * downloads the library.
 */

/** RFC 9578 token type 2: blind RSA, 2048-bit. */
export const TOKEN_TYPE = 0x0002;
export const TOKEN_REQUEST_MEDIA_TYPE = 'application/private-token-request';
export const TOKEN_RESPONSE_MEDIA_TYPE = 'application/private-token-response';
/** A serialized token of type 2: token_type(2) nonce(32) challenge_digest(32) token_key_id(32) authenticator(256). */
export const TOKEN_LENGTH = 354;
/** A serialized TokenRequest of type 2: token_type(2) truncated_token_key_id(1) blinded_msg(256). */
export const TOKEN_REQUEST_LENGTH = 259;

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
