// Builds the demo shop (a multi-page app) into dist/demo/:
//   npx vite build --config demo/vite.config.ts
// Every page carries the comment <!-- tacit-snippet --> in its <head>, where a shop pastes Tacit's
// snippet. The plugin below replaces it with the real snippet (src/snippet.js, minified), loading
// Tacit from /tacit/tacit.js, which is where `npm start` serves dist/tacit/. Like Tacit's own build,
// the demo's files get FILE.br and FILE.gz beside them, which the demo's server sends (its assets/ are
// content-hashed by Vite, and cached forever).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, minifySync, type Plugin } from 'vite';
import { precompressDir } from '../scripts/precompress.js';

export const demoRoot = fileURLToPath(new URL('.', import.meta.url));
export const demoPages = ['index', 'category', 'product', 'search', 'cart', 'checkout'] as const;

const SNIPPET_MARK = '<!-- tacit-snippet -->';
const SDK_URL = '/tacit/tacit.js';

/** Pastes the snippet into each page, as a shop would, instead of the marker comment. */
export function tacitSnippet(sdkUrl = SDK_URL): Plugin {
  return {
    name: 'demo-tacit-snippet',
    transformIndexHtml: {
      order: 'pre',
      handler(html, { filename }) {
        if (!html.includes(SNIPPET_MARK)) return html; // already replaced (or removed on purpose)
        const source = readFileSync(fileURLToPath(new URL('../src/snippet.js', import.meta.url)), 'utf8');
        if (!source.includes("'SDK_URL'")) throw new Error(`src/snippet.js has no 'SDK_URL' placeholder (${filename})`);
        const { code } = minifySync('snippet.js', source.replace("'SDK_URL'", JSON.stringify(sdkUrl)), {
          compress: true,
          mangle: true,
        });
        return html.replace(SNIPPET_MARK, `<script>${code.trim()}</script>`);
      },
    },
  };
}

const outDir = fileURLToPath(new URL('../dist/demo', import.meta.url));

/**
 * Writes dist/demo/catalog.vec with `tacit embed-catalog`, as a shop would: every item's vector (and the
 * shop's own words), so the device ranks without loading the model until a search or a segment list.
 */
export function catalogVectors(): Plugin {
  return {
    name: 'demo-catalog-vectors',
    apply: 'build',
    closeBundle() {
      const root = fileURLToPath(new URL('..', import.meta.url));
      execFileSync(process.execPath, [join(root, 'bin/tacit.js'), 'embed-catalog', join(demoRoot, 'public/catalog.json'), '--out', join(outDir, 'catalog.vec')], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    },
  };
}

function precompress(): Plugin {
  return {
    name: 'demo-precompress',
    apply: 'build',
    async closeBundle() {
      await precompressDir(outDir);
    },
  };
}

export default defineConfig({
  root: demoRoot,
  publicDir: 'public',
  // The vector file is written before the precompression, which compresses it too.
  plugins: [tacitSnippet(), catalogVectors(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    rollupOptions: {
      input: Object.fromEntries(demoPages.map((page) => [page, fileURLToPath(new URL(`${page}.html`, import.meta.url))])),
    },
  },
});
