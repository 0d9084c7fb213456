// The npm packages as a shop gets them: `npm pack`, then `npm install ./tacit-sdk-x.y.z.tgz` into a new
// project, offline (tacit-sdk has no dependency, so nothing else is fetched). The browser package brings nothing else (no
// server package, no transformers.js, no tsx); a strict TypeScript project (moduleResolution bundler,
// and node16) type-checks an import of it with 0 errors; its command runs on plain Node. The server
// package installs with its own dependencies, and its compiled server answers.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const TSC = resolve(ROOT, 'node_modules/typescript/bin/tsc');
/** Server-side or build-time packages a shop's browser bundle must never pull in. */
const NOT_FOR_THE_BROWSER = ['fastify', 'better-sqlite3', 'pg', '@cloudflare/privacypass-ts', 'tsx', 'sharp', 'onnxruntime-node', '@huggingface/transformers', 'tacit-server'];

let scratch: string;
const npm = (args: string[], cwd: string) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Packs a workspace package into the scratch folder; returns the tarball's path. */
function pack(name: string): string {
  const [info] = JSON.parse(npm(['pack', '--json', '--pack-destination', scratch], resolve(ROOT, 'packages', name))) as { filename: string }[];
  return join(scratch, info!.filename);
}

/** A new, empty shop project with the tarball installed offline. */
function shopWith(tarball: string, extra: string[] = []): string {
  const dir = mkdtempSync(join(scratch, 'shop-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'a-shop', private: true, type: 'module' }));
  npm(['install', '--offline', ...extra, tarball], dir);
  return dir;
}

function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stat = statSync(join(dir, entry));
    if (stat.isFile()) total += stat.size;
  }
  return total;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'tacit-packages-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('tacit-sdk', () => {
  let tarball: string;
  let shop: string;
  beforeAll(() => {
    tarball = pack('tacit-sdk');
    shop = shopWith(tarball);
  });

  it('installs alone: no dependency at all, so no server package; a few MB, most of it the default model', () => {
    const manifest = JSON.parse(readFileSync(join(shop, 'node_modules/tacit-sdk/package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.peerDependencies ?? {})).toEqual(['@huggingface/transformers']);
    expect(manifest.peerDependenciesMeta?.['@huggingface/transformers']).toEqual({ optional: true });
    expect(readdirSync(join(shop, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['tacit-sdk']);
    for (const name of NOT_FOR_THE_BROWSER) expect(existsSync(join(shop, 'node_modules', name))).toBe(false);
    const size = statSync(tarball).size;
    const model = readdirSync(join(shop, 'node_modules/tacit-sdk/dist/tacit/models'), { recursive: true, encoding: 'utf8' })
      .map((f) => join(shop, 'node_modules/tacit-sdk/dist/tacit/models', f))
      .filter((f) => statSync(f).isFile())
      .reduce((sum, f) => sum + statSync(f).size, 0);
    const installed = bytesUnder(join(shop, 'node_modules'));
    console.log(`tacit-sdk: tarball ${size} B, installed ${installed} B (default model ${model} B)`);
    expect(size).toBeLessThan(10_000_000);
    expect(model / installed).toBeGreaterThan(0.6);
  });

  it('a strict TypeScript project type-checks an import of it with 0 errors (moduleResolution bundler and node16)', () => {
    writeFileSync(
      join(shop, 'shop.ts'),
      `import { createTacit, KNOWN_EVENTS, VERSION, type PublicTacit, type RecommendResult, type TacitConfig, type DebugPanel } from 'tacit-sdk';

const config: TacitConfig = { catalog: '/catalog.json', consent: 'pending', debug: true, autoPage: true };
const tacit: PublicTacit = createTacit({ baseUrl: '/tacit/' });
void tacit.init(config);
void tacit.track('Product Viewed', { product_id: 'sku-42' });
const shelf: Promise<RecommendResult> = tacit.recommend({ limit: 8, context: { itemId: 'sku-42' } });
void shelf.then(({ items }) => items.map((r) => [r.id, r.score, r.reason.text, r.item?.title]));
tacit.on('panel', (panel) => (panel as DebugPanel).addTab({ id: 'mine', label: 'Mine', render: (section) => section.append('hi') }));
export const facts: [readonly string[], string] = [KNOWN_EVENTS, VERSION];
// @ts-expect-error: the types catch a wrong call
void tacit.recommend({ limit: 'ten' });
`,
    );
    const strict = { strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [] };
    for (const [module, moduleResolution] of [
      ['ESNext', 'bundler'],
      ['node16', 'node16'],
    ]) {
      writeFileSync(join(shop, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...strict, module, moduleResolution }, files: ['shop.ts'] }));
      const run = spawnSync(process.execPath, [TSC, '-p', shop], { encoding: 'utf8' });
      expect({ moduleResolution, output: run.stdout + run.stderr, status: run.status }).toEqual({ moduleResolution, output: '', status: 0 });
    }
  });

  it('its command runs on plain Node: snippet, files, catalog import, embed with the default model (no transformers.js needed)', () => {
    const tacitSdk = (args: string[], input?: string) => spawnSync(join(shop, 'node_modules/.bin/tacit-sdk'), args, { cwd: shop, encoding: 'utf8', input });
    const snippet = tacitSdk(['snippet', '--base', '/tacit/']);
    expect(snippet.status).toBe(0);
    expect(snippet.stdout).toMatch(/^<script>\(function\(.*"\/tacit\/tacit\.js"\);<\/script>\n$/);

    const files = tacitSdk(['files', '--out', 'public/tacit']);
    expect(files.status).toBe(0);
    for (const file of ['tacit.js', 'snippet.min.js', 'tacit.iife.js', '.vite/built-files.json']) expect(existsSync(join(shop, 'public/tacit', file))).toBe(true);
    const table = JSON.parse(readFileSync(join(shop, 'public/tacit/.vite/built-files.json'), 'utf8')) as Record<string, { file: string }>;
    expect(existsSync(join(shop, 'public/tacit', table['worker.js']!.file))).toBe(true);
    expect(readdirSync(join(shop, 'public/tacit')).includes('ort')).toBe(false);
    // ONNX Runtime's files come only with transformers.js, which this shop did not install.
    const ort = tacitSdk(['files', '--out', 'public/tacit', '--ort']);
    expect(ort.status).toBe(1);
    expect(ort.stderr).toMatch(/^tacit-sdk files: --ort: @huggingface\/transformers is not installed here .*: npm install @huggingface\/transformers@\d+\.\d+\.\d+\n$/);

    const feed = tacitSdk(['catalog', 'import', join(ROOT, 'test/cli/fixtures/shopify-products.json'), '--out', 'catalog.json']);
    expect(feed.status).toBe(0);
    expect((JSON.parse(readFileSync(join(shop, 'catalog.json'), 'utf8')) as unknown[]).length).toBe(2);

    const embed = tacitSdk(['embed'], 'trail running shoes\n');
    expect(embed.stderr).toBe('');
    expect(Math.hypot(...(JSON.parse(embed.stdout) as number[]))).toBeCloseTo(1, 5);
    const vectors = tacitSdk(['embed-catalog', 'catalog.json', '--out', 'catalog.vec']);
    expect(vectors.status).toBe(0);
    expect(existsSync(join(shop, 'catalog.vec'))).toBe(true);

    // A transformer model needs transformers.js (an optional peer dependency): one clear line.
    const transformer = tacitSdk(['embed', '--model', join(ROOT, 'test/fixtures/generated/tiny-bert')], 'x\n');
    expect(transformer.status).toBe(1);
    expect(transformer.stderr).toMatch(/^tacit-sdk embed: cannot load model '.*': this model runs on transformers\.js, which is not installed: npm install @huggingface\/transformers/);
  });
});

describe('tacit-server', () => {
  it('installs with its own dependencies (no engine warning on Node 20) and brings no browser package', () => {
    const tarball = pack('tacit-server');
    const shop = mkdtempSync(join(scratch, 'server-'));
    writeFileSync(join(shop, 'package.json'), JSON.stringify({ name: 'a-server', private: true }));
    // --ignore-scripts: better-sqlite3 would compile for a minute; the tree is what is checked here.
    // --prefer-offline: npm ci leaves tarballs in npm's cache but not every package's metadata, which
    // a new project's install reads (from the registry when the cache lacks it).
    const run = spawnSync('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], { cwd: shop, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).not.toMatch(/EBADENGINE/);
    for (const name of ['fastify', 'better-sqlite3', 'pg']) expect(existsSync(join(shop, 'node_modules', name))).toBe(true);
    for (const name of ['tacit-sdk', '@huggingface/transformers', 'onnxruntime-web', 'tsx']) expect(existsSync(join(shop, 'node_modules', name))).toBe(false);
    console.log(`tacit-server: tarball ${statSync(tarball).size} B, installed (without better-sqlite3's build) ${bytesUnder(join(shop, 'node_modules'))} B`);
  });

  it('its compiled server starts on plain Node and answers GET /v1/params', async () => {
    const data = mkdtempSync(join(scratch, 'data-'));
    mkdirSync(data, { recursive: true });
    const server = spawn(process.execPath, [resolve(ROOT, 'packages/tacit-server/bin/tacit-server.js')], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TACIT_DB: join(data, 'db.sqlite') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolvePromise, reject) => {
        let out = '';
        const seen = (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match) resolvePromise(match[1]!);
        };
        server.stdout.on('data', seen);
        server.stderr.on('data', seen);
        server.on('exit', (code) => reject(new Error(`the server exited (${code}): ${out}`)));
      });
      const params = (await (await fetch(`${url}/v1/params`)).json()) as { taxonomy: { segments: unknown[] } };
      expect(params.taxonomy.segments.length).toBeGreaterThan(10);
    } finally {
      server.kill('SIGTERM');
    }
  });
});
