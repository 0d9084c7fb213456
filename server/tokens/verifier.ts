/**
 * Checking the token a report carries (protocol/token.ts): a type-2 token of our issuer key, for the
 * challenge of the report's epoch, with a valid blind-RSA signature. Whether it was already spent is
 * the store's business (one token, one report, per epoch); the token's own nonce is its id there.
 */
import { publicVerif, Token, TOKEN_TYPES } from '@cloudflare/privacypass-ts';
import { ReportError } from '../../protocol/report.ts';
import { reportTokenChallenge, TOKEN_MODE } from '../../protocol/token.ts';
import { decodeBase64Url, TOKEN_LENGTH } from '../../protocol/token-params.ts';
import type { TokenKeys } from './keys.ts';

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((byte, i) => byte === b[i]);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export class TokenVerifier {
  private readonly origin = new publicVerif.Origin(TOKEN_MODE);
  /** SHA-256 of each epoch's challenge (a few epochs are ever asked for at once) */
  private readonly digests = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly keys: TokenKeys,
    private readonly issuerName: string,
  ) {}

  private challengeDigest(epochSeconds: number, epoch: number): Promise<Uint8Array> {
    const key = `${epochSeconds}:${epoch}`;
    let digest = this.digests.get(key);
    if (digest === undefined) {
      if (this.digests.size > 16) this.digests.clear();
      digest = reportTokenChallenge(this.issuerName, epochSeconds, epoch).then(
        async (challenge) => new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new Uint8Array(challenge.serialize()))),
      );
      this.digests.set(key, digest);
    }
    return digest;
  }

  /** The token's id (its nonce, hex) when it is valid for this epoch; otherwise a 401 ReportError. */
  async verify(tokenText: string, epochSeconds: number, epoch: number): Promise<string> {
    const invalid = (why: string): never => {
      throw new ReportError(401, 'invalid_token', `the report's token ${why}; get a token for epoch ${epoch} (see GET /v1/params "token")`);
    };
    let bytes: Uint8Array;
    try {
      bytes = decodeBase64Url(tokenText);
    } catch {
      return invalid('is not base64url');
    }
    if (bytes.length !== TOKEN_LENGTH || bytes[0] !== 0 || bytes[1] !== 2) return invalid(`is not a type-2 token of ${TOKEN_LENGTH} bytes`);
    const token = Token.deserialize(TOKEN_TYPES.BLIND_RSA, bytes);
    if (!equalBytes(token.authInput.tokenKeyId, this.keys.tokenKeyId)) return invalid("was issued with another issuer's key");
    if (!equalBytes(token.authInput.challengeDigest, await this.challengeDigest(epochSeconds, epoch))) return invalid('was issued for another epoch or issuer');
    let valid = false;
    try {
      valid = await this.origin.verify(token, this.keys.publicKey);
    } catch {
      valid = false;
    }
    if (!valid) return invalid('has no valid signature');
    return hex(token.authInput.nonce);
  }
}
