// Binary HTTP (RFC 9292), known-length messages: the examples of RFC 9292 §5 and RFC 9458 Appendix A
// byte for byte, a round trip with content and padding, and every way a message can be invalid.

import { describe, expect, it } from 'vitest';
import { BinaryHttpError, decodeRequest, decodeResponse, encodeRequest, encodeResponse, fieldValue } from '../../protocol/binary-http.ts';

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const text = (b: Uint8Array) => new TextDecoder().decode(b);

// RFC 9292 §5.1, "Known-Length Binary Encoding of Request".
const RFC9292_REQUEST = hex(`
  00034745 54056874 74707300 0a2f6865 6c6c6f2e 74787440 6c0a7573 65722d61
  67656e74 34637572 6c2f372e 31362e33 206c6962 6375726c 2f372e31 362e3320
  4f70656e 53534c2f 302e392e 376c207a 6c69622f 312e322e 3304686f 73740f77
  77772e65 78616d70 6c652e63 6f6d0f61 63636570 742d6c61 6e677561 67650665
  6e2c206d 690000`);
// RFC 9292 §5.2, "Known-Length Encoding of Response" (the chunked example, with a trailer).
const RFC9292_RESPONSE = hex(`
  0140c800 1d546869 7320636f 6e74656e 7420636f 6e746169 6e732043 524c462e
  0d0a0d07 74726169 6c657204 74657874`);
// RFC 9458 Appendix A: the request (truncated after its control data) and the response (a status only).
const RFC9458_REQUEST = hex('00034745540568747470730b6578616d706c652e636f6d012f');
const RFC9458_RESPONSE = hex('0140c8');

describe('RFC 9292 examples', () => {
  it('reads the known-length request and writes it back byte for byte', () => {
    const request = decodeRequest(RFC9292_REQUEST);
    expect(request).toMatchObject({ method: 'GET', scheme: 'https', authority: '', path: '/hello.txt' });
    expect(request.headers).toEqual([
      ['user-agent', 'curl/7.16.3 libcurl/7.16.3 OpenSSL/0.9.7l zlib/1.2.3'],
      ['host', 'www.example.com'],
      ['accept-language', 'en, mi'],
    ]);
    expect(request.content.length).toBe(0);
    expect(toHex(encodeRequest(request))).toBe(toHex(RFC9292_REQUEST));
  });

  it('reads the same request truncated by its last two bytes (empty content and trailers)', () => {
    expect(decodeRequest(RFC9292_REQUEST.subarray(0, RFC9292_REQUEST.length - 2))).toEqual(decodeRequest(RFC9292_REQUEST));
  });

  it('reads the known-length response with content and a trailer', () => {
    const response = decodeResponse(RFC9292_RESPONSE);
    expect(response.status).toBe(200);
    expect(response.headers).toEqual([]);
    expect(text(response.content)).toBe('This content contains CRLF.\r\n');
  });

  it('refuses the indeterminate-length response example: only known-length messages are accepted', () => {
    expect(() => decodeResponse(hex('03406607 72756e6e 696e670a 22736c65 65702031 35220040'))).toThrow(/indeterminate-length/);
  });
});

describe('RFC 9458 Appendix A messages', () => {
  it('reads the request truncated after its control data', () => {
    expect(decodeRequest(RFC9458_REQUEST)).toEqual({ method: 'GET', scheme: 'https', authority: 'example.com', path: '/', headers: [], content: new Uint8Array(0) });
  });

  it('reads the response that is a status and nothing else', () => {
    expect(decodeResponse(RFC9458_RESPONSE)).toEqual({ status: 200, headers: [], content: new Uint8Array(0) });
  });
});

describe('round trips', () => {
  const report = new TextEncoder().encode('{"taxonomy":1,"epoch":2934,"segments":[3,0,17],"nonce":"AAAAAAAAAAAAAAAAAAAAAA"}');

  it('a request with content, padded to a multiple of 256 bytes, reads back the same', () => {
    const request = { method: 'POST', scheme: 'https', authority: 'stats.shop.example', path: '/v1/reports', headers: [['content-type', 'text/plain']] as [string, string][], content: report };
    const bytes = encodeRequest(request, 256);
    expect(bytes.length % 256).toBe(0);
    expect(decodeRequest(bytes)).toEqual(request);
  });

  it('a response with headers and content, 2-, 4- and 8-byte lengths', () => {
    for (const size of [10, 100, 20_000]) {
      const response = { status: 429, headers: [['retry-after', '120'], ['content-type', 'application/json; charset=utf-8']] as [string, string][], content: new Uint8Array(size).fill(7) };
      const back = decodeResponse(encodeResponse(response, 64));
      expect(back).toEqual(response);
      expect(fieldValue(back.headers, 'retry-after')).toBe('120');
    }
  });

  it('skips informational responses before the final one', () => {
    // 1, 103 (link: </a>), then 204 with no fields.
    const bytes = hex('01 4067 0a 046c696e6b 043c2f613e 40cc 00 00 00');
    expect(decodeResponse(bytes)).toEqual({ status: 204, headers: [], content: new Uint8Array(0) });
  });
});

describe('invalid messages throw BinaryHttpError', () => {
  const valid = encodeRequest({ method: 'POST', scheme: 'https', authority: 'a.example', path: '/v1/reports', headers: [['content-type', 'text/plain']], content: new Uint8Array([1, 2, 3]) });
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /truncated before the framing indicator/],
    ['a response read as a request', RFC9458_RESPONSE, /not a known-length request/],
    ['an indeterminate-length request', hex('02'), /indeterminate-length requests/],
    ['truncated inside the control data', RFC9458_REQUEST.subarray(0, 10), /longer than the message|truncated/],
    ['truncated inside the content', valid.subarray(0, valid.length - 3), /content is longer than the message/],
    ['non-zero padding', Uint8Array.from([...valid, 0, 0, 1]), /padding must be zeros/],
    ['an upper-case field name', hex('00 04504f5354 056874747073 00 012f 0e 0c436f6e74656e742d54797065 00'), /not a lower-case token/],
    ['a pseudo-field', hex('00 04504f5354 056874747073 00 012f 07 053a70617468 012f'), /pseudo-field/],
    ['a field value with CR LF', hex('00 04504f5354 056874747073 00 012f 06 0161 0378 0d0a'), /control character/],
    ['a path that is not a path', hex('00 03474554 056874747073 00 0161'), /must start with/],
  ];
  for (const [name, bytes, message] of cases) {
    it(name, () => {
      expect(() => decodeRequest(bytes)).toThrow(BinaryHttpError);
      expect(() => decodeRequest(bytes)).toThrow(message);
    });
  }

  it('a status outside 200…599, and a response that ends after an informational one', () => {
    expect(() => decodeResponse(hex('01 4258'))).toThrow(/not a final status/); // 600
    expect(() => decodeResponse(hex('01 4064'))).toThrow(/truncated after an informational response/); // 100
    expect(() => encodeResponse({ status: 101, headers: [], content: new Uint8Array(0) })).toThrow(BinaryHttpError);
  });

  it('the writer refuses what the reader would refuse', () => {
    const base = { method: 'POST', scheme: 'https', authority: '', path: '/', content: new Uint8Array(0) };
    expect(() => encodeRequest({ ...base, headers: [['Content-Type', 'text/plain']] })).toThrow(/lower-case token/);
    expect(() => encodeRequest({ ...base, headers: [['x', 'a\r\nb']] })).toThrow(/control character/);
    expect(() => encodeRequest({ ...base, path: 'v1', headers: [] })).toThrow(/must start with/);
  });
});
