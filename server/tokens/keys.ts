/**
 * The Privacy Pass issuer key this server works with (protocol/token.ts): its own private key when
 * it issues tokens (TACIT_TOKEN_KEY), or the public key of the shop's issuer (TACIT_TOKEN_PUBLIC_KEY).
 * With TACIT_REQUIRE_TOKEN and neither, a key pair is made at start: fine for one process, and
 * tokens issued before a restart stop being valid (devices fetch a new one).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { publicVerif } from '@cloudflare/privacypass-ts';
import { TOKENS_PATH } from '../../protocol/paths.ts';
import { encodeBase64Url, type TokenParams } from '../../protocol/token-params.ts';
import { ConfigError, type ServerConfig } from '../config.ts';

export interface TokenKeys {
  /** present when this server issues tokens (Node's own RSA: signing is ~0.5 ms, not the ~300 ms of the JavaScript one) */
  privateKey: KeyObject | null;
  publicKey: CryptoKey;
  /** the RFC 9578 token-key: the public key as an RSASSA-PSS SubjectPublicKeyInfo */
  tokenKey: Uint8Array;
  /** SHA-256 of tokenKey: what every token of this issuer names */
  tokenKeyId: Uint8Array;
  /** what GET /v1/params tells devices */
  params: TokenParams;
}

const RSA_PSS = { name: 'RSA-PSS', hash: 'SHA-384' } as const;

function readPem(path: string, variable: string, parse: (pem: string) => KeyObject): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let key: KeyObject;
  try {
    key = parse(pem);
  } catch (error) {
    throw new ConfigError(`${variable}: ${path} is not a PEM key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'rsa' || key.asymmetricKeyDetails?.modulusLength !== 2048) {
    throw new ConfigError(`${variable}: ${path} must be a 2048-bit RSA key (token type 2), e.g. openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`);
  }
  return key;
}

async function importPublic(key: KeyObject): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('spki', key.export({ type: 'spki', format: 'der' }), RSA_PSS, true, ['verify']);
}

/** The keys the configuration asks for, or null when the server takes no tokens. */
export async function loadTokenKeys(config: ServerConfig): Promise<TokenKeys | null> {
  let privateKey: KeyObject | null = null;
  let publicKey: CryptoKey;
  if (config.tokenKeyPath !== null) {
    privateKey = readPem(config.tokenKeyPath, 'TACIT_TOKEN_KEY', (pem) => createPrivateKey(pem));
    publicKey = await importPublic(createPublicKey(privateKey));
  } else if (config.tokenPublicKeyPath !== null) {
    publicKey = await importPublic(readPem(config.tokenPublicKeyPath, 'TACIT_TOKEN_PUBLIC_KEY', (pem) => createPublicKey(pem)));
  } else if (config.requireToken) {
    privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    publicKey = await importPublic(createPublicKey(privateKey));
  } else {
    return null;
  }
  const tokenKey = await publicVerif.getPublicKeyBytes(publicKey);
  const tokenKeyId = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new Uint8Array(tokenKey)));
  return {
    privateKey,
    publicKey,
    tokenKey,
    tokenKeyId,
    params: {
      required: config.requireToken,
      issuerName: config.tokenIssuerName,
      requestUri: config.tokenIssuerUrl ?? TOKENS_PATH,
      tokenKey: encodeBase64Url(tokenKey),
    },
  };
}
