// Writes the two npm packages' dist/ folders from the sources (after `vite build`, which wrote dist/tacit/):
//
//   packages/tacit-sdk/dist/tacit/   what a shop serves under /tacit/: tacit.js and its chunks, the worker,
//                                    the default model, snippet.min.js, the npm ESM entry index.js (the
//                                    same folder, so its chunks are shared), and tacit.iife.js (one classic
//                                    script, every lazy part inlined). Not ONNX Runtime's files (40 MB, only
//                                    for transformer models: `tacit-sdk files --ort` copies them from the
//                                    shop's own @huggingface/transformers), nor source maps or .br/.gz.
//   packages/tacit-sdk/dist/types/   the npm entry's declarations (tsc), only the files src/index.d.ts needs
//   packages/tacit-sdk/dist/cli.js   the command, compiled for Node (no tsx at run time)
//   packages/tacit-server/dist/      the aggregation server compiled for Node: main.js, writer-thread.js,
//                                    taxonomy.json; fastify, better-sqlite3 and pg stay dependencies
//
// Run by `npm run build` (and the tests that need the packages). `tsx scripts/build-packages.ts`.

import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig } from 'vite';
import { isShippedFile } from '../cli/served-files.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVED = join(ROOT, 'dist/tacit');
const SDK = join(ROOT, 'packages/tacit-sdk');
const SERVER = join(ROOT, 'packages/tacit-server');

/** The served files (cli/served-files.ts says which), and which transformers.js the worker was built with (for `files --ort`). */
function copyServedFiles(): void {
  if (!existsSync(join(SERVED, 'tacit.js'))) throw new Error('build-packages: dist/tacit/ is missing: run `vite build` first');
  rmSync(join(SDK, 'dist'), { recursive: true, force: true });
  cpSync(SERVED, join(SDK, 'dist/tacit'), { recursive: true, filter: (path) => isShippedFile(relative(SERVED, path)) });
  const require = createRequire(import.meta.url);
  const transformers = require.resolve('@huggingface/transformers');
  const version = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  const ortPackage = join(dirname(createRequire(transformers).resolve('onnxruntime-web')), '../package.json');
  writeFileSync(
    join(SDK, 'dist/tacit/.vite/runtime.json'),
    JSON.stringify({ transformers: version(join(ROOT, 'node_modules/@huggingface/transformers/package.json')), onnxruntimeWeb: existsSync(ortPackage) ? version(ortPackage) : null }, null, 2) + '\n',
  );
}

const quiet = { logLevel: 'warn' as const, configFile: false as const, root: ROOT };
const nodeBuiltins = [/^node:/, ...builtinModules];

/** tacit.js as one classic script: for pages that cannot load a module script. The snippet stays the better way. */
async function buildIife(): Promise<void> {
  const table = JSON.parse(readFileSync(join(SERVED, '.vite/built-files.json'), 'utf8')) as Record<string, unknown>;
  await build({
    ...quiet,
    define: {
      __TACIT_BUILT_FILES__: JSON.stringify({ 'worker.js': table['worker.js'] }),
      // A classic script has no import.meta: the loader reads its own URL (at once, while it runs) here.
      'import.meta.url': 'document.currentScript.src',
    },
    build: {
      outDir: join(SDK, 'dist/tacit'),
      emptyOutDir: false,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      lib: { entry: join(ROOT, 'src/loader.ts'), formats: ['iife'], name: 'tacitLoader', fileName: () => 'tacit.iife.js' },
      rolldownOptions: { output: { codeSplitting: false } },
    },
  } satisfies InlineConfig);
}

/** The npm entry's declarations: tsc writes every file of the program; the package gets src/index.d.ts's closure. */
function buildTypes(): void {
  const out = join(ROOT, 'dist/types');
  rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(SDK, 'tsconfig.types.json')], { stdio: 'inherit' });
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // .ts specifiers become .js: the declarations then resolve under every moduleResolution.
    const text = readFileSync(file, 'utf8').replace(/((?:from|import\()\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1$2.js$3');
    const target = join(SDK, 'dist/types', relative(out, file));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    for (const [, specifier] of text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      visit(resolve(dirname(file), `${specifier}.d.ts`));
    }
    for (const [, bare] of text.matchAll(/(?:from|import\()\s*['"]([^.'"][^'"]*)['"]/g)) {
      throw new Error(`build-packages: the public declarations import '${bare}' (${relative(out, file)}); they must stand alone`);
    }
  };
  visit(join(out, 'src/index.d.ts'));
}

/** The command for plain Node; transformers.js (for transformer models only) comes from the shop's own install. */
async function buildCli(): Promise<void> {
  await build({
    ...quiet,
    ssr: { noExternal: true, external: ['@huggingface/transformers'] },
    build: {
      outDir: join(SDK, 'dist'),
      emptyOutDir: false,
      target: 'node20',
      minify: false,
      ssr: join(ROOT, 'cli/package-entry.ts'),
      rolldownOptions: {
        external: [...nodeBuiltins, '@huggingface/transformers'],
        output: { entryFileNames: 'cli.js', chunkFileNames: 'cli/[name]-[hash].js', banner: '// tacit-sdk command, compiled from cli/ (see the Tacit repository).' },
      },
    },
  } satisfies InlineConfig);
}

/** The server, and its SQLite writer thread, each bundled whole (no shared chunk: each finds the other beside it). */
async function buildServer(): Promise<void> {
  const dist = join(SERVER, 'dist');
  rmSync(dist, { recursive: true, force: true });
  const dependencies = Object.keys((JSON.parse(readFileSync(join(SERVER, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
  for (const [name, entry] of [
    ['main', 'server/main.ts'],
    ['writer-thread', 'server/storage/sqlite/writer-thread.js'],
  ] as const) {
    await build({
      ...quiet,
      ssr: { noExternal: true, external: dependencies },
      build: {
        outDir: dist,
        emptyOutDir: false,
        target: 'node20',
        minify: false,
        ssr: join(ROOT, entry),
        rolldownOptions: {
          external: [...nodeBuiltins, ...dependencies],
          output: { entryFileNames: `${name}.js`, codeSplitting: false },
        },
      },
    } satisfies InlineConfig);
  }
  copyFileSync(join(ROOT, 'server/taxonomy.json'), join(dist, 'taxonomy.json'));
}

const started = Date.now();
copyServedFiles();
await buildIife();
buildTypes();
await buildCli();
await buildServer();
console.log(`build-packages: packages/tacit-sdk/dist and packages/tacit-server/dist written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
