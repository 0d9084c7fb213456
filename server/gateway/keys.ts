/**
 * The OHTTP gateway's keys (RFC 9458 §3): X25519 private keys from PKCS#8 PEM files
 * (TACIT_OHTTP_KEY; `openssl genpkey -algorithm X25519 -out ohttp.pem`), or one made at start when
 * the gateway is on without a file: fine for one process and for tests, but its key configuration
 * changes at every restart, and devices carry the key configuration in the shop's config.
 *
 * A key's identifier is the first byte of SHA-256 of its public key: a new key gets a new identifier
 * by itself (unless it collides, which loading refuses), so a rotation needs no second setting.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AEAD_AES_128_GCM, encodeKeyConfig, encodeKeyConfigs, KDF_HKDF_SHA256, KEM_X25519_SHA256, type KeyConfig } from '../../protocol/ohttp-keys.ts';
import { importGatewayKey, type GatewayKey } from '../../protocol/ohttp.ts';
import { encodeBase64Url } from '../../protocol/token-params.ts';
import { ConfigError, type ServerConfig } from '../config.ts';

export interface GatewayKeys {
  /** every key the gateway decrypts with; the first is the current one */
  keys: GatewayKey[];
  /** the body of GET /v1/ohttp-keys (application/ohttp-keys) */
  published: Uint8Array;
  /** base64url of the current key configuration: what a shop puts in privacy.ohttp.keyConfig */
  currentKeyConfig: string;
  /** true when the key was made at start (it changes at every restart) */
  madeAtStart: boolean;
}

function readKey(path: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`TACIT_OHTTP_KEY: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new ConfigError(`TACIT_OHTTP_KEY: ${path} is not a PEM private key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'x25519') {
    throw new ConfigError(`TACIT_OHTTP_KEY: ${path} must be an X25519 private key, e.g. openssl genpkey -algorithm X25519 -out ohttp.pem`);
  }
  return key;
}

async function gatewayKey(privateKey: KeyObject): Promise<GatewayKey> {
  const d = privateKey.export({ format: 'jwk' }).d!;
  const x = createPublicKey(privateKey).export({ format: 'jwk' }).x!;
  const publicKey = new Uint8Array(Buffer.from(x, 'base64url'));
  const config: KeyConfig = {
    keyId: createHash('sha256').update(publicKey).digest()[0],
    kemId: KEM_X25519_SHA256,
    publicKey,
    suites: [{ kdfId: KDF_HKDF_SHA256, aeadId: AEAD_AES_128_GCM }],
  };
  return importGatewayKey(config, new Uint8Array(Buffer.from(d, 'base64url')));
}

/** The gateway's keys, or null when the gateway is off. */
export async function loadGatewayKeys(config: ServerConfig): Promise<GatewayKeys | null> {
  if (!config.ohttpGateway) return null;
  const madeAtStart = config.ohttpKeyPaths.length === 0;
  const privateKeys = madeAtStart ? [generateKeyPairSync('x25519').privateKey] : config.ohttpKeyPaths.map(readKey);
  const keys = await Promise.all(privateKeys.map(gatewayKey));
  const ids = keys.map((k) => k.config.keyId);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) throw new ConfigError(`TACIT_OHTTP_KEY: two keys share the key identifier ${repeated} (the first byte of their public key's SHA-256); make another key`);
  return {
    keys,
    published: encodeKeyConfigs(keys.map((k) => k.config)),
    currentKeyConfig: encodeBase64Url(encodeKeyConfig(keys[0].config)),
    madeAtStart,
  };
}
