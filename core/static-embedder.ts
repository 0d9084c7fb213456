// Text embeddings from a static model without any runtime: tokenize (wordpiece.ts), look each token's
// int8 row up, dequantize, mean-pool, L2-normalize. Shared by Node (the CLI) and the browser worker.
//
// The arithmetic is the ONNX export's run through transformers.js, step for step, so the vectors are
// bit-identical (test/model/static-embedder.test.ts): each token value is the float32 product
// int8 × scale (ONNX Cast + Mul), mean pooling sums those in float64 in token order and divides by the
// number of tokens, [CLS] and [SEP] included (their rows are zero), rounding to float32; the norm sums
// squares into a float32 accumulator and takes `** 0.5`, and each value is divided by it in float32.
// A text with no non-zero token gives the zero vector (the transformers.js path turns its 0/0 into zeros too).

import type { Embedder } from './embedder.ts';
import { decodeStaticModel } from './static-model.ts';
import type { StaticModel } from './static-model.ts';
import { WordPieceTokenizer } from './wordpiece.ts';

/** Words a shop's catalogue taught (the "words" section of its .vec file): int8 rows like the model's. */
export interface ExtraWords {
  words: readonly string[];
  /** Per-word dequantization scale. */
  scales: Float32Array;
  /** Row-major words.length × dim int8 values. */
  data: Int8Array;
  /**
   * The direction the shop's texts share (the normalized mean of its item vectors): projected out of every
   * text vector before normalization, so items and queries are compared on what sets them apart.
   */
  center?: Float32Array;
}

export interface StaticEmbedderOptions {
  /** The model file: bytes, or where to get them (http(s) URL via fetch; in Node also a file path or file: URL). */
  bytes?: Uint8Array | ArrayBuffer;
  url?: string | URL;
  /**
   * The shop's own word vectors (learned by core/catalog-words.ts): a word listed here uses this row instead
   * of the model's tokens for it — new words the model would spell from pieces, and words re-weighted for the shop.
   */
  extraWords?: ExtraWords;
  /** Id reported as `modelId` (default: the id in the file). */
  modelId?: string;
  /** fetch to use for http(s) URLs (default globalThis.fetch). */
  fetch?: typeof fetch;
}

/** An `Embedder` (core/embedder.ts) that needs no runtime, so the engine can use it in place of transformers.js. */
export interface StaticEmbedder extends Embedder {
  dtype: 'q8';
  pooling: 'mean';
  /** Plain JavaScript on the CPU: no ONNX Runtime, no WebAssembly, no GPU. */
  backend: 'js';
  threads: 1;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** The same, synchronously (a static model needs no I/O once loaded). */
  embedSync(texts: readonly string[]): Float32Array[];
  isLost(): boolean;
  dispose(): Promise<void>;
  /** Token ids of a text (the extra words get ids from `vocabSize` on). */
  tokenize(text: string): number[];
  /** The model as loaded (vocabulary, rows), for tools such as the catalogue word learner. */
  readonly model: StaticModel;
}

export class StaticEmbedderError extends Error {
  override name = 'StaticEmbedderError';
}

async function loadBytes(options: StaticEmbedderOptions): Promise<Uint8Array> {
  if (options.bytes) return options.bytes instanceof Uint8Array ? options.bytes : new Uint8Array(options.bytes);
  const url = options.url;
  if (url === undefined) throw new StaticEmbedderError('static embedder: give the model as `bytes` or `url`');
  const href = String(url);
  if (/^https?:/i.test(href) || typeof process === 'undefined' || process.release?.name !== 'node') {
    const response = await (options.fetch ?? fetch)(href);
    if (!response.ok) throw new StaticEmbedderError(`static embedder: fetching ${href} failed with HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  const specifier = 'node:fs/promises'; // Node only; a variable keeps bundlers from following it
  const fs = (await import(/* @vite-ignore */ specifier)) as typeof import('node:fs/promises');
  return new Uint8Array(await fs.readFile(href.startsWith('file:') ? new URL(href) : href));
}

export async function createStaticEmbedder(options: StaticEmbedderOptions): Promise<StaticEmbedder> {
  const model = decodeStaticModel(await loadBytes(options));
  return staticEmbedderFromModel(model, options);
}

export function staticEmbedderFromModel(model: StaticModel, options: Pick<StaticEmbedderOptions, 'extraWords' | 'modelId'> = {}): StaticEmbedder {
  const { header, vocab, rowOfToken, scales, table } = model;
  const { dim } = header;
  const tokenizer = new WordPieceTokenizer({ vocab, ...header.tokenizer });

  // Extra words get ids after the vocabulary; their rows follow the model's rows.
  const extra = options.extraWords;
  const extraIds = new Map<string, number>();
  if (extra) {
    if (extra.scales.length !== extra.words.length || extra.data.length !== extra.words.length * dim) {
      throw new StaticEmbedderError(`static embedder: extraWords hold ${extra.words.length} words but ${extra.scales.length} scales and ${extra.data.length} values (dim ${dim})`);
    }
    // A shop's word replaces the model's spelling of it (or, for a word the shop re-weighted, its row).
    extra.words.forEach((word, i) => {
      if (!extraIds.has(word)) extraIds.set(word, header.tokens + i);
    });
  }
  const hook = extraIds.size > 0 ? (word: string) => extraIds.get(word) : undefined;
  const center = extra?.center;
  if (center && center.length !== dim) throw new StaticEmbedderError(`static embedder: extraWords.center has ${center.length} values, expected ${dim}`);

  /** Adds the float32 values of token `id` to `sum` (float64), as ONNX Cast+Mul then mean pooling do. */
  const addToken = (id: number, sum: Float64Array) => {
    let values: Int8Array;
    let scale: number;
    let base: number;
    if (id < header.tokens) {
      const row = rowOfToken[id]!;
      scale = scales[row]!;
      values = table;
      base = row * dim;
    } else {
      const i = id - header.tokens;
      scale = extra!.scales[i]!;
      values = extra!.data;
      base = i * dim;
    }
    if (scale === 0) return; // a zero row adds +0, which changes no sum
    for (let k = 0; k < dim; k++) sum[k] += Math.fround(values[base + k]! * scale);
  };

  const embedOne = (text: string): Float32Array => {
    const ids = tokenizer.encode(text, hook);
    const sum = new Float64Array(dim);
    for (const id of ids) addToken(id, sum);
    const out = new Float32Array(dim);
    for (let k = 0; k < dim; k++) out[k] = sum[k]! / ids.length;
    if (center) {
      let along = 0;
      for (let k = 0; k < dim; k++) along += out[k]! * center[k]!;
      for (let k = 0; k < dim; k++) out[k] = out[k]! - along * center[k]!;
    }
    let squares = 0;
    for (let k = 0; k < dim; k++) squares = Math.fround(squares + out[k]! ** 2);
    const norm = Math.fround(squares ** 0.5);
    if (norm === 0) return new Float32Array(dim);
    for (let k = 0; k < dim; k++) out[k] = out[k]! / norm;
    return out;
  };

  let disposed = false;
  const modelId = options.modelId ?? header.modelId;
  return {
    modelId,
    dtype: 'q8',
    pooling: 'mean',
    dim,
    backend: 'js',
    threads: 1,
    model,
    tokenize: (text) => tokenizer.encode(text, hook),
    embedSync: (texts) => texts.map(embedOne),
    async embed(texts) {
      if (disposed) throw new StaticEmbedderError(`static embedder: model '${modelId}' was disposed`);
      if (!Array.isArray(texts)) throw new StaticEmbedderError('static embedder: embed() takes an array of strings');
      const bad = texts.findIndex((t) => typeof t !== 'string');
      if (bad >= 0) throw new StaticEmbedderError(`static embedder: texts[${bad}] is not a string (${typeof texts[bad]})`);
      return texts.map(embedOne);
    },
    isLost: () => false,
    async dispose() {
      disposed = true;
    },
  };
}
