import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { generateTinyBert, readGeneratedParams, TINY_BERT_PRESETS } from '../../model/tiny-bert.ts';
import { encodeModel } from '../../model/onnx.ts';
import { createEmbedder } from '../../worker/embedder.ts';
import { EmbedderError } from '../../core/embedder.ts';
import type { Embedder } from '../../core/embedder.ts';
import { BackendError, selectBackend, wasmThreads } from '../../worker/backend.ts';

const FIXTURE = join(import.meta.dirname, '../fixtures/generated/tiny-bert');
const TEXTS = ['Red running shoes', 'a warm wool sweater for winter', 'Kids toy', '', 'leather bag, black! 42'];

let scratch: string;
let fp32: Embedder;
let q8: Embedder;

const norm = (v: Float32Array) => Math.hypot(...v);
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0) / (norm(a) * norm(b));

function expectVectorsClose(actual: Float32Array, expected: ArrayLike<number>, digits = 5) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, digits));
}

/** A copy of the fixture that a test may break. */
function brokenCopy(name: string, breakIt: (dir: string) => void): string {
  const dir = join(scratch, name);
  cpSync(FIXTURE, dir, { recursive: true });
  breakIt(dir);
  return dir;
}

beforeAll(async () => {
  generateTinyBert({ preset: 'tiny', out: FIXTURE });
  scratch = mkdtempSync(join(tmpdir(), 'tacit-embedder-'));
  fp32 = await createEmbedder({ model: FIXTURE, dtype: 'fp32' });
  q8 = await createEmbedder({ model: FIXTURE, dtype: 'q8' });
});

afterAll(async () => {
  await fp32?.dispose();
  await q8?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe('tiny BERT fixture', () => {
  it('is idempotent: a second generation with the same parameters writes nothing', () => {
    const again = generateTinyBert({ preset: 'tiny', out: FIXTURE });
    expect(again.skipped).toBe(true);
    expect(readGeneratedParams(FIXTURE)).toMatchObject(TINY_BERT_PRESETS.tiny);
  });

  it('is deterministic for a seed, and a different seed gives different weights', () => {
    const a = generateTinyBert({ preset: 'tiny', out: join(scratch, 'seed-1') });
    const b = generateTinyBert({ preset: 'tiny', out: join(scratch, 'seed-2'), params: { seed: 2 } });
    expect(a.skipped).toBe(false);
    const bytes = (dir: string) => readFileSync(join(dir, 'onnx/model.onnx'));
    expect(bytes(a.dir).equals(bytes(FIXTURE))).toBe(true);
    expect(bytes(b.dir).equals(bytes(FIXTURE))).toBe(false);
    // Changed parameters regenerate in place.
    const c = generateTinyBert({ preset: 'tiny', out: a.dir, params: { seed: 2 } });
    expect(c.skipped).toBe(false);
    expect(bytes(a.dir).equals(bytes(b.dir))).toBe(true);
  });

  it('rejects impossible parameters', () => {
    expect(() => generateTinyBert({ out: join(scratch, 'x'), params: { hidden: 30, heads: 4 } })).toThrow(
      /hidden \(30\) must be a multiple of heads \(4\)/,
    );
    expect(() => generateTinyBert({ out: join(scratch, 'x'), preset: 'huge' as never })).toThrow(/unknown preset 'huge'/);
  });

  it('tokenizes lowercase WordPiece with [CLS]/[SEP] and accent stripping', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(FIXTURE);
    expect(tokenizer.tokenize('Red SHOES, Café!')).toEqual(['red', 'shoes', ',', 'c', '##a', '##f', '##e', '!']);
    const { input_ids, token_type_ids } = tokenizer(['red shoes']);
    const vocab = JSON.parse(readFileSync(join(FIXTURE, 'tokenizer.json'), 'utf8')).model.vocab;
    expect(Array.from(input_ids.data as BigInt64Array, Number)).toEqual(
      ['[CLS]', 'red', 'shoes', '[SEP]'].map((t) => vocab[t]),
    );
    expect(Array.from(token_type_ids!.data as BigInt64Array, Number)).toEqual([0, 0, 0, 0]);
  });
});

describe('createEmbedder (Node, transformers.js + onnxruntime-node)', () => {
  it('describes itself', () => {
    expect(fp32).toMatchObject({ modelId: FIXTURE, dtype: 'fp32', pooling: 'mean', dim: 32, backend: 'cpu' });
    expect(fp32.threads).toBeGreaterThanOrEqual(1);
  });

  it('returns one unit-length vector per text, as separate plain Float32Arrays', async () => {
    const vectors = await fp32.embed(TEXTS);
    expect(vectors).toHaveLength(TEXTS.length);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(32);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(new Set(vectors.map((v) => v.buffer)).size).toBe(TEXTS.length);
    expect(cosine(vectors[0]!, vectors[1]!)).toBeLessThan(0.999); // different texts, different vectors
  });

  it('gives the same vectors batched as one by one', async () => {
    const batched = await fp32.embed(TEXTS, { batchSize: 2 });
    const whole = await fp32.embed(TEXTS, { batchSize: 100 });
    for (let i = 0; i < TEXTS.length; i++) {
      const [alone] = await fp32.embed([TEXTS[i]!]);
      expectVectorsClose(batched[i]!, alone!);
      expectVectorsClose(whole[i]!, alone!);
    }
  });

  it('lowercases and strips accents before embedding', async () => {
    const [a, b] = await fp32.embed(['RED Shoes Café', 'red shoes cafe']);
    expectVectorsClose(a!, b!, 6);
  });

  it('equals mean pooling + L2 normalisation of last_hidden_state computed with onnxruntime-node', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(FIXTURE);
    const session = await ort.InferenceSession.create(join(FIXTURE, 'onnx/model.onnx'));
    const texts = TEXTS.slice(0, 3);
    const encoded = tokenizer(texts, { padding: true, truncation: true });
    const feed = (t: { data: unknown; dims: number[] } | undefined) => new ort.Tensor('int64', t!.data as BigInt64Array, t!.dims);
    const { last_hidden_state } = await session.run({
      input_ids: feed(encoded.input_ids),
      attention_mask: feed(encoded.attention_mask),
      token_type_ids: feed(encoded.token_type_ids),
    });
    await session.release();
    const [batch, length, hidden] = last_hidden_state!.dims as number[];
    const states = last_hidden_state!.data as Float32Array;
    const mask = encoded.attention_mask.data as BigInt64Array;
    const expected = Array.from({ length: batch! }, (_, b) => {
      const sum = new Float64Array(hidden!);
      let count = 0;
      for (let t = 0; t < length!; t++) {
        if (mask[b * length! + t] !== 1n) continue;
        count++;
        for (let h = 0; h < hidden!; h++) sum[h]! += states[(b * length! + t) * hidden! + h]!;
      }
      const mean = sum.map((s) => s / count);
      const n = Math.hypot(...mean);
      return mean.map((m) => m / n);
    });
    const actual = await fp32.embed(texts);
    actual.forEach((v, i) => expectVectorsClose(v, expected[i]!));
  });

  it('q8 (int8 weights) stays close to fp32 but is a different model file', async () => {
    const a = await fp32.embed(TEXTS);
    const b = await q8.embed(TEXTS);
    for (let i = 0; i < TEXTS.length; i++) {
      expect(cosine(a[i]!, b[i]!)).toBeGreaterThan(0.99);
      expect(Array.from(a[i]!)).not.toEqual(Array.from(b[i]!));
    }
  });

  it('supports cls pooling, no normalisation, and per-token output', async () => {
    const cls = await createEmbedder({ model: FIXTURE, dtype: 'fp32', pooling: 'cls', normalize: false });
    const tokens = await createEmbedder({ model: FIXTURE, dtype: 'fp32', pooling: 'none', normalize: false });
    try {
      const [c] = await cls.embed(['red shoes']);
      const [all] = await tokens.embed(['red shoes']); // [CLS] red shoes [SEP]
      expect(all!.length).toBe(4 * 32);
      expectVectorsClose(c!, all!.subarray(0, 32));
      expect(norm(c!)).not.toBeCloseTo(1, 2);
      // Per-token output drops padding, so batching does not change it.
      const [, padded] = await tokens.embed(['a much longer text about wool sweaters', 'red shoes']);
      expectVectorsClose(padded!, all!);
    } finally {
      await cls.dispose();
      await tokens.dispose();
    }
  });

  it('loads a static (token-table) model without token_type_ids, and returns zeros, not NaN, for an empty text', async () => {
    // Same tokenizer; the ONNX is one Gather from a table whose special-token rows are zero.
    const dir = brokenCopy('static', (d) => {
      const vocab = JSON.parse(readFileSync(join(d, 'tokenizer.json'), 'utf8')).model.vocab as Record<string, number>;
      const size = Object.keys(vocab).length;
      const table = new Float32Array(size * 8).map((_, i) => Math.sin(i + 1));
      for (const token of ['[PAD]', '[CLS]', '[SEP]']) table.fill(0, vocab[token]! * 8, vocab[token]! * 8 + 8);
      const bytes = encodeModel({
        name: 'static',
        nodes: [{ op: 'Gather', inputs: ['table', 'input_ids'], outputs: ['last_hidden_state'] }],
        initializers: [{ name: 'table', dataType: 'float32', dims: [size, 8], data: table }],
        inputs: [
          { name: 'input_ids', dataType: 'int64', shape: ['batch', 'seq'] },
          { name: 'attention_mask', dataType: 'int64', shape: ['batch', 'seq'] },
        ],
        outputs: [{ name: 'last_hidden_state', dataType: 'float32', shape: ['batch', 'seq', 8] }],
      });
      writeFileSync(join(d, 'onnx/model.onnx'), bytes);
      const config = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
      writeFileSync(join(d, 'config.json'), JSON.stringify({ ...config, hidden_size: 8 }));
    });
    const e = await createEmbedder({ model: dir, dtype: 'fp32' });
    try {
      expect(e.dim).toBe(8);
      const [empty, red] = await e.embed(['', 'red']);
      expect(Array.from(empty!)).toEqual(new Array(8).fill(0));
      // 'red' alone: mean over [CLS] red [SEP] of which only 'red' is non-zero → its row, normalised.
      expect(norm(red!)).toBeCloseTo(1, 5);
    } finally {
      await e.dispose();
    }
  });

  it('rejects bad input clearly', async () => {
    await expect(fp32.embed('red shoes' as never)).rejects.toThrow(/takes an array of strings/);
    await expect(fp32.embed(['ok', 3 as never])).rejects.toThrow(/texts\[1\] is not a string/);
    await expect(fp32.embed(['ok'], { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
    expect(await fp32.embed([])).toEqual([]);
    await expect(createEmbedder({ model: '' })).rejects.toThrow(/options.model must be a non-empty/);
    await expect(createEmbedder({ model: FIXTURE, dtype: 'q3' as never })).rejects.toThrow(/unknown dtype 'q3'/);
    await expect(createEmbedder({ model: FIXTURE, backend: 'webgpu' })).rejects.toThrow(/browser-only/);
  });

  it('refuses to embed after dispose', async () => {
    const e = await createEmbedder({ model: FIXTURE, dtype: 'fp32' });
    await e.dispose();
    await e.dispose(); // twice is fine
    await expect(e.embed(['x'])).rejects.toThrow(/was disposed/);
  });

  it('forwards transformers.js progress events for every file', async () => {
    const events: { status: string; file?: string }[] = [];
    const e = await createEmbedder({ model: FIXTURE, onProgress: (p) => events.push(p) });
    await e.dispose();
    const done = events.filter((p) => p.status === 'done').map((p) => p.file);
    expect(done).toEqual(
      expect.arrayContaining(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx']),
    );
    expect(events.at(-1)?.status).toBe('ready');
  });
});

describe('load errors name the model and the file', () => {
  const loadError = async (model: string, dtype: 'q8' | 'fp32' = 'q8'): Promise<EmbedderError> => {
    const error = await createEmbedder({ model, dtype }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EmbedderError);
    return error as EmbedderError;
  };

  it('missing ONNX file', async () => {
    const dir = brokenCopy('no-onnx', (d) => rmSync(join(d, 'onnx/model_quantized.onnx')));
    const error = await loadError(dir);
    expect(error.file).toBe('onnx/model_quantized.onnx');
    expect(error.message).toContain(`model '${dir}'`);
    expect(error.message).toMatch(/onnx\/model_quantized.onnx is missing/);
  });

  it('missing model folder', async () => {
    const error = await loadError(join(scratch, 'nowhere'));
    expect(error.file).toBe('config.json');
    expect(error.message).toMatch(/config.json is missing/);
  });

  it('corrupt ONNX file', async () => {
    const dir = brokenCopy('corrupt-onnx', (d) => writeFileSync(join(d, 'onnx/model.onnx'), 'definitely not protobuf'));
    const error = await loadError(dir, 'fp32');
    expect(error.file).toBe('onnx/model.onnx');
    expect(error.message).toMatch(/onnx\/model.onnx is not a valid ONNX model/);
  });

  it('invalid JSON', async () => {
    const dir = brokenCopy('bad-json', (d) => writeFileSync(join(d, 'tokenizer_config.json'), '{ "tokenizer_class": '));
    const error = await loadError(dir);
    expect(error.file).toBe('tokenizer_config.json');
    expect(error.message).toMatch(/tokenizer_config.json is not valid JSON/);
  });

  it('missing tokenizer_config.json (transformers.js then loads no tokenizer at all)', async () => {
    const dir = brokenCopy('no-tokenizer-config', (d) => rmSync(join(d, 'tokenizer_config.json')));
    const error = await loadError(dir);
    expect(error.file).toBe('tokenizer_config.json');
    expect(error.message).toMatch(/has no tokenizer: tokenizer_config.json is missing/);
  });

  it('tokenizer with more tokens than the model has embeddings', async () => {
    const dir = brokenCopy('mismatch', (d) => {
      const config = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
      writeFileSync(join(d, 'config.json'), JSON.stringify({ ...config, vocab_size: 100 }));
    });
    const error = await loadError(dir);
    expect(error.file).toBe('tokenizer.json');
    expect(error.message).toMatch(/tokenizer mismatch .* tokenizer.json has 1024 tokens but config.json's vocab_size is 100/);
  });
});

describe('remote hosts', () => {
  it('are never contacted unless allowRemote is set', async () => {
    const originalFetch = env.fetch;
    const fetchSpy = vi.fn(async () => {
      throw new Error('network must not be used');
    });
    env.fetch = fetchSpy;
    try {
      // An id that exists on the Hugging Face hub but not locally.
      const error = await createEmbedder({ model: 'Xenova/all-MiniLM-L6-v2', localModelPath: scratch }).catch((e) => e);
      expect(error).toBeInstanceOf(EmbedderError);
      expect(String(error.message)).toMatch(/config.json is missing/);
      // And a local model loads and runs without a single fetch.
      const e = await createEmbedder({ model: 'tiny-bert', localModelPath: join(FIXTURE, '..') });
      expect(await e.embed(['red shoes'])).toHaveLength(1);
      await e.dispose();
      expect(fetchSpy).not.toHaveBeenCalled();
      expect(env.allowRemoteModels).toBe(false);
    } finally {
      env.fetch = originalFetch;
    }
  });

  it('are asked only at the configured remoteHost when allowRemote is set', async () => {
    const originalFetch = env.fetch;
    const urls: string[] = [];
    env.fetch = async (url: string | URL) => {
      urls.push(String(url));
      return new Response('not here', { status: 404 });
    };
    try {
      const error = await createEmbedder({
        model: 'shop/model',
        localModelPath: scratch,
        allowRemote: true,
        remoteHost: 'https://models.shop.test/',
      }).catch((e) => e);
      expect(error).toBeInstanceOf(EmbedderError);
      expect(error.message).toMatch(/config.json is missing \(looked for "https:\/\/models.shop.test\/shop\/model\//);
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) expect(url.startsWith('https://models.shop.test/shop/model/')).toBe(true);
    } finally {
      env.fetch = originalFetch;
    }
    // The next embedder without allowRemote switches remote loading off again.
    const e = await createEmbedder({ model: FIXTURE });
    await e.dispose();
    expect(env.allowRemoteModels).toBe(false);
  });
});

describe('selectBackend', () => {
  const adapter = { requestAdapter: async () => ({}) };
  const noAdapter = { requestAdapter: async () => null };

  it('prefers WebGPU when an adapter is available', async () => {
    expect(await selectBackend('auto', { gpu: adapter })).toMatchObject({ backend: 'webgpu', threads: 1 });
  });

  it('falls back to WASM without navigator.gpu, without an adapter, or when requestAdapter throws', async () => {
    expect((await selectBackend('auto', {})).backend).toBe('wasm');
    expect((await selectBackend('auto', { gpu: noAdapter })).backend).toBe('wasm');
    const throwing = { requestAdapter: async () => Promise.reject(new Error('blocked')) };
    expect((await selectBackend('auto', { gpu: throwing })).backend).toBe('wasm');
  });

  it('uses min(4, cores) threads only when crossOriginIsolated', async () => {
    expect(wasmThreads({ crossOriginIsolated: false, hardwareConcurrency: 8 })).toBe(1);
    expect(wasmThreads({ crossOriginIsolated: true, hardwareConcurrency: 8 })).toBe(4);
    expect(wasmThreads({ crossOriginIsolated: true, hardwareConcurrency: 2 })).toBe(2);
    expect(wasmThreads({ crossOriginIsolated: true })).toBe(1);
    expect(await selectBackend('wasm', { gpu: adapter, crossOriginIsolated: true, hardwareConcurrency: 16 })).toMatchObject({
      backend: 'wasm',
      threads: 4,
    });
  });

  it('honours a forced backend, and says so when forced WebGPU is impossible', async () => {
    expect((await selectBackend('webgpu', { gpu: adapter })).backend).toBe('webgpu');
    await expect(selectBackend('webgpu', { gpu: noAdapter })).rejects.toThrow(BackendError);
    await expect(selectBackend('webgpu', {})).rejects.toThrow(/forced by config, but navigator.gpu yields no adapter/);
    await expect(selectBackend('metal' as never, {})).rejects.toThrow(/unknown backend 'metal'/);
  });
});
