import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../cli/main.ts';
import { generateTinyBert } from '../../model/tiny-bert.ts';
import { createEmbedder } from '../../worker/embedder.ts';
import { itemText } from '../../core/catalog.ts';
import { contentHash } from '../../core/hash.ts';
import { decodeVecFile, readWordsSection } from '../../core/vecfile.ts';
import { createStaticEmbedder, staticEmbedderFromModel } from '../../core/static-embedder.ts';
import { defaultModelDir } from '../../model/default.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/tacit.js');
const MODEL = join(ROOT, 'test/fixtures/generated/tiny-bert');

let scratch: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `tacit` command in a child process. */
function tacit(args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** Runs the CLI's main() in this process with in-memory streams. */
async function inProcess(args: string[], stdin = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await main(args, {
    stdin: Readable.from([stdin]),
    stdout: sink((t) => (stdout += t)),
    stderr: sink((t) => (stderr += t)),
  });
  return { code, stdout, stderr };
}

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
};

beforeAll(() => {
  generateTinyBert({ preset: 'tiny', out: MODEL });
  scratch = mkdtempSync(join(tmpdir(), 'tacit-cli-'));
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('tacit', () => {
  it('runs as a command: prints help with exit code 0', { timeout: 90_000 }, async () => {
    const help = await tacit(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/embed-catalog/);
  });

  // Usage errors happen before any model loads: checked in-process (same main() the binary runs).
  it('fails with usage (exit 2) on no command, an unknown command or option, and bad values', async () => {
    const cases: [string[], RegExp][] = [
      [[], /usage: tacit-sdk <command>/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['embed', '--bogus'], /Unknown option '--bogus'/],
      [['embed', '--model', MODEL, '--dtype', 'q3'], /--dtype must be one of q8, fp32/],
      [['embed', '--model', MODEL, '--batch-size', '0'], /--batch-size must be a positive integer/],
      [['embed', 'stray'], /unexpected argument 'stray'/],
      [['embed-catalog', 'a.json'], /--out FILE is required/],
      [['embed-catalog', '--out', 'x.vec'], /expected one catalogue file, got 0/],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await inProcess(args);
      expect({ args, code, stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(stderr).toMatch(message);
    }
  });

  it('uses the default model of model/default.ts without --model (or asks for --model until it exists)', async () => {
    const run = await inProcess(['embed'], 'red shoes\n');
    if (existsSync(join(ROOT, 'model/default.ts'))) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const vector = JSON.parse(run.stdout) as number[];
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    } else {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/--model is required/);
    }
  });

  it('fails (exit 1) on a model folder that does not exist', async () => {
    const { code, stderr } = await inProcess(['embed', '--model', join(scratch, 'absent')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/absent: no such folder/);
  });

  it('a model id alone is looked up nowhere (not in node_modules): it needs --models-dir; the default model answers to its id', async () => {
    const id = await inProcess(['embed', '--model', 'Xenova/all-MiniLM-L6-v2'], 'red shoes\n');
    expect(id.code).toBe(1);
    expect(id.stderr).toBe(
      'tacit-sdk embed: --model Xenova/all-MiniLM-L6-v2: no such folder. A model id is looked up under --models-dir DIR ' +
        '(DIR/Xenova/all-MiniLM-L6-v2/config.json); Tacit never downloads a model\n',
    );
    expect(id.stderr).not.toMatch(/node_modules/);
    const missing = await inProcess(['embed', '--model', 'Xenova/all-MiniLM-L6-v2', '--models-dir', scratch]);
    expect(missing.stderr).toMatch(/^tacit-sdk embed: --model Xenova\/all-MiniLM-L6-v2: no Xenova\/all-MiniLM-L6-v2\/config\.json under --models-dir /);
    const byId = await inProcess(['embed', '--model', 'tacit-wordnet-v2'], 'red shoes\n');
    expect(byId).toMatchObject({ code: 0, stderr: '' });
    expect(byId.stdout).toBe((await inProcess(['embed'], 'red shoes\n')).stdout);
  });

  it('every error is one line "tacit-sdk <command>: …", never a bare error code', async () => {
    const empty = join(scratch, 'empty-items.json');
    writeFileSync(empty, '{"items": []}');
    const cases: [string[], RegExp][] = [
      [['embed-catalog', join(scratch, 'absent.json'), '--out', join(scratch, 'x.vec')], /^tacit-sdk embed-catalog: cannot read the catalogue .*absent\.json: no such file or directory \(ENOENT\)$/],
      [['embed-catalog', scratch, '--out', join(scratch, 'x.vec')], /^tacit-sdk embed-catalog: cannot read the catalogue .*: it is a directory, not a file \(EISDIR\)$/],
      [['embed-catalog', empty, '--out', join(scratch, 'x.vec')], /^tacit-sdk embed-catalog: .*empty-items\.json has no usable item: nothing to embed$/],
      [['embed', '--model', join(scratch, 'absent')], /^tacit-sdk embed: --model .*absent: no such folder$/],
      [['replay', '--catalog', join(scratch, 'absent.json'), '--events', join(scratch, 'absent.jsonl')], /^tacit-sdk replay: cannot read the catalogue .*: no such file or directory \(ENOENT\)$/],
    ];
    for (const [args, message] of cases) {
      const run = await inProcess(args);
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      expect(run.stderr.trimEnd()).toMatch(message);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(scratch, 'x.vec'))).toBe(false);
  });
});

describe('tacit embed', () => {
  it('writes one normalised JSON vector per stdin line, equal to the embedder in-process', { timeout: 90_000 }, async () => {
    const lines = ['Red running shoes', '', 'Blue JACKET'];
    const run = await tacit(['embed', '--model', MODEL, '--batch-size', '2'], `${lines[0]}\n${lines[1]}\r\n${lines[2]}`);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as number[]);
    expect(out).toHaveLength(3);

    const embedder = await createEmbedder({ model: MODEL, dtype: 'q8' });
    const expected = await embedder.embed(lines);
    await embedder.dispose();
    out.forEach((vector, i) => {
      expect(vector).toHaveLength(32);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
      vector.forEach((x, k) => expect(x).toBeCloseTo(expected[i]![k]!, 6));
    });
  });

  it('fails clearly on a missing model file', { timeout: 90_000 }, async () => {
    const broken = join(scratch, 'broken-model');
    cpSync(MODEL, broken, { recursive: true });
    rmSync(join(broken, 'onnx/model.onnx'));
    const file = await tacit(['embed', '--model', broken, '--dtype', 'fp32'], 'x\n');
    expect(file.code).toBe(1);
    expect(file.stdout).toBe('');
    expect(file.stderr).toMatch(/cannot load model '.*broken-model' \(dtype fp32\): file onnx\/model.onnx is missing/);
  });
});

describe('tacit embed-catalog', () => {
  it('keeps the good rows, reports each bad one, and writes a vector file the worker can read', { timeout: 90_000 }, async () => {
    const catalog = join(scratch, 'catalog.json');
    const out = join(scratch, 'catalog.vec');
    const items = [
      { id: 'p1', title: 'Red running shoes', category: 'Shoes', description: 'Light and fast.' },
      { id: 'p2', title: 'Wool sweater' },
      { title: 'No id here' },
      { id: 'p3', title: 'Leather bag', price: -5 },
      { id: 'p4', title: 'Kids toy', category: 'Toys' },
    ];
    writeFileSync(catalog, JSON.stringify({ items }));
    const run = await tacit(['embed-catalog', catalog, '--out', out, '--model', MODEL, '--model-id', 'tiny@q8']);
    expect(run.code).toBe(0);
    const stderrLines = run.stderr.trimEnd().split('\n');
    expect(stderrLines.filter((l) => l.startsWith(`${catalog}: row `))).toHaveLength(2);
    expect(run.stderr).toMatch(/row 2/);
    expect(run.stderr).toMatch(/row 3 \(id "p3"\)/);
    expect(run.stderr).toMatch(/3 item\(s\) embedded .* 2 row\(s\) rejected/);

    const file = decodeVecFile(readFileSync(out));
    expect(file).toMatchObject({ modelId: 'tiny@q8', dim: 32, count: 3, ids: ['p1', 'p2', 'p4'] });
    const good = [items[0]!, items[1]!, items[4]!] as { title: string; category?: string; description?: string }[];
    expect(file.contentHashes).toEqual(good.map((item) => contentHash(itemText(item))));

    const embedder = await createEmbedder({ model: MODEL, dtype: 'q8' });
    const expected = await embedder.embed(good.map(itemText));
    await embedder.dispose();
    expected.forEach((vector, i) => {
      const row = Array.from(file.data.subarray(i * 32, (i + 1) * 32), (q) => q * file.scales[i]!);
      expect(cosine(row, vector)).toBeGreaterThan(0.999);
    });
    expect(existsSync(`${out}.tmp-${process.pid}`)).toBe(false);
  });

  it("with the default static model, learns the shop's own words and stores them in the file", { timeout: 90_000 }, async () => {
    const catalog = join(scratch, 'shop.json');
    const out = join(scratch, 'shop.vec');
    const titles = [
      'Zorbexa PLA filament for 3D printers', 'Zorbexa PETG printer filament spool', 'Zorbexa silk filament, gold',
      'Nozzle set for 3D printer', 'Print bed sheet for 3D printers', 'Quintarelo stainless steel saucepan',
      'Quintarelo nonstick frying pan', 'Quintarelo cast iron skillet', 'Wooden cooking spoon set', 'Kitchen knife block',
    ];
    writeFileSync(catalog, JSON.stringify(titles.map((title, i) => ({ id: `p${i}`, title }))));
    const run = await inProcess(['embed-catalog', catalog, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/10 item\(s\) embedded with tacit-wordnet-v2 .*, \d+ shop word\(s\)/);
    const file = decodeVecFile(readFileSync(out));
    const words = readWordsSection(file)!;
    expect(words.words).toEqual(expect.arrayContaining(['zorbexa', 'quintarelo']));
    expect(words.center).toHaveLength(file.dim);
    // The rows are what the static embedder gives with these words, and the brand means its products.
    const dir = defaultModelDir();
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { tacit: { static_model: string } };
    const shop = staticEmbedderFromModel((await createStaticEmbedder({ url: join(dir, config.tacit.static_model) })).model, { extraWords: words });
    const expected = await shop.embed(titles);
    expected.forEach((vector, i) => {
      const row = Array.from(file.data.subarray(i * file.dim, (i + 1) * file.dim), (q) => q * file.scales[i]!);
      expect(cosine(row, vector)).toBeGreaterThan(0.999);
    });
    const [brand, filament, pan] = await shop.embed(['zorbexa', 'filament', 'frying pan']);
    expect(cosine(brand!, filament!)).toBeGreaterThan(cosine(brand!, pan!));
    const plain = await inProcess(['embed-catalog', catalog, '--out', out, '--no-shop-words']);
    expect(plain.code).toBe(0);
    expect(readWordsSection(decodeVecFile(readFileSync(out)))).toBeUndefined();
  });

  it('fails clearly on unusable input and leaves no output', { timeout: 90_000 }, async () => {
    const out = join(scratch, 'never.vec');
    const badJson = join(scratch, 'bad.json');
    writeFileSync(badJson, '[{"id": "p1",');
    const json = await tacit(['embed-catalog', badJson, '--out', out, '--model', MODEL]);
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(/bad.json is not valid JSON/);

    const notCatalog = join(scratch, 'object.json');
    writeFileSync(notCatalog, '{"products": []}');
    const shape = await inProcess(['embed-catalog', notCatalog, '--out', out, '--model', MODEL]);
    expect(shape.code).toBe(1);
    expect(shape.stderr).toMatch(/catalogue must be an array of items/);
    expect(shape.stderr).toMatch(/is not a usable catalogue/);

    expect(existsSync(out)).toBe(false);
  });
});
