/**
 * Issuing report tokens (RFC 9578 §6, token type 2) at POST /v1/tokens, when this server holds the
 * issuer key. The issuer signs a blinded message: it never sees the token it helps make, so it
 * cannot link a report's token to the request that obtained it.
 *
 * What limits issuance is what limits poisoning: an attacker gets one counted report per token. Two
 * limits, both in memory only:
 *  - per client address per epoch (tokensPerAddress): the address is kept as an HMAC under a key
 *    drawn at start, in a map emptied at every epoch; it is never written or logged;
 *  - per minute for the whole process (tokensPerMinute), a ceiling whatever the addresses.
 * Behind a proxy every client has the proxy's address: issue at the shop's edge instead
 * (TACIT_TOKEN_PUBLIC_KEY), where the shop knows its real sessions.
 */
import { constants, createHmac, createPublicKey, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { publicVerif, TOKEN_TYPES } from '@cloudflare/privacypass-ts';
import { TOKEN_REQUEST_LENGTH } from '../../protocol/token-params.ts';
import type { TokenKeys } from './keys.ts';

/** A refused token request: HTTP status, stable code, message, and for 429 how long to wait. */
export class TokenIssueError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'TokenIssueError';
  }
}

export interface IssuanceLimits {
  /** tokens per client address per epoch; 0 = no such limit */
  perAddress: number;
  /** tokens per minute for this process */
  perMinute: number;
  epochSeconds: number;
  now: () => number;
}

/** Distinct addresses remembered per epoch; beyond it new addresses wait for the next epoch (bounded memory). */
const MAX_ADDRESSES = 100_000;

/**
 * RFC 9474 BlindSign: s = m^d mod n on the blinded message (RSASP1), checked by s^e mod n = m before
 * it is sent (a faulty signature could leak the key). Node's RSA without padding is exactly RSASP1,
 * and several hundred times faster than the library's JavaScript big integers (~0.5 ms, not ~300 ms).
 */
function blindSign(privateKey: KeyObject, publicKey: KeyObject, blindedMessage: Uint8Array): Uint8Array {
  let signature: Buffer;
  try {
    signature = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, blindedMessage);
  } catch {
    throw new TokenIssueError(400, 'invalid_token_request', 'the blinded message is not a number below the modulus');
  }
  if (!publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature).equals(blindedMessage)) {
    throw new Error('blind signature failed its check; nothing was sent');
  }
  return new Uint8Array(signature);
}

export class TokenIssuer {
  private readonly publicKey: KeyObject;
  private readonly addressKey = randomBytes(32);
  private addresses = new Map<string, number>();
  private addressEpoch = -1;
  private minute = -1;
  private issuedThisMinute = 0;

  constructor(
    private readonly keys: TokenKeys & { privateKey: KeyObject },
    private readonly limits: IssuanceLimits,
  ) {
    this.publicKey = createPublicKey(keys.privateKey);
  }

  /** Signs a serialized TokenRequest for a client at `address`; the serialized TokenResponse. */
  issue(body: Uint8Array, address: string | undefined): Uint8Array {
    if (body.length !== TOKEN_REQUEST_LENGTH || body[0] !== 0 || body[1] !== 2) {
      throw new TokenIssueError(400, 'invalid_token_request', `expected a type-2 TokenRequest of ${TOKEN_REQUEST_LENGTH} bytes`);
    }
    const request = publicVerif.TokenRequest.deserialize(TOKEN_TYPES.BLIND_RSA, body);
    if (request.truncatedTokenKeyId !== this.keys.tokenKeyId[31]) {
      throw new TokenIssueError(400, 'unknown_token_key', "the request names another issuer key; read the current one from GET /v1/params");
    }
    const now = this.limits.now();
    const addressId = this.admit(address, now);
    const response = new publicVerif.TokenResponse(blindSign(this.keys.privateKey, this.publicKey, request.blindedMsg));
    this.issuedThisMinute++;
    if (addressId !== null) this.addresses.set(addressId, (this.addresses.get(addressId) ?? 0) + 1);
    return response.serialize();
  }

  /** Checks both limits; the address's id (an HMAC) to count the token against, or null when not limited per address. */
  private admit(address: string | undefined, now: number): string | null {
    const minute = Math.floor(now / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.issuedThisMinute = 0;
    }
    if (this.issuedThisMinute >= this.limits.perMinute) {
      throw new TokenIssueError(429, 'token_rate_limited', 'too many tokens issued this minute; retry later', Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000)));
    }
    if (this.limits.perAddress === 0) return null;
    const epochMs = this.limits.epochSeconds * 1000;
    const epoch = Math.floor(now / epochMs);
    if (epoch !== this.addressEpoch) {
      this.addressEpoch = epoch;
      this.addresses = new Map();
    }
    const untilNextEpoch = Math.max(1, Math.ceil(((epoch + 1) * epochMs - now) / 1000));
    const id = createHmac('sha256', this.addressKey).update(address ?? '').digest('base64url').slice(0, 22);
    const issued = this.addresses.get(id) ?? 0;
    if (issued >= this.limits.perAddress || (issued === 0 && this.addresses.size >= MAX_ADDRESSES)) {
      throw new TokenIssueError(429, 'token_rate_limited', `no more tokens for this address this epoch (${this.limits.perAddress} per epoch)`, untilNextEpoch);
    }
    return id;
  }
}
