// Scale-out: two stateless server processes on one PostgreSQL, with the shop's own taxonomy. Both
// accept reports for the same counters; after the epoch closes (the processes are restarted with
// their clocks two epochs later), both publish the same, single release. Also the load balancer's
// view: the health check, and a graceful shutdown that turns it 503 before the process stops.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { writeReportBody } from '../../protocol/report.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './child-server.ts';
import { startPostgres, type PostgresCluster } from './postgres-cluster.ts';

const CLOCKED = 'test/server/fixtures/clocked-server.ts';
const HOUR = 3600;
const SEGMENTS = [
  { id: 11, name: 'Laptops & notebooks', description: 'Notebook computers, ultrabooks, gaming laptops, laptop bags and docks.' },
  { id: 12, name: 'Mirrorless cameras', description: 'Mirrorless camera bodies, lenses, tripods and memory cards.' },
  { id: 13, name: 'Headphones', description: 'Wireless headphones, earbuds and headphone amplifiers.' },
];

let cluster: PostgresCluster;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-scale-'));
  cluster = await startPostgres();
}, 60_000);
afterAll(() => {
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function stop(server: ChildServer): Promise<void> {
  server.child.kill('SIGTERM');
  expect((await server.exited()).code).toBe(0);
}

describe('two server processes on one PostgreSQL', () => {
  it('count into the same counters, show the shop segments, and publish one release per epoch', async () => {
    const url = await cluster.createDatabase('scale');
    const taxonomyPath = join(dir, 'segments.json');
    writeFileSync(taxonomyPath, JSON.stringify({ segments: SEGMENTS }));
    const env = (offsetMs: number) => ({
      TACIT_DATABASE_URL: url,
      TACIT_TAXONOMY: taxonomyPath,
      TACIT_EPOCH_SECONDS: String(HOUR),
      TACIT_REQUIRE_TOKEN: 'false',
      TACIT_RATE_BURST: '100000',
      TACIT_RATE_PER_MINUTE: '6000000',
      TACIT_TEST_CLOCK_OFFSET_MS: String(offsetMs),
    });
    const unused = join(dir, 'unused.sqlite');

    let [a, b] = await Promise.all([startChildServer(unused, env(0), CLOCKED), startChildServer(unused, env(0), CLOCKED)]);
    const [paramsA, paramsB] = await Promise.all([a, b].map(async (s) => (await fetch(`${s.url}/v1/params`)).json()));
    expect(paramsA).toEqual(paramsB);
    expect(paramsA.taxonomy.segments.map((s: { name: string }) => s.name)).toEqual(SEGMENTS.map((s) => s.name));
    const { currentEpoch: epoch, taxonomy } = paramsA;
    const body = () => writeReportBody({ taxonomy: taxonomy.version, epoch, segments: [11, 12, 0] });
    const send = (server: ChildServer) => fetch(`${server.url}/v1/reports`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: body() }).then((r) => r.status);
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) => send(i % 2 ? a : b)));
    expect(statuses).toEqual(Array(300).fill(202));
    for (const server of [a, b]) expect((await fetch(`${server.url}/health`)).status).toBe(200);
    await Promise.all([stop(a), stop(b)]);

    // Two epochs later the epoch is closed: both processes are asked for its release at once.
    [a, b] = await Promise.all([startChildServer(unused, env(2 * HOUR * 1000), CLOCKED), startChildServer(unused, env(2 * HOUR * 1000), CLOCKED)]);
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => fetch(`${(i % 2 ? a : b).url}/v1/aggregates/${epoch}`)));
    expect(answers.map((r) => r.status)).toEqual(Array(16).fill(200));
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1); // one release, whichever process answers
    const release = JSON.parse(bodies[0]);
    expect(release.taxonomy).toBe(taxonomy.version);
    expect(Math.abs(release.reports - 300)).toBeLessThan(30);
    expect(release.segments.find((s: { id: number }) => s.id === 11)).toMatchObject({ name: 'Laptops & notebooks', suppressed: false });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    expect((await client.query('SELECT COUNT(*)::int AS n FROM releases')).rows).toEqual([{ n: 1 }]);
    expect((await client.query('SELECT SUM(reports)::int AS n FROM epoch_reports')).rows).toEqual([{ n: 300 }]);
    await client.end();
    for (const server of [a, b]) {
      const page = await (await fetch(`${server.url}/`)).text();
      expect(page).toContain('Laptops &#38; notebooks');
      expect(page).toContain(`Epoch ${epoch} <small>`);
    }
    await Promise.all([stop(a), stop(b)]);
  }, 120_000);

  it('drains on SIGTERM: the health check answers 503 while the process still serves, then it stops cleanly', async () => {
    const url = await cluster.createDatabase('drain');
    const server = await startChildServer(join(dir, 'unused.sqlite'), { TACIT_DATABASE_URL: url, TACIT_SHUTDOWN_DRAIN_MS: '1500' });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const draining = await fetch(`${server.url}/health`);
    expect(draining.status).toBe(503);
    expect((await draining.json()).error).toBe('draining');
    expect((await fetch(`${server.url}/v1/params`)).status).toBe(200); // still answering during the drain
    expect((await server.exited()).code).toBe(0);
    expect(server.output()).toContain('stopped (SIGTERM)');
  }, 60_000);
});
