// Generates a BERT-layout feature-extraction model folder with random weights (fixed seed), in the
// layout transformers.js loads:
//
//   config.json                model_type 'bert' (+ `tacit_generator`: the parameters, for idempotence)
//   tokenizer.json             WordPiece, lowercase, BERT normaliser and pre-tokeniser
//   tokenizer_config.json      BertTokenizer
//   onnx/model.onnx            fp32
//   onnx/model_quantized.onnx  int8 weights (per-channel symmetric), expanded by DequantizeLinear
//
// Inputs input_ids / attention_mask / token_type_ids (int64 [batch, sequence]), output
// last_hidden_state (float32 [batch, sequence, hidden]). Only standard ops that onnxruntime-web runs
// on WASM and WebGPU: Gather, Shape, Slice, Add, Sub, Mul, Div, Cast, Unsqueeze, Reshape, Transpose,
// MatMul, Softmax, Erf, LayerNormalization, DequantizeLinear.
//
// The weights mean nothing: the model exists so that tests and benchmarks exercise the real loading,
// tokenising and inference path at a realistic (minilm) or tiny size without downloading anything.
//
// CLI: npx tsx model/tiny-bert.ts --preset tiny --out DIR [--seed N] [--layers N] [--hidden N]
//      [--heads N] [--intermediate N] [--vocab N] [--max-positions N] [--force]

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../core/random.ts';
import { encodeModel } from './onnx.ts';
import type { OnnxNode, OnnxTensor } from './onnx.ts';
import { buildVocabulary, LETTERS_AND_DIGITS, PUNCTUATION, SPECIAL_TOKENS, TinyBertError, tokenizerConfigJson, tokenizerJson } from './tiny-bert-vocab.ts';

export { buildVocabulary, TinyBertError } from './tiny-bert-vocab.ts';

export interface TinyBertParams {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  /** Vocabulary size, special tokens included. */
  vocab: number;
  /** Longest input in tokens (position embeddings; also the tokenizer's model_max_length). */
  maxPositions: number;
  seed: number;
}

export const TINY_BERT_PRESETS = {
  /** For unit tests: loads and runs in milliseconds. */
  tiny: { layers: 2, hidden: 32, heads: 4, intermediate: 64, vocab: 1024, maxPositions: 128, seed: 1 },
  /** all-MiniLM-L6-v2's shape, for benchmarks. */
  minilm: { layers: 6, hidden: 384, heads: 12, intermediate: 1536, vocab: 30522, maxPositions: 512, seed: 1 },
} as const satisfies Record<string, TinyBertParams>;

export type TinyBertPreset = keyof typeof TINY_BERT_PRESETS;

/** Bump when the generated files change for the same parameters. */
const GENERATOR_VERSION = 1;

export const TINY_BERT_FILES = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
  'onnx/model_quantized.onnx',
] as const;

// ---------------------------------------------------------------------------------------------------
// Deterministic random numbers.

/** mulberry32: tiny, fast, and the same sequence on every platform. */
const uniformRandom = mulberry32;

function normalRandom(seed: number): () => number {
  const uniform = uniformRandom(seed);
  return () => {
    const u = 1 - uniform(); // (0, 1]: log stays finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

function configJson(params: TinyBertParams, vocab: readonly string[]): object {
  return {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: params.hidden,
    num_hidden_layers: params.layers,
    num_attention_heads: params.heads,
    intermediate_size: params.intermediate,
    vocab_size: params.vocab,
    max_position_embeddings: params.maxPositions,
    type_vocab_size: 2,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-12,
    pad_token_id: vocab.indexOf('[PAD]'),
    tacit_generator: { version: GENERATOR_VERSION, ...params },
  };
}

// ---------------------------------------------------------------------------------------------------
// The graph.

const LAYER_NORM_EPSILON = 1e-12;
const WEIGHT_STD = 0.02;

type Precision = 'fp32' | 'int8';

/** Builds nodes and initializers; weights are drawn in a fixed order so both precisions share them. */
class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly normal: () => number;
  private counter = 0;

  constructor(
    seed: number,
    private readonly precision: Precision,
  ) {
    this.normal = normalRandom(seed);
  }

  private fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  node(op: string, inputs: string[], attributes?: OnnxNode['attributes'], hint = op.toLowerCase()): string {
    const output = this.fresh(hint);
    this.nodes.push({ op, inputs, outputs: [output], name: `${op}_${this.counter}`, ...(attributes ? { attributes } : {}) });
    return output;
  }

  constant(name: string, dataType: OnnxTensor['dataType'], dims: number[], data: OnnxTensor['data']): string {
    this.initializers.push({ name, dataType, dims, data });
    return name;
  }

  private random(count: number, std: number, mean = 0): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** A learned vector (bias, LayerNorm scale/shift): always fp32. */
  vector(name: string, size: number, mean = 0, std = WEIGHT_STD): string {
    return this.constant(name, 'float32', [size], this.random(size, std, mean));
  }

  /**
   * A learned matrix [rows, cols]. In int8 it is stored quantized per `channelAxis` (symmetric, one
   * scale per row or column) and expanded back to fp32 by DequantizeLinear.
   */
  matrix(name: string, rows: number, cols: number, channelAxis: 0 | 1): string {
    const weights = this.random(rows * cols, WEIGHT_STD);
    if (this.precision === 'fp32') return this.constant(name, 'float32', [rows, cols], weights);
    const channels = channelAxis === 0 ? rows : cols;
    const channelOf = (i: number) => (channelAxis === 0 ? Math.floor(i / cols) : i % cols);
    const maxAbs = new Float32Array(channels);
    weights.forEach((w, i) => {
      const c = channelOf(i);
      maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(w));
    });
    const scales = maxAbs.map((m) => (m > 0 ? m / 127 : 1));
    const quantized = new Int8Array(weights.length);
    weights.forEach((w, i) => {
      quantized[i] = Math.max(-127, Math.min(127, Math.round(w / scales[channelOf(i)]!)));
    });
    const q = this.constant(`${name}_quantized`, 'int8', [rows, cols], quantized);
    const s = this.constant(`${name}_scale`, 'float32', [channels], scales);
    const z = this.constant(`${name}_zero_point`, 'int8', [channels], new Int8Array(channels));
    return this.node('DequantizeLinear', [q, s, z], { axis: { int: channelAxis } }, name);
  }

  dense(x: string, prefix: string, inSize: number, outSize: number): string {
    const w = this.matrix(`${prefix}.weight`, inSize, outSize, 1);
    const b = this.vector(`${prefix}.bias`, outSize);
    return this.node('Add', [this.node('MatMul', [x, w]), b]);
  }

  layerNorm(x: string, prefix: string, size: number): string {
    const scale = this.vector(`${prefix}.weight`, size, 1);
    const shift = this.vector(`${prefix}.bias`, size);
    return this.node('LayerNormalization', [x, scale, shift], {
      axis: { int: -1 },
      epsilon: { float: LAYER_NORM_EPSILON },
    });
  }
}

const INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'] as const;
export const TINY_BERT_OUTPUT = 'last_hidden_state';

export function buildBertGraph(params: TinyBertParams, precision: Precision): Uint8Array {
  const { hidden, heads, layers, intermediate, vocab, maxPositions } = params;
  const headSize = hidden / heads;
  const g = new GraphBuilder(params.seed, precision);

  const int64 = (name: string, values: number[]) => g.constant(name, 'int64', [values.length], values);
  const scalar = (name: string, value: number) => g.constant(name, 'float32', [], [value]);
  const one = scalar('one', 1);
  const half = scalar('half', 0.5);
  const sqrt2 = scalar('sqrt2', Math.SQRT2);
  const maskedScore = scalar('masked_score', -10000);
  const attentionScale = scalar('attention_scale', 1 / Math.sqrt(headSize));
  const zero1d = int64('zero_1d', [0]);
  const maskAxes = int64('mask_axes', [1, 2]);
  const splitHeads = int64('split_heads_shape', [0, 0, heads, headSize]);
  const mergeHeads = int64('merge_heads_shape', [0, 0, hidden]);

  // Embeddings: word + position + token type, then LayerNorm.
  const wordTable = g.matrix('embeddings.word_embeddings.weight', vocab, hidden, 0);
  const positionTable = g.matrix('embeddings.position_embeddings.weight', maxPositions, hidden, 0);
  const typeTable = g.matrix('embeddings.token_type_embeddings.weight', 2, hidden, 0);
  const words = g.node('Gather', [wordTable, 'input_ids'], { axis: { int: 0 } });
  const sequenceLength = g.node('Shape', ['input_ids'], { start: { int: 1 }, end: { int: 2 } });
  const positions = g.node('Slice', [positionTable, zero1d, sequenceLength, zero1d]);
  const types = g.node('Gather', [typeTable, 'token_type_ids'], { axis: { int: 0 } });
  const summed = g.node('Add', [g.node('Add', [words, positions]), types]);
  let x = g.layerNorm(summed, 'embeddings.LayerNorm', hidden);

  // Additive attention mask [batch, 1, 1, sequence]: 0 where attended, -10000 on padding.
  const maskFloat = g.node('Cast', ['attention_mask'], { to: { int: 1 } });
  const maskBias = g.node('Mul', [g.node('Sub', [one, maskFloat]), maskedScore]);
  const mask = g.node('Unsqueeze', [maskBias, maskAxes]);

  for (let l = 0; l < layers; l++) {
    const p = `encoder.layer.${l}`;
    const heads4d = (t: string, perm: number[]) =>
      g.node('Transpose', [g.node('Reshape', [t, splitHeads])], { perm: { ints: perm } });
    const q = heads4d(g.dense(x, `${p}.attention.self.query`, hidden, hidden), [0, 2, 1, 3]);
    const kT = heads4d(g.dense(x, `${p}.attention.self.key`, hidden, hidden), [0, 2, 3, 1]);
    const v = heads4d(g.dense(x, `${p}.attention.self.value`, hidden, hidden), [0, 2, 1, 3]);
    const scores = g.node('Add', [g.node('Mul', [g.node('MatMul', [q, kT]), attentionScale]), mask]);
    const probs = g.node('Softmax', [scores], { axis: { int: -1 } });
    const context = g.node('Transpose', [g.node('MatMul', [probs, v])], { perm: { ints: [0, 2, 1, 3] } });
    const merged = g.node('Reshape', [context, mergeHeads]);
    const attended = g.dense(merged, `${p}.attention.output.dense`, hidden, hidden);
    x = g.layerNorm(g.node('Add', [attended, x]), `${p}.attention.output.LayerNorm`, hidden);

    // GELU, exact form: 0.5 · h · (1 + erf(h / √2)).
    const h = g.dense(x, `${p}.intermediate.dense`, hidden, intermediate);
    const erf = g.node('Erf', [g.node('Div', [h, sqrt2])]);
    const gelu = g.node('Mul', [g.node('Mul', [h, g.node('Add', [erf, one])]), half]);
    const out = g.dense(gelu, `${p}.output.dense`, intermediate, hidden);
    x = g.layerNorm(g.node('Add', [out, x]), `${p}.output.LayerNorm`, hidden);
  }
  g.nodes.push({ op: 'Identity', inputs: [x], outputs: [TINY_BERT_OUTPUT], name: 'output' });

  return encodeModel({
    name: `tacit-tiny-bert-${precision}`,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: INPUTS.map((name) => ({ name, dataType: 'int64' as const, shape: ['batch_size', 'sequence_length'] })),
    outputs: [{ name: TINY_BERT_OUTPUT, dataType: 'float32', shape: ['batch_size', 'sequence_length', hidden] }],
  });
}

// ---------------------------------------------------------------------------------------------------
// The folder.

function checkParams(params: TinyBertParams): void {
  for (const key of ['layers', 'hidden', 'heads', 'intermediate', 'vocab', 'maxPositions'] as const) {
    if (!Number.isSafeInteger(params[key]) || params[key] < 1) {
      throw new TinyBertError(`${key} must be a positive integer, got ${params[key]}`);
    }
  }
  if (!Number.isSafeInteger(params.seed)) throw new TinyBertError(`seed must be an integer, got ${params.seed}`);
  if (params.hidden % params.heads !== 0) {
    throw new TinyBertError(`hidden (${params.hidden}) must be a multiple of heads (${params.heads})`);
  }
  const minimumVocab = SPECIAL_TOKENS.length + PUNCTUATION.length + 2 * LETTERS_AND_DIGITS.length;
  if (params.vocab < minimumVocab) throw new TinyBertError(`vocab must be at least ${minimumVocab}, got ${params.vocab}`);
}

/** The generator parameters recorded in DIR/config.json, or null when DIR is not a complete model. */
export function readGeneratedParams(dir: string): (TinyBertParams & { version: number }) | null {
  if (!TINY_BERT_FILES.every((file) => existsSync(join(dir, file)))) return null;
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { tacit_generator?: unknown };
    return (config.tacit_generator as TinyBertParams & { version: number }) ?? null;
  } catch {
    return null;
  }
}

function sameParams(a: TinyBertParams & { version: number }, b: TinyBertParams): boolean {
  return (
    a.version === GENERATOR_VERSION &&
    (Object.keys(TINY_BERT_PRESETS.tiny) as (keyof TinyBertParams)[]).every((key) => a[key] === b[key])
  );
}

export interface GenerateOptions {
  out: string;
  preset?: TinyBertPreset;
  /** Overrides of the preset's parameters. */
  params?: Partial<TinyBertParams>;
  /** Regenerate even when DIR already holds the same model. */
  force?: boolean;
}

export interface GenerateResult {
  dir: string;
  params: TinyBertParams;
  /** True when DIR already held this model and nothing was written. */
  skipped: boolean;
}

/**
 * Writes the model folder. Idempotent: returns at once when `out` already holds a model generated with
 * the same parameters. Files are written into a temporary sibling folder that is renamed into place,
 * so concurrent callers (parallel test files) never see a half-written model.
 */
export function generateTinyBert(options: GenerateOptions): GenerateResult {
  const presetName = options.preset ?? 'tiny';
  const preset = TINY_BERT_PRESETS[presetName];
  if (!preset) {
    throw new TinyBertError(`unknown preset '${presetName}' (known: ${Object.keys(TINY_BERT_PRESETS).join(', ')})`);
  }
  const params: TinyBertParams = { ...preset, ...options.params };
  checkParams(params);
  const dir = resolve(options.out);

  const existing = readGeneratedParams(dir);
  if (!options.force && existing && sameParams(existing, params)) return { dir, params, skipped: true };

  const vocab = buildVocabulary(params.vocab);
  const temp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(join(temp, 'onnx'), { recursive: true });
    const json = (file: string, value: object) => writeFileSync(join(temp, file), `${JSON.stringify(value, null, 2)}\n`);
    json('config.json', configJson(params, vocab));
    json('tokenizer.json', tokenizerJson(vocab));
    json('tokenizer_config.json', tokenizerConfigJson(params.maxPositions));
    writeFileSync(join(temp, 'onnx/model.onnx'), buildBertGraph(params, 'fp32'));
    writeFileSync(join(temp, 'onnx/model_quantized.onnx'), buildBertGraph(params, 'int8'));

    mkdirSync(dirname(dir), { recursive: true });
    // A concurrent caller may have finished the same model meanwhile: never pull it from under its readers.
    const finished = readGeneratedParams(dir);
    if (!options.force && finished && sameParams(finished, params)) return { dir, params, skipped: true };
    try {
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
      renameSync(temp, dir);
    } catch (error) {
      // Another process finished the same model first: theirs is as good as ours.
      const winner = readGeneratedParams(dir);
      if (!(winner && sameParams(winner, params))) throw error;
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return { dir, params, skipped: false };
}

// ---------------------------------------------------------------------------------------------------
// CLI.

const USAGE = `usage: npx tsx model/tiny-bert.ts --out DIR [--preset ${Object.keys(TINY_BERT_PRESETS).join('|')}]
       [--seed N] [--layers N] [--hidden N] [--heads N] [--intermediate N] [--vocab N] [--max-positions N] [--force]`;

function parseCli(argv: string[]): GenerateOptions {
  const numeric: Record<string, keyof TinyBertParams> = {
    '--seed': 'seed',
    '--layers': 'layers',
    '--hidden': 'hidden',
    '--heads': 'heads',
    '--intermediate': 'intermediate',
    '--vocab': 'vocab',
    '--max-positions': 'maxPositions',
  };
  const options: GenerateOptions = { out: '', params: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new TinyBertError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--out') options.out = value();
    else if (arg === '--preset') options.preset = value() as TinyBertPreset;
    else if (arg === '--force') options.force = true;
    else if (arg in numeric) options.params![numeric[arg]!] = Number(value());
    else throw new TinyBertError(`unknown argument '${arg}'`);
  }
  if (!options.out) throw new TinyBertError('--out DIR is required');
  return options;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
  } else {
    try {
      const result = generateTinyBert(parseCli(process.argv.slice(2)));
      console.log(`${result.skipped ? 'up to date' : 'generated'}: ${result.dir} ${JSON.stringify(result.params)}`);
    } catch (error) {
      console.error(`tiny-bert: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
      process.exitCode = 1;
    }
  }
}
