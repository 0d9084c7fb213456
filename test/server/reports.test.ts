import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { counters, EPOCH0, makeTestServer, postReport, reportBody, type TestServer } from './helpers.ts';

let server: TestServer;
beforeEach(async () => {
  server = await makeTestServer();
});
afterEach(async () => {
  await server.close();
});

describe('POST /v1/reports', () => {
  it('accepts a valid report with 202 and counts each slot and the report', async () => {
    const response = await postReport(server.app, reportBody(EPOCH0, [3, 0, 3]));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ ok: true, epoch: EPOCH0 });
    expect(counters(server.db)).toEqual({
      reports: [{ taxonomy: 1, epoch: EPOCH0, reports: 1 }],
      counts: [
        { taxonomy: 1, epoch: EPOCH0, value: 0, count: 1 },
        { taxonomy: 1, epoch: EPOCH0, value: 3, count: 2 },
      ],
    });
  });

  it('accepts the browser form text/plain;charset=UTF-8 and the previous epoch (grace)', async () => {
    expect((await postReport(server.app, reportBody(EPOCH0, [1, 2, 3]), { 'content-type': 'text/plain;charset=UTF-8' })).statusCode).toBe(202);
    expect((await postReport(server.app, reportBody(EPOCH0 - 1, [1, 2, 3]))).statusCode).toBe(202);
  });

  const valid = reportBody(EPOCH0, [1, 2, 0]);
  const badInputs: { name: string; payload: string; headers?: Record<string, string>; status: number; error: string }[] = [
    { name: 'malformed JSON', payload: '{"taxonomy":1,', status: 400, error: 'invalid_json' },
    { name: 'empty body', payload: '', status: 400, error: 'invalid_json' },
    { name: 'a JSON array', payload: '[1,2,3]', status: 400, error: 'invalid_report' },
    { name: 'JSON null', payload: 'null', status: 400, error: 'invalid_report' },
    { name: 'taxonomy as a string', payload: `{"taxonomy":"1","epoch":${EPOCH0},"segments":[1,2,0]}`, status: 400, error: 'invalid_report' },
    { name: 'epoch as a string', payload: `{"taxonomy":1,"epoch":"${EPOCH0}","segments":[1,2,0]}`, status: 400, error: 'invalid_report' },
    { name: 'float epoch', payload: `{"taxonomy":1,"epoch":${EPOCH0}.5,"segments":[1,2,0]}`, status: 400, error: 'invalid_report' },
    { name: 'float segment', payload: `{"taxonomy":1,"epoch":${EPOCH0},"segments":[1.5,2,0]}`, status: 400, error: 'invalid_report' },
    { name: 'string segment', payload: `{"taxonomy":1,"epoch":${EPOCH0},"segments":["1",2,0]}`, status: 400, error: 'invalid_report' },
    { name: 'null segment', payload: `{"taxonomy":1,"epoch":${EPOCH0},"segments":[null,2,0]}`, status: 400, error: 'invalid_report' },
    { name: 'segments not an array', payload: `{"taxonomy":1,"epoch":${EPOCH0},"segments":{"0":1}}`, status: 400, error: 'invalid_report' },
    { name: 'unknown key', payload: `{"taxonomy":1,"epoch":${EPOCH0},"segments":[1,2,0],"userId":"u1"}`, status: 400, error: 'invalid_report' },
    { name: '__proto__ key', payload: `{"taxonomy":1,"epoch":${EPOCH0},"segments":[1,2,0],"__proto__":{"x":1}}`, status: 400, error: 'invalid_report' },
    { name: 'a repeated key (last-one-wins would accept it)', payload: `{"taxonomy":1,"epoch":${EPOCH0 - 5},"epoch":${EPOCH0},"segments":[1,2,0]}`, status: 400, error: 'duplicate_key' },
    { name: 'a repeated key spelled with an escape', payload: `{"taxonomy":1,"epoch":${EPOCH0},"segments":[9,9,9],"s\u0065gments":[1,2,0]}`, status: 400, error: 'duplicate_key' },
    { name: 'a byte order mark', payload: `\uFEFF${valid}`, status: 400, error: 'invalid_json' },
    { name: 'missing key', payload: `{"taxonomy":1,"epoch":${EPOCH0}}`, status: 400, error: 'invalid_report' },
    { name: 'too few segments', payload: reportBody(EPOCH0, [1, 2]), status: 400, error: 'invalid_report' },
    { name: 'too many segments', payload: reportBody(EPOCH0, [1, 2, 3, 4]), status: 400, error: 'invalid_report' },
    { name: 'segment id out of domain', payload: reportBody(EPOCH0, [1, 2, 23]), status: 400, error: 'invalid_report' },
    { name: 'negative segment id', payload: reportBody(EPOCH0, [1, -2, 0]), status: 400, error: 'invalid_report' },
    { name: 'unknown taxonomy version', payload: reportBody(EPOCH0, [1, 2, 0], 2), status: 422, error: 'unknown_taxonomy' },
    { name: 'future epoch', payload: reportBody(EPOCH0 + 1, [1, 2, 0]), status: 422, error: 'epoch_in_future' },
    { name: 'closed epoch', payload: reportBody(EPOCH0 - 2, [1, 2, 0]), status: 422, error: 'epoch_closed' },
    { name: 'negative epoch', payload: reportBody(-1, [1, 2, 0]), status: 400, error: 'invalid_report' },
    { name: 'oversized body', payload: `{"taxonomy":1,"epoch":${EPOCH0},"segments":[1,2,0]}${' '.repeat(1100)}`, status: 413, error: 'body_too_large' },
    { name: 'content type application/json', payload: valid, headers: { 'content-type': 'application/json' }, status: 415, error: 'unsupported_media_type' },
    { name: 'content type x-www-form-urlencoded', payload: valid, headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, error: 'unsupported_media_type' },
    { name: 'content type text/plainx', payload: valid, headers: { 'content-type': 'text/plainx' }, status: 415, error: 'unsupported_media_type' },
    { name: 'disallowed origin', payload: valid, headers: { origin: 'https://evil.example' }, status: 403, error: 'origin_not_allowed' },
    { name: 'origin "null"', payload: valid, headers: { origin: 'null' }, status: 403, error: 'origin_not_allowed' },
  ];

  it.each(badInputs)('rejects $name with $status and changes no counter', async ({ payload, headers, status, error }) => {
    // One accepted report first, so "unchanged" is checked against real rows.
    expect((await postReport(server.app, reportBody(EPOCH0, [4, 5, 6]))).statusCode).toBe(202);
    const before = counters(server.db);
    const response = await postReport(server.app, payload, headers);
    expect(response.statusCode).toBe(status);
    const body = response.json();
    expect(body.ok).toBe(false);
    expect(body.error).toBe(error);
    expect(typeof body.message).toBe('string');
    expect(body.message.length).toBeGreaterThan(10);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(counters(server.db)).toEqual(before);
  });

  it('rejects bodies that are not valid UTF-8 with 400 and changes no counter', async () => {
    const text = Buffer.from(valid);
    const bodies = [
      Buffer.concat([text, Buffer.from([0xff])]),
      Buffer.concat([Buffer.from([0xc3]), text]), // a truncated two-byte sequence
      Buffer.concat([Buffer.from('{"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(valid.slice(2))]), // an encoded surrogate (U+D800)
    ];
    const before = counters(server.db);
    for (const payload of bodies) {
      const response = await server.app.inject({ method: 'POST', url: '/v1/reports', headers: { 'content-type': 'text/plain' }, payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_encoding');
    }
    expect(counters(server.db)).toEqual(before);
  });

  it('rejects a body without content type with 415', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/v1/reports', payload: Buffer.from(valid) });
    expect(response.statusCode).toBe(415);
    expect(counters(server.db)).toEqual({ reports: [], counts: [] });
  });

  it('sends Access-Control-Allow-Origin only to allowed origins', async () => {
    const allowed = await postReport(server.app, valid, { origin: 'http://localhost:5173' });
    expect(allowed.statusCode).toBe(202);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    // A cross-origin device can read a 429's Retry-After only when the server exposes it.
    expect(allowed.headers['access-control-expose-headers']).toBe('Retry-After, WWW-Authenticate');
    expect(allowed.headers.vary).toContain('Origin');
    const params = await server.app.inject({ url: '/v1/params', headers: { origin: 'http://127.0.0.1:5173' } });
    expect(params.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173');
    const refused = await server.app.inject({ url: '/v1/params', headers: { origin: 'http://localhost:5174' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('GET /v1/params', () => {
  it('publishes the taxonomy and privacy parameters, cacheable for an hour, and no token issuer by default', async () => {
    const response = await server.app.inject({ url: '/v1/params' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=3600');
    expect(response.json().token).toBeNull();
    const params = response.json();
    expect(params).toMatchObject({ epsilon: 4, slots: 3, epochSeconds: 604_800, k: 50, releaseEpsilon: 1, currentEpoch: EPOCH0 });
    expect(params.taxonomy.version).toBe(1);
    expect(params.taxonomy.segments.length).toBeGreaterThanOrEqual(20);
    const ids = params.taxonomy.segments.map((segment: { id: number }) => segment.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id: number) => Number.isInteger(id) && id >= 1)).toBe(true);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await server.app.inject({ url: '/v1/nothing' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('not_found');
  });
});

describe('POST /v1/reports with an experiment part', () => {
  const EXPERIMENT = { id: 'shelf-1', arms: ['control', 'personal'], outcomes: ['click', 'order'] as ('click' | 'order')[], revenueBuckets: [25, 100, 250], epsilon: 2, split: [0.5, 0.5] };
  const withPart = (experiment: object) => reportBody(EPOCH0, [1, 0, 0]).replace(/}$/, `,"experiment":${JSON.stringify(experiment)}}`);

  it('counts the segments and the part in one go; an unknown experiment or a value out of range counts nothing', async () => {
    const running = await makeTestServer({ experiment: EXPERIMENT, epsilon: 2 });
    try {
      expect((await postReport(running.app, withPart({ id: 'shelf-1', arm: 1, outcome: 0, value: 1 }))).statusCode).toBe(202);
      expect((await postReport(running.app, withPart({ id: 'shelf-1', arm: 1, outcome: 0, value: 1 }))).statusCode).toBe(202);
      expect((await postReport(running.app, reportBody(EPOCH0, [2, 0, 0]))).statusCode).toBe(202); // no part: a device not in the test
      const unknown = await postReport(running.app, withPart({ id: 'shelf-2', arm: 0, outcome: 0, value: 1 }));
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().error).toBe('unknown_experiment');
      expect((await postReport(running.app, withPart({ id: 'shelf-1', arm: 0, outcome: 2, value: 1 }))).statusCode).toBe(400); // two outcomes only
      expect(counters(running.db)).toMatchObject({ reports: [{ epoch: EPOCH0, reports: 3 }] });
      expect(await running.store.experimentCounts({ experiment: 'shelf-1', epochSeconds: running.config.epochSeconds }, EPOCH0, EPOCH0)).toEqual([
        { epoch: EPOCH0, arm: 1, outcome: 0, value: 1, count: 2 },
      ]);
    } finally {
      await running.close();
    }
  });

  it('a server without an experiment refuses a report with a part (422), so nothing is counted under a definition it does not know', async () => {
    const response = await postReport(server.app, withPart({ id: 'shelf-1', arm: 0, outcome: 0, value: 1 }));
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: 'unknown_experiment', message: expect.stringMatching(/runs no experiment/) });
    expect(counters(server.db)).toEqual({ reports: [], counts: [] });
  });

  it('publishes the experiment in GET /v1/params for devices to compare with their own', async () => {
    const running = await makeTestServer({ experiment: EXPERIMENT, epsilon: 2 });
    try {
      const params = (await running.app.inject({ url: '/v1/params' })).json();
      expect(params.experiment).toEqual({ id: 'shelf-1', arms: ['control', 'personal'], outcomes: ['click', 'order'], revenueBuckets: [25, 100, 250], epsilon: 2 });
      expect(params.epsilon).toBe(2);
      expect((await server.app.inject({ url: '/v1/params' })).json()).not.toHaveProperty('experiment');
    } finally {
      await running.close();
    }
  });
});

