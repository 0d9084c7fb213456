// `tacit taxonomy suggest` and `tacit taxonomy check`, run through the CLI's main() and once as the
// real command.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { suggestTaxonomy } from '../../cli/taxonomy-suggest.ts';
import { loadTaxonomyFile } from '../../server/taxonomy-file.ts';

const ROOT = join(import.meta.dirname, '../..');

function item(id: number, title: string, category?: string, popularity = 0) {
  return { id: String(id), title, ...(category ? { category } : {}), popularity };
}

/** Electronics with sub-categories, a small kitchen branch, uncategorised items. */
const CATALOG = [
  ...Array.from({ length: 9 }, (_, i) => item(i, `UltraBook Laptop ${14 + i} inch`, 'Electronics > Computers > Laptops', i)),
  ...Array.from({ length: 6 }, (_, i) => item(100 + i, `Mirrorless Camera Body M${i}`, 'Electronics > Cameras')),
  ...Array.from({ length: 2 }, (_, i) => item(200 + i, `Camera Tripod T${i}`, 'Electronics > Cameras > Tripods')),
  ...Array.from({ length: 3 }, (_, i) => item(300 + i, `Chef Knife ${i}`, 'Kitchen > Knives')),
  ...Array.from({ length: 3 }, (_, i) => item(400 + i, `Frying Pan ${i}`, 'Kitchen > Pans')),
  item(500, 'Gift card'),
  item(501, 'Mystery box'),
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-taxonomy-cli-'));
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify(CATALOG));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await main(args, { stdin: Readable.from([]), stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)) });
  return { code, stdout, stderr };
}

describe('suggestTaxonomy', () => {
  it('merges small categories into their parents, names and describes each segment from its items', () => {
    const { segments, uncategorised, separator } = suggestTaxonomy(CATALOG.map((i) => ({ ...i, inStock: true })), { minItems: 5 });
    expect(separator).toBe('>');
    expect(uncategorised).toBe(2);
    // Tripods (2) merge into Cameras; Knives and Pans (3 each) merge into Kitchen (6).
    expect(segments.map((s) => s.name)).toEqual(['Laptops', 'Cameras', 'Kitchen']);
    expect(segments.map((s) => s.id)).toEqual([1, 2, 3]);
    expect(segments[1].description).toContain('Tripods');
    expect(segments[2].description).toMatch(/Knives.*Pans|Pans.*Knives/);
    expect(segments[0].description).toContain('UltraBook Laptop 22 inch'); // the most popular first
    expect(segments[0].description).toMatch(/Keywords: .*ultrabook/);
  });

  it('keeps the ids of an earlier list by name and never reuses a retired id', () => {
    const previous = [
      { id: 4, name: 'Kitchen', description: 'x' },
      { id: 9, name: 'Garden', description: 'retired' },
    ];
    const { segments } = suggestTaxonomy(CATALOG.map((i) => ({ ...i, inStock: true })), { minItems: 5, previous });
    expect(segments.map((s) => [s.name, s.id])).toEqual([['Laptops', 10], ['Cameras', 11], ['Kitchen', 4]]);
  });

  it('caps the number of segments, merging upwards first and leaving out the smallest top-level groups last', () => {
    const items = CATALOG.map((i) => ({ ...i, inStock: true }));
    expect(suggestTaxonomy(items, { minItems: 1, maxSegments: 2 })).toMatchObject({ segments: [{ name: 'Electronics' }, { name: 'Kitchen' }], leftOut: [] });
    expect(suggestTaxonomy(items, { minItems: 1, maxSegments: 1 })).toMatchObject({ segments: [{ name: 'Electronics' }], leftOut: [{ name: 'Kitchen', items: 6 }] });
  });
});

describe('tacit taxonomy', () => {
  it('suggest writes a list the server accepts, and check prints its version', async () => {
    const out = join(dir, 'segments.json');
    const suggested = await run(['taxonomy', 'suggest', '--catalog', join(dir, 'catalog.json'), '--out', out]);
    expect(suggested.code).toBe(0);
    expect(suggested.stderr).toContain('3 segment(s) from 25 item(s)');
    expect(suggested.stderr).toContain('2 item(s) have no category');
    const taxonomy = loadTaxonomyFile(out);
    expect(taxonomy.segments.map((s) => s.name)).toEqual(['Laptops', 'Cameras', 'Kitchen']);
    expect(suggested.stderr).toContain(`Version ${taxonomy.version}`);
    const checked = await run(['taxonomy', 'check', out]);
    expect(checked).toMatchObject({ code: 0, stdout: `${out}: 3 segment(s), version ${taxonomy.version}\n` });
  });

  it('prints the list on stdout without --out (the real command)', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'bin/tacit.js'), 'taxonomy', 'suggest', '--catalog', join(dir, 'catalog.json'), '--min-items', '1'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).segments.length).toBeGreaterThanOrEqual(5);
  }, 30_000);

  it.each([
    [['taxonomy'], 2, 'usage: tacit-sdk taxonomy'],
    [['taxonomy', 'suggest'], 2, '--catalog FILE is required'],
    [['taxonomy', 'bloom'], 2, "unknown subcommand 'bloom'"],
    [['taxonomy', 'suggest', '--catalog', '/nonexistent.json'], 1, 'tacit-sdk taxonomy suggest: cannot read the catalogue /nonexistent.json: no such file or directory (ENOENT)'],
    [['taxonomy', 'suggest', '--catalog', 'CATALOG', '--min-items', '50'], 1, 'no category of'],
    [['taxonomy', 'check', '/nonexistent.json'], 1, 'tacit-sdk taxonomy check: /nonexistent.json: cannot read it (no such file or directory)'],
  ])('%j exits %i saying %s', async (args, code, message) => {
    const result = await run(args.map((arg) => (arg === 'CATALOG' ? join(dir, 'catalog.json') : arg)));
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
  });

  it('check names the bad entry of a hand-edited file', async () => {
    const path = join(dir, 'edited.json');
    const list = JSON.parse(readFileSync(join(dir, 'segments.json'), 'utf8'));
    list.segments[1].id = list.segments[0].id;
    writeFileSync(path, JSON.stringify(list));
    const result = await run(['taxonomy', 'check', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`segments[1] (id ${list.segments[0].id}): id ${list.segments[0].id} is also used by segments[0]`);
  });
});
