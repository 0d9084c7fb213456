// Benchmark 3: embedding product titles (8–32 tokens) at batch 1 and batch 32 with the real
// worker/embedder.ts — in a Web Worker in Chromium on WASM with 1 and 2 threads (crossOriginIsolated page)
// and on WebGPU (SwiftShader: recorded only), against the same ONNX file in Node on onnxruntime-node.
// For the embedded default model and a MiniLM-shaped BERT (random weights, all-MiniLM-L6-v2's shape).

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build, defaultClientConditions } from 'vite';
import { AutoTokenizer } from '@huggingface/transformers';
import { createEmbedder } from '../worker/embedder.ts';
import { DEFAULT_MODEL_ID } from '../model/default.ts';
import { launchBrowser, serveBench, withTimeout, type BenchSite } from './lib/browser.ts';
import { productTitles } from './lib/catalog.ts';
import { DIST_TACIT, MINILM_DIR, ROOT, TMP_DIR } from './lib/paths.ts';
import { compared, failed, timing, type BenchResult } from './lib/results.ts';
import { spread, type Spread } from './lib/stats.ts';

const WORKER_DIR = join(TMP_DIR, 'embed-worker');
const WEBGPU_TIMEOUT_MS = 90_000;

/** Titles per pass and passes (runs), per batch size; sized so `npm run bench` fits in 15 minutes on 2 cores. */
interface Sample {
  b1: number;
  passes1: number;
  /** 0: batch 32 not measured. */
  b32: number;
  passes32: number;
}
const SAMPLES: Record<'static' | 'bert', { wasm: Sample; webgpu: Sample }> = {
  static: { wasm: { b1: 32, passes1: 5, b32: 128, passes32: 3 }, webgpu: { b1: 8, passes1: 1, b32: 32, passes32: 1 } },
  // WebGPU on SwiftShader is ~60× slower than WASM: a few titles at batch 1 only.
  bert: { wasm: { b1: 16, passes1: 3, b32: 64, passes32: 3 }, webgpu: { b1: 2, passes1: 1, b32: 0, passes32: 0 } },
};

interface ModelUnderTest {
  label: string;
  kind: 'static' | 'bert';
  /** Node: folder holding config.json. */
  dir: string;
  /** Browser: model id under baseUrl. */
  id: string;
  baseUrl: string;
}

/**
 * The bench worker, built from bench/browser/embed.worker.ts the way vite.config.ts builds the SDK's
 * worker, with the same table of built files: it loads ORT's runtime from dist/tacit/ort/ by the names
 * the build gave it.
 */
export async function buildEmbedWorker(): Promise<void> {
  const table = readFileSync(join(DIST_TACIT, '.vite/built-files.json'), 'utf8');
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    define: { __TACIT_BUILT_FILES__: table },
    resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
    build: {
      outDir: WORKER_DIR,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      lib: { entry: join(ROOT, 'bench/browser/embed.worker.ts'), formats: ['es'], fileName: () => 'embed.worker.js' },
      rolldownOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js' } },
    },
  });
}

export function generateMiniLm(): void {
  if (existsSync(join(MINILM_DIR, 'onnx/model_quantized.onnx'))) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'model/tiny-bert.ts', '--preset', 'minilm', '--out', MINILM_DIR], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

async function tokenCounts(dir: string, texts: string[]): Promise<string> {
  const tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true } as never);
  const counts = texts.map((t) => (tokenizer as unknown as (t: string) => { input_ids: { dims: number[] } })(t).input_ids.dims.at(-1)!);
  return `${Math.min(...counts)}–${Math.max(...counts)} tokens (mean ${Math.round(counts.reduce((a, b) => a + b, 0) / counts.length)})`;
}

/** ms per title, per pass. */
const perTitle = (passMs: number[], titles: number): Spread => spread(passMs.map((ms) => ms / titles));

async function nativeTimes(model: ModelUnderTest, sample: Sample, titles1: string[], titles32: string[]): Promise<{ b1: Spread; b32: Spread; threads: number }> {
  const embedder = await createEmbedder({ model: model.dir });
  try {
    await embedder.embed(titles32.slice(0, 32)); // warm up
    const b1: number[] = [];
    for (let p = 0; p < sample.passes1; p++) {
      const start = performance.now();
      for (const t of titles1) await embedder.embed([t], { batchSize: 1 });
      b1.push(performance.now() - start);
    }
    const b32: number[] = [];
    for (let p = 0; p < sample.passes32; p++) {
      const start = performance.now();
      await embedder.embed(titles32, { batchSize: 32 });
      b32.push(performance.now() - start);
    }
    return { b1: perTitle(b1, titles1.length), b32: perTitle(b32, titles32.length), threads: embedder.threads };
  } finally {
    await embedder.dispose();
  }
}

/** One fresh page + worker per configuration: ORT reads its thread count once per worker. */
async function browserTimes(
  browser: Browser,
  site: BenchSite,
  model: ModelUnderTest,
  backend: 'wasm' | 'webgpu',
  threads: number,
  sample: { b1: string[]; b32: string[]; passes1: number; passes32: number },
): Promise<{ b1: Spread; b32: Spread | null; info: { loadMs: number; threads: number; backend: string; isolated: boolean } }> {
  const context = await browser.newContext();
  const page: Page = await context.newPage();
  try {
    await page.goto(site.page('/embed.html', EMBED_PAGE));
    const call = <T>(method: string, ...args: unknown[]) =>
      withTimeout(page.evaluate(([m, a]) => (window as unknown as { call(m: string, a: unknown[]): Promise<unknown> }).call(m as string, a as unknown[]), [method, args] as const), backend === 'webgpu' ? WEBGPU_TIMEOUT_MS : 300_000, `${backend} ${method}`) as Promise<T>;
    const info = await call<{ loadMs: number; threads: number; backend: string; isolated: boolean }>('load', { model: model.id, modelBaseUrl: model.baseUrl, backend, threads });
    if (info.backend !== backend) throw new Error(`the embedder chose ${info.backend}, not ${backend}`);
    const b1 = await call<number[]>('time', sample.b1, 1, sample.passes1, true);
    const b32 = sample.b32.length > 0 ? await call<number[]>('time', sample.b32, 32, sample.passes32, true) : null;
    return { b1: perTitle(b1, sample.b1.length), b32: b32 && perTitle(b32, sample.b32.length), info };
  } finally {
    await context.close();
  }
}

const EMBED_PAGE = `<!doctype html><meta charset="utf-8"><title>embed bench</title><script>
  const worker = new Worker('/bench/embed-worker/embed.worker.js', { type: 'module' });
  const pending = new Map(); let next = 0;
  worker.onmessage = (e) => { const p = pending.get(e.data.id); pending.delete(e.data.id); e.data.error ? p.reject(new Error(e.data.error)) : p.resolve(e.data.result); };
  worker.onerror = (e) => { for (const p of pending.values()) p.reject(new Error('worker error: ' + e.message)); pending.clear(); };
  window.call = (method, args) => new Promise((resolve, reject) => { const id = next++; pending.set(id, { resolve, reject }); worker.postMessage({ id, method, args }); });
</script>`;

export async function benchEmbed(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  try {
    await buildEmbedWorker();
  } catch (error) {
    return [failed('embedding: build of the bench worker', 'ms/title', error)];
  }
  try {
    generateMiniLm();
  } catch (error) {
    out.push(failed('embedding: MiniLM-shaped model generation', 'ms/title', error));
  }
  const models: ModelUnderTest[] = [
    { label: `default model (${DEFAULT_MODEL_ID})`, kind: 'static', dir: join(ROOT, 'model/weights', DEFAULT_MODEL_ID), id: DEFAULT_MODEL_ID, baseUrl: '/tacit/models/' },
  ];
  if (existsSync(join(MINILM_DIR, 'onnx/model_quantized.onnx'))) {
    models.push({ label: 'MiniLM-shaped BERT (6 × 384, random weights)', kind: 'bert', dir: MINILM_DIR, id: 'minilm', baseUrl: '/bench/' });
  }
  const site = await serveBench({ isolated: true });
  const browser = await launchBrowser();
  const gpuBrowser = await launchBrowser({ webgpu: true });
  try {
    for (const model of models) {
      const samples = SAMPLES[model.kind];
      const titles1 = productTitles(samples.wasm.b1);
      const titles32 = productTitles(samples.wasm.b32);
      let tokens = '';
      try {
        tokens = await tokenCounts(model.dir, titles32);
      } catch (error) {
        tokens = `token count failed: ${(error as Error).message}`;
      }
      let native: Awaited<ReturnType<typeof nativeTimes>> | null = null;
      try {
        native = await nativeTimes(model, samples.wasm, titles1, titles32);
        out.push(timing(`embed ${model.label}, batch 1: Node onnxruntime-node`, 'ms/title', native.b1, { note: `native CPU, ${native.threads} threads; ${tokens}` }));
        out.push(timing(`embed ${model.label}, batch 32: Node onnxruntime-node`, 'ms/title', native.b32, { note: `native CPU, ${native.threads} threads` }));
      } catch (error) {
        out.push(failed(`embed ${model.label}: Node onnxruntime-node`, 'ms/title', error));
      }
      const configs = [
        { label: 'Chromium worker WASM 1 thread', backend: 'wasm' as const, threads: 1, browser },
        { label: 'Chromium worker WASM 2 threads', backend: 'wasm' as const, threads: 2, browser },
        { label: 'Chromium worker WebGPU (SwiftShader, record only)', backend: 'webgpu' as const, threads: 1, browser: gpuBrowser },
      ];
      for (const config of configs) {
        const webgpu = config.backend === 'webgpu';
        const size = webgpu ? samples.webgpu : samples.wasm;
        const sample = { b1: titles1.slice(0, size.b1), b32: titles32.slice(0, size.b32), passes1: size.passes1, passes32: size.passes32 };
        try {
          const result = await browserTimes(config.browser, site, model, config.backend, config.threads, sample);
          const note = `ORT ${result.info.backend}, ${result.info.threads} thread(s), crossOriginIsolated ${result.info.isolated}; load ${Math.round(result.info.loadMs)} ms`;
          for (const [batch, spreadOf, nativeOf] of [
            [1, result.b1, native?.b1],
            [32, result.b32, native?.b32],
          ] as const) {
            if (!spreadOf) continue;
            const row = timing(`embed ${model.label}, batch ${batch}: ${config.label}`, 'ms/title', spreadOf, {
              note: `${note}; ${batch === 1 ? sample.b1.length : sample.b32.length} titles × ${batch === 1 ? sample.passes1 : sample.passes32} passes`,
            });
            out.push(nativeOf ? compared(row, 'Node onnxruntime-node (native)', nativeOf.value, webgpu ? undefined : 1.5) : row);
          }
        } catch (error) {
          out.push(failed(`embed ${model.label}: ${config.label}`, 'ms/title', error));
        }
      }
    }
  } finally {
    await browser.close();
    await gpuBrowser.close();
    await site.close();
  }
  return out;
}
