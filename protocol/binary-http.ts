/**
 * Binary HTTP messages (RFC 9292), known-length form only: what Oblivious HTTP (protocol/ohttp.ts)
 * encrypts. The device writes one request (its report) and reads one response; the gateway does the
 * opposite. Indeterminate-length messages (framing indicators 2 and 3) are refused: neither side
 * writes them, and accepting fewer forms leaves less to get wrong.
 *
 * Strict reading, as RFC 9292 §4 asks of invalid messages: a truncated length, a field name that is
 * not a lower-case token, a pseudo-field (`:path`…), a field value with a control byte, a status out
 * of range, or non-zero padding each throw BinaryHttpError. A message may be truncated before a field
 * section or content (§3.1): what is missing is empty. Padding (zero bytes after the trailers, §3.8)
 * lets a sender hide the exact length of what it sends.
 */

export interface BinaryHttpRequest {
  method: string;
  /** "https" or "http" */
  scheme: string;
  /** host[:port]; may be empty (RFC 9292 §3.4) */
  authority: string;
  /** the path and query, starting with "/" */
  path: string;
  /** field lines in order, names in lower case */
  headers: [name: string, value: string][];
  content: Uint8Array;
}

export interface BinaryHttpResponse {
  /** the final status, 200…599 (informational responses are read and dropped) */
  status: number;
  headers: [name: string, value: string][];
  content: Uint8Array;
}

export class BinaryHttpError extends Error {
  override name = 'BinaryHttpError';
}

const KNOWN_LENGTH_REQUEST = 0;
const KNOWN_LENGTH_RESPONSE = 1;
/** RFC 9110 §5.6.2 token characters, lower case only (RFC 9113 §8.2.1: upper case makes a message malformed). */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** No NUL, CR or LF anywhere, no leading or trailing space or tab (RFC 9113 §8.2.1). */
const FIELD_VALUE = /^(?:[^\0\r\n \t](?:[^\0\r\n]*[^\0\r\n \t])?)?$/;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// ---------- writing ----------

class Writer {
  private readonly parts: Uint8Array[] = [];
  length = 0;

  bytes(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  /** A QUIC variable-length integer (RFC 9000 §16): 1, 2, 4 or 8 bytes. */
  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new BinaryHttpError(`cannot encode ${value} as a variable-length integer`);
    if (value < 0x40) this.bytes(Uint8Array.of(value));
    else if (value < 0x4000) this.bytes(Uint8Array.of(0x40 | (value >> 8), value & 0xff));
    else if (value < 0x4000_0000) this.bytes(Uint8Array.of(0x80 | (value >>> 24), (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff));
    else {
      const high = Math.floor(value / 2 ** 32);
      const low = value >>> 0;
      this.bytes(Uint8Array.of(0xc0 | (high >>> 24), (high >>> 16) & 0xff, (high >>> 8) & 0xff, high & 0xff, low >>> 24, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff));
    }
  }

  lengthPrefixed(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.bytes(bytes);
  }

  fieldSection(fields: [string, string][]): void {
    const section = new Writer();
    for (const [name, value] of fields) {
      if (!FIELD_NAME.test(name)) throw new BinaryHttpError(`field name "${name}" is not a lower-case token`);
      if (!FIELD_VALUE.test(value)) throw new BinaryHttpError(`the value of field "${name}" has a control character or surrounding space`);
      section.lengthPrefixed(utf8.encode(name));
      section.lengthPrefixed(utf8.encode(value));
    }
    this.lengthPrefixed(section.finish());
  }

  /** The message, with zero bytes added up to a multiple of `padTo` (0: none). */
  finish(padTo = 0): Uint8Array {
    const padding = padTo > 0 ? (padTo - (this.length % padTo)) % padTo : 0;
    const out = new Uint8Array(this.length + padding);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

/** A known-length request (framing indicator 0), with an empty trailer section, padded to a multiple of `padTo` bytes. */
export function encodeRequest(request: BinaryHttpRequest, padTo = 0): Uint8Array {
  if (!METHOD.test(request.method)) throw new BinaryHttpError(`method "${request.method}" is not a token`);
  if (!request.path.startsWith('/')) throw new BinaryHttpError('the path must start with "/"');
  const w = new Writer();
  w.varint(KNOWN_LENGTH_REQUEST);
  for (const part of [request.method, request.scheme, request.authority, request.path]) w.lengthPrefixed(utf8.encode(part));
  w.fieldSection(request.headers);
  w.lengthPrefixed(request.content);
  w.fieldSection([]);
  return w.finish(padTo);
}

/** A known-length response (framing indicator 1) without informational responses, padded to a multiple of `padTo` bytes. */
export function encodeResponse(response: BinaryHttpResponse, padTo = 0): Uint8Array {
  checkFinalStatus(response.status);
  const w = new Writer();
  w.varint(KNOWN_LENGTH_RESPONSE);
  w.varint(response.status);
  w.fieldSection(response.headers);
  w.lengthPrefixed(response.content);
  w.fieldSection([]);
  return w.finish(padTo);
}

// ---------- reading ----------

class Reader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  varint(what: string): number {
    if (this.done) throw new BinaryHttpError(`truncated before ${what}`);
    const first = this.bytes[this.offset];
    const size = 1 << (first >> 6);
    if (this.offset + size > this.bytes.length) throw new BinaryHttpError(`truncated inside ${what}`);
    let value = first & 0x3f;
    for (let i = 1; i < size; i++) value = value * 256 + this.bytes[this.offset + i];
    this.offset += size;
    return value;
  }

  take(length: number, what: string): Uint8Array {
    if (length > this.bytes.length - this.offset) throw new BinaryHttpError(`${what} is longer than the message`);
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  lengthPrefixed(what: string): Uint8Array {
    return this.take(this.varint(`the length of ${what}`), what);
  }

  text(what: string): string {
    try {
      return strictUtf8.decode(this.lengthPrefixed(what));
    } catch (error) {
      if (error instanceof BinaryHttpError) throw error;
      throw new BinaryHttpError(`${what} is not UTF-8`);
    }
  }

  /** A field section; a message truncated here has an empty one. */
  fieldSection(what: string): [string, string][] {
    if (this.done) return [];
    const section = new Reader(this.lengthPrefixed(what));
    const fields: [string, string][] = [];
    while (!section.done) {
      const name = section.text(`a field name in ${what}`);
      if (name.startsWith(':')) throw new BinaryHttpError(`pseudo-field "${name}" in ${what}`);
      if (!FIELD_NAME.test(name)) throw new BinaryHttpError(`field name "${name}" in ${what} is not a lower-case token`);
      const value = section.text(`the value of "${name}"`);
      if (!FIELD_VALUE.test(value)) throw new BinaryHttpError(`the value of "${name}" has a control character or surrounding space`);
      fields.push([name, value]);
    }
    return fields;
  }

  /** Content; a message truncated here has none. */
  content(): Uint8Array {
    return this.done ? new Uint8Array(0) : this.lengthPrefixed('the content').slice();
  }

  /** After the trailers: only zero bytes (padding) may follow. */
  end(): void {
    while (!this.done) {
      if (this.bytes[this.offset++] !== 0) throw new BinaryHttpError('non-zero bytes after the message (padding must be zeros)');
    }
  }
}

/** Reads a known-length request; throws BinaryHttpError on anything RFC 9292 calls invalid. */
export function decodeRequest(bytes: Uint8Array): BinaryHttpRequest {
  const r = new Reader(bytes);
  const framing = r.varint('the framing indicator');
  if (framing !== KNOWN_LENGTH_REQUEST) throw new BinaryHttpError(framing === 2 ? 'indeterminate-length requests are not accepted' : `framing indicator ${framing} is not a known-length request`);
  const method = r.text('the method');
  const scheme = r.text('the scheme');
  const authority = r.text('the authority');
  const path = r.text('the path');
  if (!METHOD.test(method)) throw new BinaryHttpError(`method "${method}" is not a token`);
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) throw new BinaryHttpError(`scheme "${scheme}" is not a scheme`);
  if (!path.startsWith('/')) throw new BinaryHttpError('the path must start with "/"');
  const headers = r.fieldSection('the header section');
  const content = r.content();
  r.fieldSection('the trailer section');
  r.end();
  return { method, scheme, authority, path, headers, content };
}

/** Reads a known-length response (dropping informational ones); throws BinaryHttpError when invalid. */
export function decodeResponse(bytes: Uint8Array): BinaryHttpResponse {
  const r = new Reader(bytes);
  const framing = r.varint('the framing indicator');
  if (framing !== KNOWN_LENGTH_RESPONSE) throw new BinaryHttpError(framing === 3 ? 'indeterminate-length responses are not accepted' : `framing indicator ${framing} is not a known-length response`);
  let status = r.varint('the status code');
  while (status >= 100 && status < 200) {
    if (r.done) throw new BinaryHttpError('truncated after an informational response');
    r.fieldSection('an informational header section');
    status = r.varint('the status code');
  }
  checkFinalStatus(status);
  const headers = r.fieldSection('the header section');
  const content = r.content();
  r.fieldSection('the trailer section');
  r.end();
  return { status, headers, content };
}

function checkFinalStatus(status: number): void {
  if (!Number.isInteger(status) || status < 200 || status > 599) throw new BinaryHttpError(`status ${status} is not a final status (200…599)`);
}

/** The value of the first field named `name` (lower case), or null. */
export function fieldValue(fields: [string, string][], name: string): string | null {
  return fields.find(([n]) => n === name)?.[1] ?? null;
}
