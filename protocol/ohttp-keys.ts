/**
 * Oblivious HTTP key configurations (RFC 9458 §3): the gateway's public key, its key identifier and
 * the HPKE algorithms it accepts. Kept apart from protocol/ohttp.ts (which loads the HPKE library)
 * so that the SDK's config can check the one the shop configured without downloading HPKE.
 *
 * Reading is strict: RFC 9458 §3.2 asks clients to discard a collection with any encoding error
 * (recovering part of one could be used to segregate clients).
 */

/** The media type of GET /v1/ohttp-keys: one or more key configurations, each with a 2-byte length. */
export const OHTTP_KEYS_MEDIA_TYPE = 'application/ohttp-keys';

/** The one suite Tacit uses on both sides, as in RFC 9458's example: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM. */
export const KEM_X25519_SHA256 = 0x0020;
export const KDF_HKDF_SHA256 = 0x0001;
export const AEAD_AES_128_GCM = 0x0001;
/** Npk of each KEM we can read a key for (RFC 9180 §7.1). */
const PUBLIC_KEY_LENGTH: Readonly<Record<number, number>> = { [KEM_X25519_SHA256]: 32 };

export interface SymmetricSuite {
  kdfId: number;
  aeadId: number;
}

export interface KeyConfig {
  /** 0…255: names the key in every encapsulated request */
  keyId: number;
  kemId: number;
  publicKey: Uint8Array;
  /** the KDF and AEAD pairs the gateway accepts with this key */
  suites: SymmetricSuite[];
}

export class KeyConfigError extends Error {
  override name = 'KeyConfigError';
}

/** One key configuration, RFC 9458 §3.1. */
export function encodeKeyConfig(config: KeyConfig): Uint8Array {
  const npk = PUBLIC_KEY_LENGTH[config.kemId];
  if (npk === undefined || config.publicKey.length !== npk) throw new KeyConfigError(`KEM 0x${hex16(config.kemId)} with a ${config.publicKey.length}-byte key is not supported`);
  if (!Number.isInteger(config.keyId) || config.keyId < 0 || config.keyId > 255) throw new KeyConfigError('the key identifier must be 0…255');
  if (config.suites.length === 0 || config.suites.length > 16383) throw new KeyConfigError('a key configuration names 1…16383 symmetric suites');
  const out = new Uint8Array(1 + 2 + npk + 2 + 4 * config.suites.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, config.keyId);
  view.setUint16(1, config.kemId);
  out.set(config.publicKey, 3);
  view.setUint16(3 + npk, 4 * config.suites.length);
  config.suites.forEach((suite, i) => {
    view.setUint16(5 + npk + 4 * i, suite.kdfId);
    view.setUint16(7 + npk + 4 * i, suite.aeadId);
  });
  return out;
}

/** Reads exactly one key configuration; throws KeyConfigError on an unknown KEM, a wrong length or trailing bytes. */
export function decodeKeyConfig(bytes: Uint8Array): KeyConfig {
  if (bytes.length < 3) throw new KeyConfigError('a key configuration is at least 3 bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kemId = view.getUint16(1);
  const npk = PUBLIC_KEY_LENGTH[kemId];
  if (npk === undefined) throw new KeyConfigError(`KEM 0x${hex16(kemId)} is not supported (only DHKEM(X25519, HKDF-SHA256), 0x0020)`);
  if (bytes.length < 5 + npk) throw new KeyConfigError('the key configuration ends inside its public key');
  const suitesLength = view.getUint16(3 + npk);
  if (suitesLength < 4 || suitesLength % 4 !== 0) throw new KeyConfigError('the symmetric suites length must be a positive multiple of 4');
  if (bytes.length !== 5 + npk + suitesLength) throw new KeyConfigError(`the key configuration is ${bytes.length} bytes; its lengths say ${5 + npk + suitesLength}`);
  const suites: SymmetricSuite[] = [];
  for (let at = 5 + npk; at < bytes.length; at += 4) suites.push({ kdfId: view.getUint16(at), aeadId: view.getUint16(at + 2) });
  return { keyId: bytes[0], kemId, publicKey: bytes.slice(3, 3 + npk), suites };
}

/** The `application/ohttp-keys` body: each configuration with a 2-byte length prefix (RFC 9458 §3.2). */
export function encodeKeyConfigs(configs: KeyConfig[]): Uint8Array {
  const encoded = configs.map(encodeKeyConfig);
  const out = new Uint8Array(encoded.reduce((n, e) => n + 2 + e.length, 0));
  let at = 0;
  for (const e of encoded) {
    out[at] = e.length >> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/** Reads an `application/ohttp-keys` body; any encoding error discards the whole collection (throws). */
export function decodeKeyConfigs(bytes: Uint8Array): KeyConfig[] {
  const configs: KeyConfig[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new KeyConfigError('the key configurations end inside a length');
    const length = (bytes[at] << 8) | bytes[at + 1];
    if (at + 2 + length > bytes.length) throw new KeyConfigError('a key configuration is longer than the body');
    configs.push(decodeKeyConfig(bytes.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  if (configs.length === 0) throw new KeyConfigError('no key configuration');
  return configs;
}

/** Whether a key configuration offers the suite Tacit uses (X25519, HKDF-SHA256, AES-128-GCM). */
export function offersTacitSuite(config: KeyConfig): boolean {
  return config.kemId === KEM_X25519_SHA256 && config.suites.some((s) => s.kdfId === KDF_HKDF_SHA256 && s.aeadId === AEAD_AES_128_GCM);
}

function hex16(n: number): string {
  return n.toString(16).padStart(4, '0');
}
