// Builds what a shop serves from its own origin, into dist/tacit/:
//   snippet.min.js  the paste-in queue stub (SDK_URL to be replaced)
//   tacit.js        the main-thread SDK the snippet loads (heavy parts are lazy chunks)
//   index.js        the npm ESM entry
// The demo shop has its own config (demo/vite.config.ts).

import { readFileSync } from 'node:fs';
import { defineConfig, minifySync, type Plugin } from 'vite';

function snippet(): Plugin {
  return {
    name: 'tacit-snippet',
    generateBundle() {
      const source = readFileSync(new URL('./src/snippet.js', import.meta.url), 'utf8');
      const { code } = minifySync('snippet.js', source, { compress: true, mangle: true });
      this.emitFile({ type: 'asset', fileName: 'snippet.min.js', source: code.trim() + '\n' });
    },
  };
}

export default defineConfig({
  build: {
    outDir: 'dist/tacit',
    emptyOutDir: true,
    target: 'es2022',
    manifest: true,
    minify: true,
    sourcemap: true,
    lib: {
      entry: { tacit: 'src/loader.ts', index: 'src/index.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: {
      output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true },
    },
  },
  plugins: [snippet()],
});
