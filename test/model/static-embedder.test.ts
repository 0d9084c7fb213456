// The runtime-free static embedder (core/static-embedder.ts) against the ONNX export run through
// transformers.js (worker/embedder.ts, exactly what the worker runs): on 10,000 generated texts the token
// ids are the same as transformers.js' tokenizer's and every vector is bit for bit the same.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../core/random.ts';
import { createStaticEmbedder, staticEmbedderFromModel } from '../../core/static-embedder.ts';
import type { StaticEmbedder } from '../../core/static-embedder.ts';
import { StaticModelError, decodeStaticModel } from '../../core/static-model.ts';
import { DEFAULT_MODEL_ID, defaultModelDir, defaultModelsRoot } from '../../model/default.ts';
import type { Embedder } from '../../core/embedder.ts';
import { createEmbedder } from '../../worker/embedder.ts';

const dir = defaultModelDir();
const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { tacit: { static_model: string } };
const staticFile = join(dir, config.tacit.static_model);

/** Deterministic texts that exercise every tokenizer rule: unicode, accents, punctuation, long, unknown. */
export function generateTexts(count: number, vocab: readonly string[], seed = 20_261_201): string[] {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const words = vocab.filter((t) => /^[a-z]+$/.test(t));
  const pieces = vocab.filter((t) => t.startsWith('##')).map((t) => t.slice(2));
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const exotic = [
    'café', 'crème brûlée', 'Ångström', 'naïve', 'Zürich', 'e\u0301te\u0301', 'São Paulo', 'Øresund', 'ﬁne', 'ǅemal', 'İstanbul', 'straße',
    'Ελληνικά', 'Русский', 'עברית', 'العربية', 'हिन्दी', '日本語のテキスト', '中文字符', '한국어', 'ｆｕｌｌｗｉｄｔｈ', '𠀀𠀁 astral',
    '😀', '👩‍👩‍👧', '🇫🇷', '❤️', '™', '©', '€12,99', '£5', '°C', '±', '½', '²', '∑', '→', '…', '—', '–', '“quoted”', '«guillemets»',
    '¿qué?', '¡sí!', '[CLS]', '[SEP]', '[MASK]', '[UNK]', '[PAD]', '[CL', 'MASK]', '[mask]', '[[SEP]]', 'x[SEP]y',
    '\t', '\n', '\r\n', '\u00a0', '\u2003', '\u200b', '\ufeff', '\u0007', '\u0000', '\ufffd', '\ud800', '\udc00', '\u00ad', '\u2028',
    "men's", "don't", 'e-mail', 'T-shirt', '3D-printer', 'A209809', 'XJ-2000', '1.75mm', '1/4"', '50%', '#hashtag', '@user', 'http://x.y/z?q=1',
    'a'.repeat(101), 'b'.repeat(100), 'supercalifragilisticexpialidocious', 'Pneumonoultramicroscopicsilicovolcanoconiosis',
  ];
  const token = (): string => {
    const r = random();
    if (r < 0.45) {
      const w = pick(words);
      const c = random();
      return c < 0.1 ? w.toUpperCase() : c < 0.3 ? w[0]!.toUpperCase() + w.slice(1) : w;
    }
    if (r < 0.6) return pick(words) + pick(pieces); // inflected or compound-like
    if (r < 0.75) return Array.from({ length: 2 + Math.floor(random() * 10) }, () => pick([...letters])).join(''); // unknown
    if (r < 0.9) return pick(exotic);
    return pick([...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~']);
  };
  const separator = () => pick([' ', ' ', ' ', '', '  ', '\t', ', ', '-', '/', '\n']);
  const texts: string[] = ['', ' ', '\t\n', '[CLS]', '...', '日本'];
  while (texts.length < count) {
    const long = random() < 0.03;
    const n = long ? 300 + Math.floor(random() * 500) : 1 + Math.floor(random() * 14);
    let text = '';
    for (let i = 0; i < n; i++) text += (i > 0 ? separator() : '') + token();
    texts.push(text);
  }
  return texts;
}

let staticEmbedder: StaticEmbedder;
let onnxEmbedder: Embedder;
let texts: string[];

beforeAll(async () => {
  staticEmbedder = await createStaticEmbedder({ url: staticFile });
  onnxEmbedder = await createEmbedder({ model: DEFAULT_MODEL_ID, localModelPath: defaultModelsRoot() });
  texts = generateTexts(10_000, staticEmbedder.model.vocab);
}, 120_000);

describe(`static embedder for ${DEFAULT_MODEL_ID}`, () => {
  it('implements the Embedder interface of core/embedder.ts', () => {
    const asEmbedder: Embedder = staticEmbedder; // compile-time check
    expect(asEmbedder.dim).toBe(onnxEmbedder.dim);
    expect(staticEmbedder.modelId).toBe(DEFAULT_MODEL_ID);
    expect(staticEmbedder.pooling).toBe('mean');
    expect(staticEmbedder.isLost()).toBe(false);
    expect(staticEmbedder.backend).toBe('js');
  });

  it("tokenizes 10,000 texts exactly like transformers.js' tokenizer", async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
    const mismatches: string[] = [];
    for (const text of texts) {
      const reference = (tokenizer(text, { truncation: true, return_tensor: false }) as { input_ids: number[] }).input_ids;
      const ours = staticEmbedder.tokenize(text);
      if (ours.length !== reference.length || ours.some((id, i) => id !== reference[i])) mismatches.push(JSON.stringify(text).slice(0, 120));
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  }, 120_000);

  it('gives bit-identical vectors to the ONNX graph through transformers.js on 10,000 texts', async () => {
    const ours = await staticEmbedder.embed(texts);
    const reference = await onnxEmbedder.embed(texts, { batchSize: 64 });
    let differing = 0;
    let first = -1;
    ours.forEach((vector, i) => {
      const a = new Uint32Array(vector.buffer, vector.byteOffset, vector.length);
      const b = new Uint32Array(reference[i]!.buffer, reference[i]!.byteOffset, reference[i]!.length);
      if (a.length !== b.length || a.some((bits, k) => bits !== b[k])) {
        differing++;
        if (first < 0) first = i;
      }
    });
    expect({ differing, first: first < 0 ? null : JSON.stringify(texts[first]).slice(0, 120) }).toEqual({ differing: 0, first: null });
    expect(texts.filter((t) => t.length > 2000).length).toBeGreaterThan(50); // long texts were truncated and compared
  }, 300_000);

  it('uses a shop word for a word the model would spell from pieces, and lets a shop re-weight a word', async () => {
    const { dim } = staticEmbedder;
    const row = Int8Array.from({ length: dim }, (_, k) => (k === 0 ? 127 : 0));
    const shop = staticEmbedderFromModel(staticEmbedder.model, { extraWords: { words: ['zorbexq', 'filament'], scales: Float32Array.of(0.01, 0), data: Int8Array.from([...row, ...row]) } });
    const [brand] = await shop.embed(['Zorbexq']);
    expect(brand![0]).toBeCloseTo(1, 6); // the shop's row alone, normalized
    const [plain] = await staticEmbedder.embed(['pla filament']);
    const [reweighted] = await shop.embed(['pla filament']);
    const [withoutWord] = await staticEmbedder.embed(['pla']);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, k) => s + x * b[k]!, 0);
    expect(dot(reweighted!, withoutWord!)).toBeCloseTo(1, 5); // a zero-scale shop row removes the word
    expect(dot(plain!, reweighted!)).toBeLessThan(0.99);
  });

  it('rejects bad model files and bad input with clear errors', async () => {
    const bytes = new Uint8Array(readFileSync(staticFile));
    expect(() => decodeStaticModel(bytes.subarray(0, 100))).toThrow(StaticModelError);
    expect(() => decodeStaticModel(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => decodeStaticModel(bad)).toThrow(/bad magic/);
    await expect(staticEmbedder.embed([42 as unknown as string])).rejects.toThrow(/not a string/);
    await expect(createStaticEmbedder({})).rejects.toThrow(/bytes.*url/);
  });
});
