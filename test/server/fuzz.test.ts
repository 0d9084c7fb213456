// Fuzzing POST /v1/reports (and its neighbours) over real sockets: ≥ 10,000 generated malformed or hostile
// requests against the server running as a child process. Every one must get a 4xx or be cut off, the
// process must stay up with bounded memory, and no counter may change.
//
// Reproduce a failure with its seed: TACIT_FUZZ_SEED=<seed> npx vitest run --project unit test/server/fuzz.test.ts
// (each failure names its case number and kind; the same seed generates the same cases).
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, type RandomSource } from '../../core/random.ts';
import { readCounters, startChildServer, type ChildServer } from './child-server.ts';

const SEED = Number(process.env.TACIT_FUZZ_SEED ?? 0x7ac17);
const CASES = 10_000;
const CONCURRENCY = 24;
const REQUEST_TIMEOUT_MS = 2000; // the server's TACIT_REQUEST_TIMEOUT_MS in this test
/** A request that is neither answered nor cut off by then is a failure (the server must time it out). */
const CLIENT_DEADLINE_MS = 15_000;

let dir: string;
let dbPath: string;
let server: ChildServer;
let epoch: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-fuzz-'));
  dbPath = join(dir, 'tacit.sqlite');
  server = await startChildServer(dbPath, { TACIT_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
  epoch = ((await (await fetch(`${server.url}/v1/params`)).json()) as { currentEpoch: number }).currentEpoch;
}, 40_000);

afterAll(async () => {
  server?.child.kill('SIGKILL');
  await server?.exited();
  rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- raw HTTP over a socket

interface Outcome {
  /** the response status, or null when the server closed or reset the connection without one */
  status: number | null;
  /** our `error` code from the response JSON, when there was one */
  code?: string;
  /** why the socket ended without a response (ECONNRESET, EPIPE, ...) */
  socketError?: string;
  /** the client gave up: the server neither answered nor cut the request off */
  hung?: boolean;
}

/**
 * The response, once the bytes hold its head and its Content-Length body; with `ended` (the server
 * closed the connection) the head alone is enough (a HEAD response announces a body it does not send).
 */
function parseResponse(bytes: Buffer, ended = false): { status: number; code?: string } | null {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = bytes.subarray(0, end).toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (!status) return { status: -1 };
  const length = /\r\ncontent-length: *(\d+)/i.exec(head);
  const body = bytes.subarray(end + 4);
  if (length && body.length < Number(length[1]) && !ended) return null;
  let code: string | undefined;
  try {
    code = (JSON.parse(body.toString('utf8')) as { error?: string }).error;
  } catch {
    code = undefined; // Node's own 400/408/431 answers have no JSON body
  }
  return { status: Number(status[1]), code };
}

/**
 * Sends `parts` on a fresh connection (with `gapMs` between parts: a slow client) and waits for the
 * response or for the server to close the connection.
 */
function exchange(port: number, parts: Buffer[], gapMs = 0): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const deadline = setTimeout(() => settle({ status: null, hung: true }), CLIENT_DEADLINE_MS);
    const fromBytes = (socketError?: string): Outcome => {
      const response = parseResponse(Buffer.concat(received), true);
      return response ? { status: response.status, code: response.code } : { status: null, socketError: socketError ?? 'closed' };
    };
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      const response = parseResponse(Buffer.concat(received));
      if (response) settle(response);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => settle(fromBytes(error.code)));
    socket.on('close', () => settle(fromBytes()));
    let next = 0;
    const writeNext = (): void => {
      if (settled || next >= parts.length) return;
      socket.write(parts[next++], () => {
        if (gapMs > 0) timer = setTimeout(writeNext, gapMs);
        else writeNext();
      });
    };
    socket.once('connect', writeNext);
  });
}

// ---------------------------------------------------------------- the generator

interface FuzzCase {
  kind: string;
  parts: Buffer[];
}

const pick = <T>(random: RandomSource, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (random: RandomSource, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

/** Values that are never a valid taxonomy, epoch or segment id (relative to the current epoch). */
function badScalars(currentEpoch: number): string[] {
  return [
    '"1"', `"${currentEpoch}"`, 'true', 'false', 'null', '{}', '[]', '[1]', '{"$gt":0}', '1.5', `${currentEpoch}.5`,
    '-1', '-0.5', '1e400', '-1e400', '9007199254740993', '-9007199254740993', '1e21', '9'.repeat(400),
    '"NaN"', '"Infinity"', '"-Infinity"', '"0x10"', '"\\u0000"', '""', `[${currentEpoch}]`, `{"epoch":${currentEpoch}}`,
  ];
}

/** Not JSON at all, though some look like numbers. */
const NOT_JSON_VALUES = ['NaN', 'Infinity', '-Infinity', '0x10', '01', '+1', '.5', '1.', 'undefined', "'1'", '1_000', '١'];

const BAD_EPOCHS = (e: number): string[] => [`${e + 2}`, `${e + 1000}`, `${e * 1000}`, `${e - 2}`, `${e - 100}`, '0', '-1', `-${e}`, '4294967296', '8640000000000000'];

const HOSTILE_KEYS = ['userId', '__proto__', 'constructor', 'prototype', 'toString', 'ip', 'ua', 'Epoch', 'segments ', '', 'taxonomy\u0000'];

const WRONG_CONTENT_TYPES = [
  'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/html',
  'text/plainx', 'text/plain2', 'text', 'image/png', 'application/octet-stream', 'text/csv', 'application/javascript',
  'text/xml', '*/*', 'plain/text',
];

const WRONG_PATHS = [
  '/v1/reports/', '/V1/REPORTS', '/v1/Reports', '/v1/report', '/v1/reports/x', '/v1//reports', '//v1/reports',
  '/v1/reports%00', '/v1/reports;x', '/v1/%2e%2e/v1/reports', '/v1/../v1/reports', '/v2/reports', '/', '/v1/params',
  '/v1/aggregates', '/v1/aggregates/1', '/reports', `/v1/${'a'.repeat(4000)}`, '/v1/reports%2f', '/v1/reports.json',
];

function httpRequest(options: {
  method?: string;
  path?: string;
  headers?: string[];
  body?: Buffer;
  contentType?: string | null;
  contentLength?: string | null;
}): Buffer {
  const body = options.body ?? Buffer.alloc(0);
  const lines = [`${options.method ?? 'POST'} ${options.path ?? '/v1/reports'} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  if (options.contentType !== null) lines.push(`Content-Type: ${options.contentType ?? 'text/plain'}`);
  if (options.contentLength !== null) lines.push(`Content-Length: ${options.contentLength ?? body.length}`);
  lines.push(...(options.headers ?? []));
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** A report the server would accept and count. Only ever sent where something else must make it fail. */
function validReport(random: RandomSource, currentEpoch: number): Record<string, string> {
  const segment = (): string => String(int(random, 0, 22));
  const nonce = Array.from({ length: 22 }, () => NONCE_ALPHABET[int(random, 0, 63)]).join('');
  return { taxonomy: '1', epoch: String(currentEpoch - int(random, 0, 1)), segments: `[${segment()},${segment()},${segment()}]`, nonce: `"${nonce}"` };
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function objectText(entries: [string, string][]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}

/** The generators: each returns a request that must not be counted, with a kind naming why. */
function makeGenerators(currentEpoch: number): [weight: number, generate: (random: RandomSource) => FuzzCase][] {
  const post = (kind: string, body: string | Buffer, options: Parameters<typeof httpRequest>[0] = {}): FuzzCase => ({
    kind,
    parts: [httpRequest({ ...options, body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body })],
  });
  const validText = (random: RandomSource): string => objectText(Object.entries(validReport(random, currentEpoch)));
  return [
    [14, (random) => {
      // one field with a value of the wrong type or range
      const report = validReport(random, currentEpoch);
      const key = pick(random, ['taxonomy', 'epoch', 'segments', 'nonce'] as const);
      report[key] = pick(random, badScalars(currentEpoch));
      return post(`wrong type: ${key}`, objectText(Object.entries(report)));
    }],
    [6, (random) => {
      const report = validReport(random, currentEpoch);
      report.epoch = pick(random, BAD_EPOCHS(currentEpoch));
      return post('epoch out of window', objectText(Object.entries(report)));
    }],
    [6, (random) => {
      const report = validReport(random, currentEpoch);
      report.taxonomy = pick(random, ['0', '2', '3', '-1', '1000000', '4294967297']);
      return post('wrong taxonomy version', objectText(Object.entries(report)));
    }],
    [10, (random) => {
      const report = validReport(random, currentEpoch);
      const values = Array.from({ length: pick(random, [0, 1, 2, 4, 5, 50, 200]) }, () => String(int(random, 0, 22)));
      const bad = [...values.slice(0, 3)];
      while (bad.length < 3) bad.push(String(int(random, 0, 22)));
      bad[int(random, 0, 2)] = pick(random, ['23', '24', '-1', '100', '2147483648', '1.5', '"3"', 'null', '[1]', '{}', ...NOT_JSON_VALUES.slice(0, 3)]);
      report.segments = random() < 0.5 ? `[${values.join(',')}]` : `[${bad.join(',')}]`;
      return post('bad segments', objectText(Object.entries(report)));
    }],
    [8, (random) => {
      const report = validReport(random, currentEpoch);
      const key = pick(random, ['taxonomy', 'epoch', 'segments', 'nonce'] as const);
      report[key] = pick(random, NOT_JSON_VALUES);
      return post('NaN/Infinity/not-JSON numbers', objectText(Object.entries(report)));
    }],
    [8, (random) => {
      const entries = Object.entries(validReport(random, currentEpoch));
      entries.splice(int(random, 0, entries.length), 0, [pick(random, HOSTILE_KEYS), pick(random, ['1', '"x"', '{}', 'null', '{"admin":true}'])]);
      return post('extra key', objectText(entries));
    }],
    [4, (random) => {
      const entries = Object.entries(validReport(random, currentEpoch));
      entries.splice(int(random, 0, 2), 1);
      return post('missing key', objectText(entries));
    }],
    [10, (random) => {
      // the same key twice: whatever the two values, last-one-wins must not decide
      const entries = Object.entries(validReport(random, currentEpoch));
      const [key, value] = pick(random, entries);
      const other = random() < 0.5 ? value : pick(random, badScalars(currentEpoch));
      const spelled = random() < 0.3 ? `\\u${key.charCodeAt(0).toString(16).padStart(4, '0')}${key.slice(1)}` : key;
      const text = objectText(entries);
      const duplicate = `"${spelled}":${other}`;
      return post('duplicate key', random() < 0.5 ? `{${duplicate},${text.slice(1)}` : `${text.slice(0, -1)},${duplicate}}`);
    }],
    [6, (random) => {
      // nesting: the report inside objects or arrays, or deep arrays in segments
      const text = validText(random);
      const depth = int(random, 1, 300);
      const forms = [
        `{"report":${text}}`,
        `[${text}]`,
        `${'['.repeat(depth)}${']'.repeat(depth)}`,
        `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
        text.replace(/"segments":\[.*?\]/, `"segments":${'['.repeat(depth)}1${']'.repeat(depth)}`),
        text.replace(/"taxonomy":1/, `"taxonomy":{"taxonomy":1}`),
      ];
      return post('nested', pick(random, forms));
    }],
    [6, (random) => {
      // a valid report cut short or with trailing bytes
      const text = validText(random);
      const forms = [text.slice(0, int(random, 0, text.length - 1)), `${text}${pick(random, ['x', ',', '}', '{}', ' 1', '\u0000', text])}`];
      return post('truncated or trailing', pick(random, forms));
    }],
    [6, (random) => {
      // not a JSON object at all
      return post('not an object', pick(random, ['null', 'true', '1', '"report"', '[]', '[1,2,3]', '', ' ', '\n', 'report', '<xml/>', 'taxonomy=1&epoch=1']));
    }],
    [8, (random) => {
      // invalid UTF-8 inserted into an otherwise valid report
      const text = Buffer.from(validText(random));
      const at = int(random, 0, text.length);
      const bad = Buffer.from(pick(random, [[0x80], [0xbf], [0xc0, 0xaf], [0xc1, 0xbf], [0xf5], [0xff], [0xfe], [0xed, 0xa0, 0x80], [0xe0, 0x80, 0x80], [0xf0, 0x82, 0x82, 0xac], [0xc3]]));
      return post('invalid UTF-8', Buffer.concat([text.subarray(0, at), bad, text.subarray(at)]));
    }],
    [6, (random) => {
      // random bytes, sometimes longer than the body limit
      const bytes = Buffer.alloc(int(random, 1, random() < 0.8 ? 600 : 3000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = int(random, 0, 255);
      return post('random bytes', bytes);
    }],
    [10, (random) => post('wrong content type', validText(random), { contentType: pick(random, WRONG_CONTENT_TYPES) })],
    [3, (random) => post('no content type', validText(random), { contentType: null })],
    [10, (random) => {
      const method = pick(random, ['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'TRACE', 'PROPFIND', 'FOO', 'post', 'CONNECT']);
      return post(`wrong method ${method}`, validText(random), { method });
    }],
    [10, (random) => post('wrong path', validText(random), { path: pick(random, WRONG_PATHS) })],
    [4, (random) => post('disallowed origin', validText(random), { headers: [`Origin: ${pick(random, ['https://evil.example', 'null', 'http://localhost:5174', 'http://localhost:5173.evil.example', 'HTTP://LOCALHOST:5173'])}`] })],
    [3, (random) => {
      // oversized bodies: a valid report padded past the 1 KB limit
      const padding = ' '.repeat(int(random, 1100, 20_000));
      return post('over the body limit', `${validText(random)}${padding}`);
    }],
    [4, (random) => {
      // headers Node's parser must refuse: bad lengths, smuggling combinations, control bytes, too large
      const text = validText(random);
      const forms: [string, Parameters<typeof httpRequest>[0]][] = [
        ['Content-Length not a number', { contentLength: pick(random, ['abc', '-1', '1e3', '0x10', '+40', '4 0']) }],
        ['two different Content-Length', { contentLength: String(text.length), headers: [`Content-Length: ${text.length + 1}`] }],
        ['Content-Length and chunked', { headers: ['Transfer-Encoding: chunked'] }],
        ['bad Transfer-Encoding', { contentLength: null, headers: [`Transfer-Encoding: ${pick(random, ['gzip', 'chunked, gzip', 'identity', 'chunkedx'])}`] }],
        ['control byte in a header', { headers: [`X-Test: a\u0000b`] }],
        ['header too large', { headers: [`X-Big: ${'a'.repeat(20_000)}`] }],
        ['many headers', { headers: Array.from({ length: 300 }, (_, i) => `X-H${i}: ${'b'.repeat(80)}`) }],
        ['space before colon', { headers: ['Content-Type : text/plain'] }],
      ];
      const [kind, options] = pick(random, forms);
      return post(kind, text, options);
    }],
    [3, (random) => {
      // garbage instead of an HTTP request
      const garbage = [
        'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
        `POST /v1/reports HTTP/9.9\r\nContent-Length: 2\r\n\r\n{}`,
        `POST /v1/reports\r\n\r\n`,
        `\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003`, // a TLS ClientHello start
        `${'A'.repeat(int(random, 1, 9000))}\r\n\r\n`,
        `POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n{}}GET / HTTP/1.1\r\n\r\n`,
      ];
      return { kind: 'not HTTP', parts: [Buffer.from(pick(random, garbage), 'latin1')] };
    }],
    [3, (random) => {
      // the release endpoint with hostile epochs: none is released (the only report is in the open epoch)
      const digits = Array.from({ length: int(random, 1, 16) }, () => int(random, 0, 9)).join('');
      const epochText = pick(random, [digits, `${currentEpoch}`, `${currentEpoch + int(random, 1, 1000)}`, '-1', '1e3', '0x10', '%00', 'NaN', '1.5', ' 1', '9'.repeat(40), `${currentEpoch}/x`]);
      return { kind: 'hostile release epoch', parts: [httpRequest({ method: 'GET', path: `/v1/aggregates/${epochText.replace(/ /g, '%20')}`, contentType: null, contentLength: null })] };
    }],
    [0.4, (random) => {
      // a lying Content-Length: the body is shorter, so the request can only end by the request timeout
      const text = validText(random);
      return post('Content-Length larger than the body', text.slice(0, int(random, 0, text.length - 1)), { contentLength: String(text.length + int(random, 1, 500)) });
    }],
  ];
}

function generateCases(seed: number, count: number, currentEpoch: number): FuzzCase[] {
  const random = mulberry32(seed);
  const generators = makeGenerators(currentEpoch);
  const total = generators.reduce((sum, [weight]) => sum + weight, 0);
  return Array.from({ length: count }, () => {
    let roll = random() * total;
    for (const [weight, generate] of generators) {
      roll -= weight;
      if (roll < 0) return generate(random);
    }
    return generators[0][1](random);
  });
}

/** Multi-megabyte bodies, with and without Content-Length (chunked). */
function hugeCases(random: RandomSource, currentEpoch: number): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (let i = 0; i < 6; i++) {
    const size = int(random, 2, 5) * 1024 * 1024;
    const body = Buffer.alloc(size, 0x20);
    Buffer.from(objectText(Object.entries(validReport(random, currentEpoch)))).copy(body);
    cases.push({ kind: `huge body ${size >> 20} MB`, parts: [httpRequest({ body })] });
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const head = Buffer.from('POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n', 'latin1');
    const chunks = Array.from({ length: size / chunk.length }, () => Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
    cases.push({ kind: `huge chunked body ${size >> 20} MB`, parts: [head, ...chunks, Buffer.from('0\r\n\r\n')] });
  }
  return cases;
}

async function runPool(port: number, cases: FuzzCase[], onOutcome: (index: number, outcome: Outcome) => void): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (next < cases.length) {
      const index = next++;
      onOutcome(index, await exchange(port, cases[index].parts));
    }
  });
  await Promise.all(workers);
}

// ---------------------------------------------------------------- the test

describe('fuzzing the report endpoint over real sockets', () => {
  it(`answers ${CASES}+ malformed or hostile requests with 4xx or cuts them off; no counter changes, bounded memory`, async () => {
    const { port } = server;
    // A valid report first, through the same raw client: proves that the client and the counter check work.
    const control = objectText(Object.entries({ taxonomy: '1', epoch: String(epoch), segments: '[1,2,0]', nonce: '"fuzzcontrolnonce000000"' }));
    expect(await exchange(port, [httpRequest({ body: Buffer.from(control) })])).toMatchObject({ status: 202 });
    const before = readCounters(dbPath);
    expect(before.reports).toEqual([{ taxonomy: 1, epoch, reports: 1 }]);

    const random = mulberry32(SEED ^ 0x5eed);
    const cases = [...generateCases(SEED, CASES, epoch), ...hugeCases(random, epoch)];
    const failures: string[] = [];
    const statuses = new Map<string, number>();
    const codes = new Set<string>();
    const record = (kind: string, index: number, outcome: Outcome): void => {
      const label = outcome.status === null ? `cut off (${outcome.hung ? 'hung' : outcome.socketError})` : String(outcome.status);
      statuses.set(label, (statuses.get(label) ?? 0) + 1);
      if (outcome.code) codes.add(outcome.code);
      const refused = outcome.status !== null && outcome.status >= 400 && outcome.status < 500;
      const cutOff = outcome.status === null && !outcome.hung;
      if (!refused && !cutOff && failures.length < 20) failures.push(`seed ${SEED} case ${index} (${kind}): ${label}${outcome.code ? ` ${outcome.code}` : ''}`);
    };

    // Memory: sample the server's RSS throughout.
    const baselineRss = server.rssBytes();
    let peakRss = baselineRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.rssBytes())), 100);

    // Slowloris, alongside the flood: a few connections dribble a valid report (body or headers)
    // one byte every 250 ms, far slower than the request timeout allows. They must be cut off;
    // had the server waited, the report would have been counted.
    const slowReport = httpRequest({ body: Buffer.from(control) });
    const headerEnd = slowReport.indexOf('\r\n\r\n') + 4;
    const slow = [
      ...Array.from({ length: 3 }, () => [slowReport.subarray(0, headerEnd), ...[...slowReport.subarray(headerEnd)].map((byte) => Buffer.from([byte]))]),
      ...Array.from({ length: 2 }, () => [...slowReport].map((byte) => Buffer.from([byte]))),
    ];
    const slowOutcomes = Promise.all(slow.map((parts) => exchange(port, parts, 250)));

    try {
      await runPool(port, cases, (index, outcome) => record(cases[index].kind, index, outcome));
      (await slowOutcomes).forEach((outcome, index) => record('slowloris', -1 - index, outcome));
    } finally {
      clearInterval(sampler);
    }
    peakRss = Math.max(peakRss, server.rssBytes());

    const summary = { seed: SEED, requests: cases.length + slow.length, statuses: Object.fromEntries(statuses), codes: [...codes].sort(), baselineRssMB: Math.round(baselineRss / 2 ** 20), peakRssMB: Math.round(peakRss / 2 ** 20) };
    console.log(`fuzz: ${JSON.stringify(summary)}`);
    expect(failures).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(CASES);

    // The generator reached every rule it aims at (otherwise "all refused" would prove little).
    const expectedCodes = ['invalid_json', 'invalid_report', 'duplicate_key', 'invalid_encoding', 'unknown_taxonomy', 'epoch_in_future', 'epoch_closed'];
    expectedCodes.push('body_too_large', 'unsupported_media_type', 'not_found', 'origin_not_allowed', 'invalid_epoch', 'epoch_open', 'not_released');
    for (const code of expectedCodes) {
      expect(codes, `no response with error ${code}`).toContain(code);
    }
    for (const status of ['400', '403', '404', '408', '409', '413', '415', '422', '431']) expect(statuses.get(status) ?? 0, `no ${status}`).toBeGreaterThan(0);

    // Still up, memory bounded: a slow or huge request holds at most ~1 KB of body, so a flood of
    // them must not grow the process by more than a small multiple of its own baseline.
    expect(server.child.exitCode).toBeNull();
    expect(peakRss - baselineRss).toBeLessThan(96 * 2 ** 20);

    // No counter changed, and the server still counts a valid report (a new one: the control resent is a duplicate).
    expect(readCounters(dbPath)).toEqual(before);
    expect(await exchange(port, [httpRequest({ body: Buffer.from(control) })])).toMatchObject({ status: 202 });
    expect(readCounters(dbPath)).toEqual(before);
    const another = control.replace('fuzzcontrolnonce000000', 'fuzzcontrolnonce000001');
    expect(await exchange(port, [httpRequest({ body: Buffer.from(another) })])).toMatchObject({ status: 202 });
    expect(readCounters(dbPath).reports).toEqual([{ taxonomy: 1, epoch, reports: 2 }]);
  }, 120_000);
});
