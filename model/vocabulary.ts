// The model's vocabulary: trained WordNet words, plus the shop words WordNet lacks (shop-words.ts),
// inflected forms and shop aliases that share a word's row, and the subword pieces every unknown word
// is spelled from.

import { FUNCTION_WORDS, inflectionsOf, irregularForms } from './morphology.ts';
import { selectPieces } from './pieces.ts';
import { aliasesWordPieceNeeds } from './tokenizer.ts';
import { SHOP_ALIASES, SHOP_WORDS } from './shop-words.ts';
import { isVocabularyWord } from './train.ts';
import type { TrainedWords } from './train.ts';
import type { WordNet } from './wordnet.ts';

export interface Vocabulary {
  functionWords: string[];
  /** Words with their own row, trained ones first, then shop words. */
  words: string[];
  /** Unit semantic vector of each word, row-major words.length × dim. */
  vectors: Float32Array;
  /** Frequency of each word (WordNet's, see train.ts; a typical value for shop words). */
  frequency: number[];
  /** How often spoken English uses each word with its inflections and aliases (SUBTLEX-US counts). */
  spoken: number[];
  /** Whether each word is a name (WordNet writes it only capitalized: Paris, Greek, Christmas). */
  proper: boolean[];
  /** Inflected forms, shop aliases and "##word" continuations, each sharing its word's row. */
  aliases: Array<[form: string, lemma: string]>;
  pieces: string[];
  dim: number;
}

/**
 * Continuation pieces that carry no meaning of their own: a plural ending spelled as a piece
 * ("candleholders" → candle ##holder ##s) adds nothing, so these get the zero vector.
 */
export const ZERO_PIECES: ReadonlySet<string> = new Set(['##s', '##es']);

/** Words that are better read as suffixes than as words when they end a compound ("##ion", "##less"). */
const SUFFIX_LIKE = new Set(
  'able ably ance ant ary ate dom ence ent ers ery ess est ful hood ible ical ics ing ion ions ise ish ism ist ity ive ize less like ling ment ness ous ship sion some tion ward ware wise'.split(' '),
);

export interface VocabularySettings {
  initialPieces: number;
  continuationPieces: number;
  /** The most frequent words that also get a "##word" continuation token (compounds); 0 for none. */
  compoundWords: number;
  /** Frequency given to a shop word (a mid-frequency noun has a few tens). */
  shopWordFrequency: number;
}

export function buildVocabulary(wordnet: WordNet, trained: TrainedWords, settings: VocabularySettings, spokenCounts: ReadonlyMap<string, number>, log: (line: string) => void): Vocabulary {
  const { dim } = trained;
  const functionWords = [...FUNCTION_WORDS].sort();
  const index = new Map(trained.words.map((w, i) => [w, i]));

  // Shop words: the normalized mean of their gloss words' vectors, the first (the word's kind) twice.
  const shopWords: string[] = [];
  const shopVectors: number[] = [];
  for (const [word, gloss] of SHOP_WORDS) {
    if (index.has(word) || shopWords.includes(word) || FUNCTION_WORDS.has(word)) continue;
    const vector = new Float64Array(dim);
    let used = 0;
    gloss.split(' ').forEach((part, i) => {
      const w = index.get(part);
      if (w === undefined) return;
      used++;
      for (let k = 0; k < dim; k++) vector[k] += (i === 0 ? 2 : 1) * trained.vectors[w * dim + k];
    });
    if (used === 0) continue;
    const norm = Math.hypot(...vector) || 1;
    shopWords.push(word);
    for (let k = 0; k < dim; k++) shopVectors.push(vector[k] / norm);
  }
  const words = [...trained.words, ...shopWords];
  const vectors = new Float32Array(words.length * dim);
  vectors.set(trained.vectors);
  vectors.set(shopVectors, trained.words.length * dim);
  const frequency = [...trained.frequency, ...shopWords.map(() => settings.shopWordFrequency)];

  // Inflected forms and shop aliases share their word's row: irregular forms first, then regular ones
  // by word rank, then the shop aliases.
  const taken = new Set<string>([...functionWords, ...words]);
  const known = new Set(words);
  const aliases: Array<[string, string]> = [];
  const addAlias = (form: string, lemma: string) => {
    if (!taken.has(form) && known.has(lemma) && isVocabularyWord(form)) {
      taken.add(form);
      aliases.push([form, lemma]);
    }
  };
  for (const [form, lemma] of irregularForms()) addAlias(form, lemma);
  for (const word of trained.words) {
    for (const pos of ['n', 'v'] as const) {
      if (trained.partsOfSpeech.get(word)?.has(pos)) for (const form of inflectionsOf(word, pos)) addAlias(form, word);
    }
  }
  for (const word of shopWords) if (/^[a-z]+$/.test(word) && !word.endsWith('s')) addAlias(`${word}s`, word);
  const aliasCount = aliases.length;
  for (const [form, word] of SHOP_ALIASES) addAlias(form, word);
  const shopAliasCount = aliases.length - aliasCount;

  // Compounds: "##holder" shares the row of "holder", so WordPiece's greedy longest match reads an unknown
  // "candleholder" as candle + holder, "inkjet" as ink + jet, instead of meaningless character pieces.
  for (const word of trained.words.slice(0, settings.compoundWords)) {
    const form = `##${word}`;
    if (/^[a-z]{4,}$/.test(word) && !SUFFIX_LIKE.has(word) && !taken.has(form)) {
      taken.add(form);
      aliases.push([form, word]);
    }
  }

  // Subword pieces from the spelling of every WordNet word (proper nouns included).
  const spellings = new Set<string>();
  for (const synset of wordnet.synsets) {
    for (const lemma of synset.lemmas) for (const part of lemma.toLowerCase().split(/[^a-z0-9]+/)) if (part.length > 0) spellings.add(part);
  }
  const pieces = selectPieces([...spellings].sort(), taken, settings);
  const wordIndex = new Map(words.map((w, i) => [w, i]));
  const spoken = words.map((w) => spokenCounts.get(w) ?? 0);
  const lowercaseLemmas = new Set<string>();
  for (const synset of wordnet.synsets) for (const lemma of synset.lemmas) if (lemma === lemma.toLowerCase()) lowercaseLemmas.add(lemma);
  const proper = words.map((w, i) => i < trained.words.length && !lowercaseLemmas.has(w));
  for (const [form, lemma] of aliases) if (!form.startsWith('##')) spoken[wordIndex.get(lemma)!]! += spokenCounts.get(form) ?? 0;
  const needed = aliasesWordPieceNeeds({ functionWords, words, aliases, pieces }, ZERO_PIECES);
  const compounds = aliases.length - aliasCount - shopAliasCount;
  log(`vocabulary: ${trained.words.length} trained + ${shopWords.length} shop words, ${aliasCount} inflected forms + ${shopAliasCount} shop aliases (${aliases.length - needed.length} of them left out: WordPiece reads them as the word + ##s/##es) + ${compounds} compound continuations, ${pieces.length} pieces`);
  return { functionWords, words, vectors, frequency, spoken, proper, aliases: needed, pieces, dim };
}
