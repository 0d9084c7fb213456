// The shop's own segments (TACIT_TAXONOMY): checked with errors that name the bad entry, versioned
// by content so that two lists never share counters.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentVersion, loadTaxonomy, loadTaxonomyFile, parseShopTaxonomy, TaxonomyFileError } from '../../server/taxonomy-file.ts';
import { startChildServer } from './child-server.ts';
import { EPOCH0, makeTestServer, postReport, reportBody } from './helpers.ts';

const segments = [
  { id: 3, name: 'Laptops', description: 'Notebook computers and ultrabooks.' },
  { id: 7, name: 'Cameras', description: 'Mirrorless cameras and lenses.' },
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-taxonomy-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the built-in taxonomy', () => {
  it('keeps version 1 only while its content is unchanged', () => {
    // Editing server/taxonomy.json would silently mix counters of two lists under version 1:
    // give the edited list a new version (and update this pin) instead.
    expect(contentVersion(loadTaxonomy().segments)).toBe(148738025865859);
    expect(loadTaxonomy().version).toBe(1);
  });
});

describe('a shop taxonomy file', () => {
  it('keeps the explicit ids and derives the version from the content, whatever the order of entries', () => {
    const taxonomy = parseShopTaxonomy({ segments }, 'f.json');
    expect(taxonomy.segments.map((s) => s.id)).toEqual([3, 7]);
    expect(Number.isSafeInteger(taxonomy.version) && taxonomy.version > 1).toBe(true);
    expect(parseShopTaxonomy({ segments: [...segments].reverse() }, 'f.json').version).toBe(taxonomy.version);
    const edits = [
      [{ ...segments[0], id: 4 }, segments[1]],
      [{ ...segments[0], name: 'Notebooks' }, segments[1]],
      [{ ...segments[0], description: 'Notebook computers.' }, segments[1]],
      [segments[0]],
    ];
    const versions = edits.map((list) => parseShopTaxonomy({ segments: list }, 'f.json').version);
    expect(new Set([taxonomy.version, ...versions]).size).toBe(5);
  });

  it.each([
    ['"segments" must be a non-empty array', { segments: [] }],
    ['expected an object', []],
    ['expected an object', 'nope'],
    ['remove "version"', { version: 2, segments }],
    ['unknown key(s) "extra"', { segments, extra: 1 }],
    ['segments[1]: "id" must be an integer from 1', { segments: [segments[0], { id: 0, name: 'x', description: 'y' }] }],
    ['segments[1]: "id" must be an integer', { segments: [segments[0], { id: 2.5, name: 'x', description: 'y' }] }],
    ['segments[1] (id 9): "name" must be a non-empty string', { segments: [segments[0], { id: 9, name: ' ', description: 'y' }] }],
    ['segments[1] (id 9): "description" must be a non-empty string', { segments: [segments[0], { id: 9, name: 'X' }] }],
    ['segments[1] (id 9): unknown key(s) "colour"', { segments: [segments[0], { id: 9, name: 'X', description: 'y', colour: 'red' }] }],
    ['segments[1] (id 3): id 3 is also used by segments[0]', { segments: [segments[0], { id: 3, name: 'X', description: 'y' }] }],
    ['segments[1] (id 9): the name "laptops" is also used by segments[0]', { segments: [segments[0], { id: 9, name: 'laptops', description: 'y' }] }],
    ['segments[0]: expected an object', { segments: [null] }],
    ['201 segments; at most 200', { segments: Array.from({ length: 201 }, (_, i) => ({ id: i + 1, name: `s${i}`, description: 'd' })) }],
  ])('refuses a bad file: %s', (message, json) => {
    expect(() => parseShopTaxonomy(json, 'shop.json')).toThrow(TaxonomyFileError);
    expect(() => parseShopTaxonomy(json, 'shop.json')).toThrow(`shop.json: ${message}`);
  });

  it('reports an unreadable or malformed file by its path', () => {
    expect(() => loadTaxonomyFile(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read it \(no such file or directory\)/);
    writeFileSync(join(dir, 'broken.json'), '{"segments": [');
    expect(() => loadTaxonomyFile(join(dir, 'broken.json'))).toThrow(/broken\.json: not valid JSON/);
  });

  it('is what the server publishes and counts: reports of another version are refused', async () => {
    const taxonomy = parseShopTaxonomy({ segments }, 'f.json');
    const server = await makeTestServer({}, { taxonomy });
    try {
      const params = (await server.app.inject({ url: '/v1/params' })).json();
      expect(params.taxonomy).toEqual(taxonomy);
      expect((await postReport(server.app, reportBody(EPOCH0, [3, 7, 0], taxonomy.version))).statusCode).toBe(202);
      const old = await postReport(server.app, reportBody(EPOCH0, [3, 7, 0], 1));
      expect(old.statusCode).toBe(422);
      expect(old.json().error).toBe('unknown_taxonomy');
      expect((await postReport(server.app, reportBody(EPOCH0, [1, 0, 0], taxonomy.version))).json().error).toBe('invalid_report');
    } finally {
      await server.close();
    }
  });

  it('TACIT_TAXONOMY: the server starts with the shop list, and refuses a bad one naming the entry', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ segments }));
    const server = await startChildServer(join(dir, 'good.sqlite'), { TACIT_TAXONOMY: good });
    const params = await (await fetch(`${server.url}/v1/params`)).json();
    expect(params.taxonomy.segments.map((s: { name: string }) => s.name)).toEqual(['Laptops', 'Cameras']);
    expect(server.output()).toContain(`taxonomy version ${params.taxonomy.version}, 2 segments`);
    server.child.kill('SIGTERM');
    await server.exited();

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ segments: [segments[0], { id: 8, name: 'Phones', description: '' }] }));
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, PORT: '0', TACIT_DB: join(dir, 'bad.sqlite'), TACIT_TAXONOMY: bad },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain(`TACIT_TAXONOMY: ${bad}: segments[1] (id 8): "description" must be a non-empty string`);
  }, 60_000);
});
