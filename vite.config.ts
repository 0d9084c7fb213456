// Builds what a shop serves from its own origin, into dist/tacit/:
//   snippet.min.js  the paste-in queue stub (SDK_URL to be replaced)
//   tacit.js        the main-thread SDK the snippet loads (heavy parts are lazy chunks)
//   index.js        the npm ESM entry
//   worker.js       the engine's Web Worker (transformers.js + onnxruntime-web)
//   ort/, models/   ORT's runtime files and the embedded default model
// The demo shop has its own config (demo/vite.config.ts).

import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defaultClientConditions, defineConfig, minifySync, type Plugin } from 'vite';

const require = createRequire(import.meta.url);

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

/**
 * ORT's runtime files, served by the shop from its own origin (never a CDN). transformers.js imports
 * 'onnxruntime-web/webgpu', whose one build (asyncify) runs both the WebGPU and the WASM backends.
 */
const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

/** Copies ORT's runtime and the embedded default model next to the SDK: dist/tacit/{ort,models}/. */
function runtimeFiles(): Plugin {
  return {
    name: 'tacit-runtime-files',
    apply: 'build',
    writeBundle(options) {
      const out = options.dir!;
      // onnxruntime-web does not export its package.json: resolve a file it does export instead.
      const ortDist = dirname(require.resolve('onnxruntime-web/webgpu'));
      mkdirSync(join(out, 'ort'), { recursive: true });
      for (const file of ORT_FILES) cpSync(join(ortDist, file), join(out, 'ort', file));
      const models = new URL('./model/weights/', import.meta.url);
      if (existsSync(models)) cpSync(models, join(out, 'models'), { recursive: true });
    },
  };
}

export default defineConfig({
  resolve: {
    // Keep ORT's .wasm out of the bundle graph: it is copied once, by runtimeFiles().
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  build: {
    outDir: 'dist/tacit',
    emptyOutDir: true,
    target: 'es2022',
    manifest: true,
    minify: true,
    sourcemap: true,
    lib: {
      entry: { tacit: 'src/loader.ts', index: 'src/index.ts', worker: 'worker/engine.worker.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: {
      output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true },
    },
  },
  plugins: [snippet(), runtimeFiles()],
});
