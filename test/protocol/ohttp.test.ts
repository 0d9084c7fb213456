// Oblivious HTTP (RFC 9458): the complete example of its Appendix A byte for byte (key configuration,
// Encapsulated Request, response key schedule, Encapsulated Response), on both X25519 code paths
// (WebCrypto's, in @hpke/core, and noble-curves' pure JavaScript, in @hpke/dhkem-x25519); requests
// encrypted on one path and opened on the other; and every tampering refused.

import { createHmac } from 'node:crypto';
import { DhkemX25519HkdfSha256 as JavaScriptX25519 } from '@hpke/dhkem-x25519';
import { describe, expect, it } from 'vitest';
import {
  decapsulateRequest,
  decodeKeyConfig,
  decodeKeyConfigs,
  encapsulateRequest,
  encodeKeyConfig,
  encodeKeyConfigs,
  importGatewayKey,
  ohttpSuite,
  OhttpError,
  responseKeys,
  type GatewayKey,
} from '../../protocol/ohttp.ts';
import { KeyConfigError, offersTacitSuite } from '../../protocol/ohttp-keys.ts';

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array | ArrayBuffer) => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');

// RFC 9458 Appendix A, every value as printed there.
const A = {
  gatewaySecretKey: '3c168975674b2fa8e465970b79c8dcf09f1c741626480bd4c6162fc5b6a98e1a',
  keyConfig: '01002031e1f05a740102115220e9af918f738674aec95f54db6e04eb705aae8e79815500080001000100010003',
  request: '00034745540568747470730b6578616d706c652e636f6d012f',
  ephemeralSecretKey: 'bc51d5e930bda26589890ac7032f70ad12e4ecb37abb1b65b1256c9c48999c73',
  ephemeralPublicKey: '4b28f881333e7c164ffc499ad9796f877f4e1051ee6d31bad19dec96c208b472',
  encapsulatedRequest:
    '010020000100014b28f881333e7c164ffc499ad9796f877f4e1051ee6d31bad19dec96c208b4726374e469135906992e1268c594d2a10c695d858c40a026e7965e7d86b83dd440b2c0185204b4d63525',
  response: '0140c8',
  exportedSecret: '62d87a6ba569ee81014c2641f52bea36',
  responseNonce: 'c789e7151fcba46158ca84b04464910d',
  prk: '979aaeae066cf211ab407b31ae49767f344e1501e475c84e8aff547cc5a683db',
  aeadKey: '5d0172a080e428b16d298c4ea0db620d',
  aeadNonce: 'f6bf1aeb88d6df87007fa263',
  encapsulatedResponse: 'c789e7151fcba46158ca84b04464910d86f9013e404feea014e7be4a441f234f857fbd',
};

const KEMS = [
  ['WebCrypto X25519 (@hpke/core)', () => ohttpSuite()],
  ['JavaScript X25519 (@hpke/dhkem-x25519)', () => ohttpSuite(new JavaScriptX25519())],
] as const;

describe('key configuration (RFC 9458 §3)', () => {
  it('reads the Appendix A key configuration and writes it back byte for byte', () => {
    const config = decodeKeyConfig(hex(A.keyConfig));
    expect(config).toEqual({
      keyId: 1,
      kemId: 0x0020,
      publicKey: hex('31e1f05a740102115220e9af918f738674aec95f54db6e04eb705aae8e798155'),
      suites: [
        { kdfId: 1, aeadId: 1 },
        { kdfId: 1, aeadId: 3 },
      ],
    });
    expect(offersTacitSuite(config)).toBe(true);
    expect(toHex(encodeKeyConfig(config))).toBe(A.keyConfig);
  });

  it('application/ohttp-keys: length-prefixed configurations, and any encoding error discards the whole body', () => {
    const one = decodeKeyConfig(hex(A.keyConfig));
    const two = { ...one, keyId: 2, suites: [{ kdfId: 1, aeadId: 1 }] };
    const body = encodeKeyConfigs([one, two]);
    expect(toHex(body.subarray(0, 2))).toBe('002d'); // 45 bytes: 1 + 2 + 32 + 2 + 8
    expect(decodeKeyConfigs(body)).toEqual([one, two]);
    expect(() => decodeKeyConfigs(body.subarray(0, body.length - 1))).toThrow(KeyConfigError);
    expect(() => decodeKeyConfigs(new Uint8Array(0))).toThrow(/no key configuration/);
  });

  it('refuses an unknown KEM, a short key, a bad suites length and trailing bytes', () => {
    const bytes = hex(A.keyConfig);
    expect(() => decodeKeyConfig(Uint8Array.from([1, 0x00, 0x10, ...bytes.subarray(3)]))).toThrow(/KEM 0x0010 is not supported/);
    expect(() => decodeKeyConfig(bytes.subarray(0, 20))).toThrow(/ends inside its public key/);
    expect(() => decodeKeyConfig(Uint8Array.from([...bytes.subarray(0, 35), 0x00, 0x06, ...bytes.subarray(37)]))).toThrow(/multiple of 4/);
    expect(() => decodeKeyConfig(Uint8Array.from([...bytes, 0]))).toThrow(/its lengths say 45/);
  });

  it('a configuration without X25519 + HKDF-SHA256 + AES-128-GCM is not used', async () => {
    const chacha = { ...decodeKeyConfig(hex(A.keyConfig)), suites: [{ kdfId: 1, aeadId: 3 }] };
    expect(offersTacitSuite(chacha)).toBe(false);
    await expect(encapsulateRequest(chacha, new Uint8Array(4))).rejects.toThrow(/does not offer/);
  });
});

for (const [name, suite] of KEMS) {
  describe(`Appendix A on ${name}`, () => {
    async function vectorKeys() {
      const s = suite();
      const gateway = await importGatewayKey(decodeKeyConfig(hex(A.keyConfig)), hex(A.gatewaySecretKey), s);
      const ephemeral = {
        privateKey: await s.kem.importKey('raw', hex(A.ephemeralSecretKey).buffer, false),
        publicKey: await s.kem.importKey('raw', hex(A.ephemeralPublicKey).buffer, true),
      };
      return { s, gateway, ephemeral };
    }

    it('the client writes the Encapsulated Request of the RFC; the gateway opens it', async () => {
      const { s, gateway, ephemeral } = await vectorKeys();
      const sent = await encapsulateRequest(gateway.config, hex(A.request), { suite: s, ephemeral });
      expect(toHex(sent.encapsulated)).toBe(A.encapsulatedRequest);
      const opened = await decapsulateRequest([gateway], hex(A.encapsulatedRequest));
      expect(toHex(opened.request)).toBe(A.request);
    });

    it('the gateway writes the Encapsulated Response of the RFC; the client opens it', async () => {
      const { s, gateway, ephemeral } = await vectorKeys();
      const opened = await decapsulateRequest([gateway], hex(A.encapsulatedRequest));
      const response = await opened.encapsulateResponse(hex(A.response), hex(A.responseNonce));
      expect(toHex(response)).toBe(A.encapsulatedResponse);
      const sent = await encapsulateRequest(gateway.config, hex(A.request), { suite: s, ephemeral });
      expect(toHex(await sent.openResponse(hex(A.encapsulatedResponse)))).toBe(A.response);
    });
  });
}

it('the response key schedule gives the RFC intermediate values (prk, key, nonce)', async () => {
  const salt = hex(A.ephemeralPublicKey + A.responseNonce);
  expect(toHex(createHmac('sha256', salt).update(hex(A.exportedSecret)).digest())).toBe(A.prk); // Extract, by hand
  const keys = await responseKeys(hex(A.exportedSecret), hex(A.ephemeralPublicKey), hex(A.responseNonce));
  expect(toHex(keys.key)).toBe(A.aeadKey);
  expect(toHex(keys.nonce)).toBe(A.aeadNonce);
});

describe('the two X25519 code paths talk to each other (fresh keys, random ephemerals)', () => {
  for (const [clientName, clientSuite] of KEMS) {
    for (const [gatewayName, gatewaySuite] of KEMS) {
      if (clientName === gatewayName) continue;
      it(`client on ${clientName}, gateway on ${gatewayName}`, async () => {
        const { gateway } = await freshGateway(gatewaySuite());
        const request = new TextEncoder().encode('a request of some length '.repeat(20));
        const sent = await encapsulateRequest(gateway.config, request, { suite: clientSuite() });
        const opened = await decapsulateRequest([gateway], sent.encapsulated);
        expect(opened.request).toEqual(request);
        const answer = await opened.encapsulateResponse(new TextEncoder().encode('the answer'));
        expect(new TextDecoder().decode(await sent.openResponse(answer))).toBe('the answer');
      });
    }
  }

  it('two encapsulations of the same request share nothing (a fresh HPKE context each time)', async () => {
    const { gateway } = await freshGateway(ohttpSuite());
    const a = await encapsulateRequest(gateway.config, new Uint8Array(32));
    const b = await encapsulateRequest(gateway.config, new Uint8Array(32));
    expect(toHex(a.encapsulated.subarray(7, 39))).not.toBe(toHex(b.encapsulated.subarray(7, 39)));
    expect(toHex(a.encapsulated.subarray(39))).not.toBe(toHex(b.encapsulated.subarray(39)));
  });
});

describe('tampering fails', () => {
  it('any flipped byte of the encapsulated request: a key problem in the header, else no decryption', async () => {
    const { gateway } = await freshGateway(ohttpSuite());
    const sent = await encapsulateRequest(gateway.config, new TextEncoder().encode('report'));
    for (let i = 0; i < sent.encapsulated.length; i++) {
      const altered = sent.encapsulated.slice();
      altered[i] ^= 0x01;
      const error = await decapsulateRequest([gateway], altered).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, `byte ${i}`).toBeInstanceOf(OhttpError);
      expect((error as OhttpError).keyProblem, `byte ${i}`).toBe(i < 7);
    }
  });

  it('a truncated request, a request to another key, and a request for another gateway key id', async () => {
    const { gateway } = await freshGateway(ohttpSuite());
    const { gateway: other } = await freshGateway(ohttpSuite(), gateway.config.keyId);
    const sent = await encapsulateRequest(gateway.config, new Uint8Array(10));
    await expect(decapsulateRequest([gateway], sent.encapsulated.subarray(0, 50))).rejects.toThrow(/too short/);
    await expect(decapsulateRequest([other], sent.encapsulated)).rejects.toThrow(/does not decrypt/);
    const renamed = sent.encapsulated.slice();
    renamed[0] = (renamed[0] + 1) % 256;
    await expect(decapsulateRequest([gateway], renamed)).rejects.toMatchObject({ keyProblem: true, message: expect.stringMatching(/no key with identifier/) });
  });

  it('any flipped byte of the response, a response to another request, a short one', async () => {
    const { gateway } = await freshGateway(ohttpSuite());
    const first = await encapsulateRequest(gateway.config, new Uint8Array(10));
    const second = await encapsulateRequest(gateway.config, new Uint8Array(10));
    const answer = await (await decapsulateRequest([gateway], first.encapsulated)).encapsulateResponse(new TextEncoder().encode('202'));
    for (let i = 0; i < answer.length; i++) {
      const altered = answer.slice();
      altered[i] ^= 0x80;
      await expect(first.openResponse(altered), `byte ${i}`).rejects.toThrow(OhttpError);
    }
    await expect(second.openResponse(answer)).rejects.toThrow(/not the answer to this request/);
    await expect(first.openResponse(answer.subarray(0, 20))).rejects.toThrow(/too short/);
    expect(new TextDecoder().decode(await first.openResponse(answer))).toBe('202');
  });
});

/** A gateway key made now (X25519 through Node's crypto), imported on `suite`. */
async function freshGateway(suite: ReturnType<typeof ohttpSuite>, keyId = 7): Promise<{ gateway: GatewayKey }> {
  const { generateKeyPairSync } = await import('node:crypto');
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const jwk = { d: privateKey.export({ format: 'jwk' }).d!, x: publicKey.export({ format: 'jwk' }).x! };
  const config = { keyId, kemId: 0x0020, publicKey: Buffer.from(jwk.x, 'base64url'), suites: [{ kdfId: 1, aeadId: 1 }] };
  return { gateway: await importGatewayKey({ ...config, publicKey: new Uint8Array(config.publicKey) }, new Uint8Array(Buffer.from(jwk.d, 'base64url')), suite) };
}
