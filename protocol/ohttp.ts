/**
 * Oblivious HTTP (RFC 9458): the device encrypts its request (a binary HTTP message,
 * protocol/binary-http.ts) to the gateway's public key and posts it to a relay run by someone else;
 * the relay sees the device's address but not the content, the gateway the content but not the
 * address. The gateway's answer comes back encrypted under a key only that one request's sender
 * can derive.
 *
 * HPKE (RFC 9180) comes from @hpke/core with one suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
 * AES-128-GCM, as in RFC 9458's example. @hpke/core's X25519 KEM runs on WebCrypto's own X25519
 * (Node 20, Chromium 133+, Firefox 130+, Safari 17+); @hpke/dhkem-x25519 is a pure-JavaScript one
 * (noble-curves) for browsers without it: pass it to ohttpSuite(). The response key schedule of
 * §4.4 is written out below on WebCrypto's HKDF and AES-GCM.
 *
 * Both sides import this module; the SDK loads it only when a relay is configured.
 */
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256, type KemInterface } from '@hpke/core';
import { AEAD_AES_128_GCM, KDF_HKDF_SHA256, KEM_X25519_SHA256, offersTacitSuite, type KeyConfig } from './ohttp-keys.ts';

export { decodeKeyConfig, decodeKeyConfigs, encodeKeyConfig, encodeKeyConfigs, OHTTP_KEYS_MEDIA_TYPE, type KeyConfig } from './ohttp-keys.ts';

export const OHTTP_REQUEST_MEDIA_TYPE = 'message/ohttp-req';
export const OHTTP_RESPONSE_MEDIA_TYPE = 'message/ohttp-res';
/**
 * Both sides pad the binary HTTP message they encrypt to a multiple of this (RFC 9292 §3.8, RFC 9458
 * §6.2.3): a report with its token, and every answer of the report route (a 401 with its challenge
 * included), fit in one block, so the relay cannot tell them apart by size.
 */
export const OHTTP_PAD_TO = 1024;
/** RFC 9458 §5.3: the problem type a gateway answers when it cannot use the request's key configuration. */
export const OHTTP_KEY_PROBLEM = 'https://iana.org/assignments/http-problem-types#ohttp-key';

/** Nenc of X25519; Nk and Nn of AES-128-GCM; the response nonce is max(Nn, Nk) bytes. */
const ENC_LENGTH = 32;
const KEY_LENGTH = 16;
const NONCE_LENGTH = 12;
const RESPONSE_NONCE_LENGTH = Math.max(KEY_LENGTH, NONCE_LENGTH);
const TAG_LENGTH = 16;
/** key_id(1) kem_id(2) kdf_id(2) aead_id(2) */
const HEADER_LENGTH = 7;
const REQUEST_LABEL = 'message/bhttp request';
const RESPONSE_LABEL = 'message/bhttp response';
const text = new TextEncoder();

export class OhttpError extends Error {
  override name = 'OhttpError';
  /** true when the request named a key or suite the gateway does not hold (RFC 9458 §5.3) */
  constructor(
    message: string,
    readonly keyProblem = false,
  ) {
    super(message);
  }
}

/** The HPKE suite, on WebCrypto's X25519 unless another KEM (the pure-JavaScript one) is given. */
export function ohttpSuite(kem: KemInterface = new DhkemX25519HkdfSha256()): CipherSuite {
  return new CipherSuite({ kem, kdf: new HkdfSha256(), aead: new Aes128Gcm() });
}

/** hdr = key_id ‖ kem_id ‖ kdf_id ‖ aead_id (RFC 9458 §4.3, step 1). */
function requestHeader(keyId: number): Uint8Array {
  return Uint8Array.of(keyId, KEM_X25519_SHA256 >> 8, KEM_X25519_SHA256 & 0xff, 0, KDF_HKDF_SHA256, 0, AEAD_AES_128_GCM);
}

/** info = "message/bhttp request" ‖ 0x00 ‖ hdr (step 2). */
function requestInfo(header: Uint8Array): Uint8Array {
  return concat(text.encode(REQUEST_LABEL), Uint8Array.of(0), header);
}

// ---------- client ----------

export interface SentRequest {
  /** the Encapsulated Request: the body of the POST to the relay */
  encapsulated: Uint8Array;
  /** Decrypts the gateway's Encapsulated Response to this request (and to no other). */
  openResponse(encapsulatedResponse: Uint8Array): Promise<Uint8Array>;
}

/**
 * Encrypts `request` (a binary HTTP request) to the gateway of `config`. A fresh HPKE context every
 * time (RFC 9458 §6.1): two requests share nothing. `ephemeral` fixes the sender's key pair, for
 * RFC 9458's test vector only.
 */
export async function encapsulateRequest(
  config: KeyConfig,
  request: Uint8Array,
  options: { suite?: CipherSuite; ephemeral?: CryptoKeyPair } = {},
): Promise<SentRequest> {
  if (!offersTacitSuite(config)) throw new OhttpError('the gateway key configuration does not offer X25519 with HKDF-SHA256 and AES-128-GCM', true);
  const suite = options.suite ?? ohttpSuite();
  const header = requestHeader(config.keyId);
  const sender = await suite.createSenderContext({
    recipientPublicKey: await suite.kem.deserializePublicKey(config.publicKey),
    info: requestInfo(header),
    ...(options.ephemeral ? { ekm: options.ephemeral } : {}),
  });
  const enc = new Uint8Array(sender.enc);
  const ct = new Uint8Array(await sender.seal(request));
  const secret = new Uint8Array(await sender.export(text.encode(RESPONSE_LABEL), RESPONSE_NONCE_LENGTH));
  return {
    encapsulated: concat(header, enc, ct),
    async openResponse(encapsulatedResponse) {
      if (encapsulatedResponse.length < RESPONSE_NONCE_LENGTH + TAG_LENGTH) throw new OhttpError('the encapsulated response is too short');
      const responseNonce = encapsulatedResponse.subarray(0, RESPONSE_NONCE_LENGTH);
      const keys = await responseKeys(secret, enc, responseNonce);
      try {
        return await aesGcm('decrypt', keys, encapsulatedResponse.subarray(RESPONSE_NONCE_LENGTH));
      } catch {
        throw new OhttpError('the encapsulated response does not decrypt (altered, or not the answer to this request)');
      }
    },
  };
}

// ---------- gateway ----------

export interface GatewayKey {
  config: KeyConfig;
  privateKey: CryptoKey;
  /** the suite the private key was imported with */
  suite: CipherSuite;
}

/** The gateway's key from its raw 32-byte X25519 private key. */
export async function importGatewayKey(config: KeyConfig, rawPrivateKey: Uint8Array, suite: CipherSuite = ohttpSuite()): Promise<GatewayKey> {
  const privateKey = await suite.kem.importKey('raw', toArrayBuffer(rawPrivateKey), false);
  return { config, privateKey, suite };
}

export interface OpenedRequest {
  /** the binary HTTP request the client sent */
  request: Uint8Array;
  /** Encrypts the answer (a binary HTTP response) for that client; `nonce` fixes response_nonce, for the test vector only. */
  encapsulateResponse(response: Uint8Array, nonce?: Uint8Array): Promise<Uint8Array>;
}

/**
 * Decrypts an Encapsulated Request with whichever of `keys` it names (RFC 9458 §4.3). Throws
 * OhttpError: `keyProblem` when the key identifier or the suite is not one of ours, else when the
 * message is too short or does not decrypt (altered, or encrypted to another key).
 */
export async function decapsulateRequest(keys: readonly GatewayKey[], encapsulated: Uint8Array): Promise<OpenedRequest> {
  if (encapsulated.length < HEADER_LENGTH + ENC_LENGTH + TAG_LENGTH) throw new OhttpError('the encapsulated request is too short');
  const keyId = encapsulated[0];
  const key = keys.find((k) => k.config.keyId === keyId);
  if (!key) throw new OhttpError(`no key with identifier ${keyId}`, true);
  const header = encapsulated.subarray(0, HEADER_LENGTH);
  if (!equal(header, requestHeader(keyId))) throw new OhttpError('the request asks for a KEM, KDF or AEAD this gateway does not use with that key', true);
  const enc = encapsulated.slice(HEADER_LENGTH, HEADER_LENGTH + ENC_LENGTH);
  let request: Uint8Array;
  let secret: Uint8Array;
  try {
    const recipient = await key.suite.createRecipientContext({ recipientKey: key.privateKey, enc, info: requestInfo(header) });
    request = new Uint8Array(await recipient.open(encapsulated.subarray(HEADER_LENGTH + ENC_LENGTH)));
    secret = new Uint8Array(await recipient.export(text.encode(RESPONSE_LABEL), RESPONSE_NONCE_LENGTH));
  } catch {
    throw new OhttpError('the encapsulated request does not decrypt');
  }
  return {
    request,
    async encapsulateResponse(response, nonce = globalThis.crypto.getRandomValues(new Uint8Array(RESPONSE_NONCE_LENGTH))) {
      if (nonce.length !== RESPONSE_NONCE_LENGTH) throw new OhttpError(`response_nonce must be ${RESPONSE_NONCE_LENGTH} bytes`);
      return concat(nonce, await aesGcm('encrypt', await responseKeys(secret, enc, nonce), response));
    },
  };
}

// ---------- the response key schedule (RFC 9458 §4.4) ----------

/**
 * prk = Extract(salt = enc ‖ response_nonce, ikm = secret); key = Expand(prk, "key", Nk);
 * nonce = Expand(prk, "nonce", Nn). WebCrypto's HKDF does Extract then Expand in one call.
 */
export async function responseKeys(secret: Uint8Array, enc: Uint8Array, responseNonce: Uint8Array): Promise<{ key: Uint8Array; nonce: Uint8Array }> {
  const subtle = globalThis.crypto.subtle;
  const ikm = await subtle.importKey('raw', toArrayBuffer(secret), 'HKDF', false, ['deriveBits']);
  const salt = toArrayBuffer(concat(enc, responseNonce));
  const expand = async (label: string, length: number) =>
    new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: text.encode(label) }, ikm, length * 8));
  return { key: await expand('key', KEY_LENGTH), nonce: await expand('nonce', NONCE_LENGTH) };
}

async function aesGcm(direction: 'encrypt' | 'decrypt', keys: { key: Uint8Array; nonce: Uint8Array }, data: Uint8Array): Promise<Uint8Array> {
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.importKey('raw', toArrayBuffer(keys.key), 'AES-GCM', false, [direction]);
  const params = { name: 'AES-GCM', iv: toArrayBuffer(keys.nonce), tagLength: TAG_LENGTH * 8 };
  const out = direction === 'encrypt' ? await subtle.encrypt(params, key, toArrayBuffer(data)) : await subtle.decrypt(params, key, toArrayBuffer(data));
  return new Uint8Array(out);
}

// ---------- bytes ----------

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** A copy in its own ArrayBuffer (WebCrypto's BufferSource, whatever view it was). */
function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}
