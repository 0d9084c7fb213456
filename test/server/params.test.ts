// GET /v1/params is cacheable (issue 15, item 5, server side): a device or a proxy keeps it for an
// hour and revalidates it with its ETag, instead of asking the server on every page view.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestServer, WEEK, type TestServer } from './helpers.ts';

let server: TestServer;
afterEach(async () => {
  await server.close();
});

describe('GET /v1/params caching', () => {
  it('is public for at least an hour, carries an ETag and answers 304 to a matching If-None-Match', async () => {
    server = await makeTestServer();
    const first = await server.app.inject({ url: '/v1/params', headers: { origin: 'http://localhost:5173' } });
    expect(first.statusCode).toBe(200);
    const cacheControl = first.headers['cache-control'] as string;
    expect(cacheControl).toContain('public');
    expect(Number(/max-age=(\d+)/.exec(cacheControl)?.[1])).toBeGreaterThanOrEqual(3600);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{16,}"$/);
    expect(first.headers.vary).toContain('Origin');

    const again = await server.app.inject({ url: '/v1/params', headers: { origin: 'http://localhost:5173', 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(again.headers['cache-control']).toBe(cacheControl);

    const other = await server.app.inject({ url: '/v1/params', headers: { 'if-none-match': '"something-else-entirely"' } });
    expect(other.statusCode).toBe(200);
    expect(other.json()).toEqual(first.json());
  });

  it('gets a new ETag when what it says changes (the next epoch)', async () => {
    server = await makeTestServer();
    const before = await server.app.inject({ url: '/v1/params' });
    server.clock.ms += WEEK * 1000;
    const after = await server.app.inject({ url: '/v1/params', headers: { 'if-none-match': before.headers.etag as string } });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });
});
