// Trains the static word vectors from WordNet:
//
//   1. Each synset is described by its contexts: itself, its hypernym ancestors (decaying with
//      depth), its other graph neighbours (hyponyms, meronyms/holonyms, similar-to, derivation, ...),
//      the words of its own lemmas and the content words of its gloss.
//   2. A word's contexts are the sense-count-weighted mix of its synsets' contexts, so the common sense
//      dominates ("shoe" the footwear, not the brake shoe).
//   3. The word × context matrix becomes positive PMI and is factorized by a seeded randomized
//      truncated SVD; a word's vector is its row of U, L2-normalized.
//   4. (weightWordVectors) SIF weighting a / (a + p(w)) with p(w) from WordNet's own frequencies
//      (sense counts + gloss occurrences), then the first principal component of all words is removed.

import { FUNCTION_WORDS, baseForm, inflectionsOf, irregularForms } from './morphology.ts';
import { csrFromRows, ppmi, randomizedSvd } from './svd.ts';
import type { PartOfSpeech, Synset, WordNet } from './wordnet.ts';

export interface TrainOptions {
  dim: number;
  /** How many words (most frequent first) get their own vector. */
  maxWords: number;
  seed: number;
  /**
   * Eigenvalue weighting exponent p in U·Σ^p (default 0: plain U, which Levy, Goldberg & Dagan 2015 found
   * best for similarity; measured better here too).
   */
  eigenPower?: number;
  /**
   * Proper-noun lemmas ("Christmas", "Greek", "Parmesan") whose lowercase form passes this test join the
   * vocabulary too (default: none). Without it only lowercase lemmas are candidates.
   */
  includeProperNoun?: (lowercase: string, synset: Synset) => boolean;
}

export interface TrainedWords {
  /** Words in vocabulary order (most frequent first). */
  words: string[];
  /** Row-major words.length × dim, unit length (before SIF weighting). */
  vectors: Float32Array;
  /** WordNet frequency of each word: SemCor sense counts + gloss occurrences + synsets. */
  frequency: number[];
  /** Parts of speech each word is a lemma of (for inflection). */
  partsOfSpeech: Map<string, Set<PartOfSpeech>>;
  dim: number;
}

/** Context weight of each pointer type (hypernym ancestors are handled separately). */
const POINTER_WEIGHT: Readonly<Record<string, number>> = {
  '~': 1, '~i': 0.5, // hyponyms
  '#m': 0.5, '#s': 0.5, '#p': 0.5, '%m': 0.5, '%s': 0.5, '%p': 0.5, // holonyms / meronyms
  '&': 0.7, '^': 0.5, '=': 0.5, '+': 0.5, '\\': 0.5, '<': 0.5, '*': 0.5, '>': 0.5, '$': 0.5,
  ';c': 0.3, '-c': 0.3, ';r': 0.2, '-r': 0.2, ';u': 0.2, '-u': 0.2,
};
const ANCESTOR_WEIGHTS = [1.5, 1, 0.7, 0.5, 0.35];
const SELF_WEIGHT = 1;
const LEMMA_WORD_WEIGHT = 1;
const MULTIWORD_PART_WEIGHT = 0.5;
const DEFINITION_WORD_WEIGHT = 0.7;
const EXAMPLE_WORD_WEIGHT = 0.2;
/** Gloss words found in more than this share of all glosses ("one", "person", "used") carry no topic. */
const GLOSS_STOPWORD_SHARE = 0.004;
/** Lexicographer files of things shops sell: artifact, body, food, substance. */
const PRODUCT_LEX_FILES: ReadonlySet<number> = new Set([6, 8, 13, 27]);
const PRODUCT_WORD_BONUS = 4;

/** A single-word vocabulary candidate: lowercase letters and digits with at least one letter. */
export function isVocabularyWord(word: string): boolean {
  return /^[a-z0-9]+$/.test(word) && /[a-z]/.test(word);
}

export function train(wordnet: WordNet, options: TrainOptions, log: (line: string) => void = () => {}): TrainedWords {
  const { synsets, senseCounts, senseNumbers } = wordnet;

  // Lemma lookup for morphy, per part of speech.
  const lemmasByPos: Record<PartOfSpeech, Set<string>> = { n: new Set(), v: new Set(), a: new Set(), r: new Set() };
  for (const synset of synsets) for (const lemma of synset.lemmas) lemmasByPos[synset.pos].add(lemma.toLowerCase());
  const isLemma = (lemma: string, pos: PartOfSpeech) => lemmasByPos[pos].has(lemma);
  const baseCache = new Map<string, string>();
  const base = (word: string) => {
    let b = baseCache.get(word);
    if (b === undefined) baseCache.set(word, (b = baseForm(word, isLemma)));
    return b;
  };
  const contentWords = (text: string): string[] =>
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 1 && !FUNCTION_WORDS.has(w) && /[a-z]/.test(w))
      .map(base)
      .filter((w) => !FUNCTION_WORDS.has(w));

  // Word frequencies: SemCor sense counts plus gloss occurrences plus one per synset.
  const frequency = new Map<string, number>();
  const addFrequency = (word: string, amount: number) => frequency.set(word, (frequency.get(word) ?? 0) + amount);
  for (const [key, count] of senseCounts) {
    const lemma = key.slice(0, key.indexOf('\t'));
    if (isVocabularyWord(lemma)) addFrequency(lemma, count);
  }
  const definitionWords: string[][] = [];
  const exampleWords: string[][] = [];
  for (const synset of synsets) {
    const definition = contentWords(synset.definition);
    const examples = synset.examples.flatMap(contentWords);
    definitionWords.push(definition);
    exampleWords.push(examples);
    for (const w of definition) addFrequency(w, 1);
    for (const w of examples) addFrequency(w, 1);
    for (const lemma of synset.lemmas) {
      const lower = lemma.toLowerCase();
      if (isVocabularyWord(lower)) addFrequency(lower, 1);
    }
  }

  const glossDocumentFrequency = new Map<string, number>();
  for (let i = 0; i < synsets.length; i++) {
    for (const w of new Set([...definitionWords[i], ...exampleWords[i]])) glossDocumentFrequency.set(w, (glossDocumentFrequency.get(w) ?? 0) + 1);
  }
  const isGlossStopword = (w: string) => (glossDocumentFrequency.get(w) ?? 0) > GLOSS_STOPWORD_SHARE * synsets.length;
  for (let i = 0; i < synsets.length; i++) {
    definitionWords[i] = definitionWords[i].filter((w) => !isGlossStopword(w));
    exampleWords[i] = exampleWords[i].filter((w) => !isGlossStopword(w));
  }
  log(`gloss stopwords: ${[...glossDocumentFrequency.keys()].filter(isGlossStopword).length}`);

  // Vocabulary: lowercase single-word lemmas (proper nouns such as genus and place names are left to
  // the subword fallback), most frequent first with a bonus for product-like senses.
  const partsOfSpeech = new Map<string, Set<PartOfSpeech>>();
  const score = new Map<string, number>();
  for (const synset of synsets) {
    for (const lemma of synset.lemmas) {
      const lower = lemma.toLowerCase();
      // A name joins only when it is not also an inflected common word ("Banks", "Fields", "Laws").
      if (lemma !== lower && (!options.includeProperNoun?.(lower, synset) || baseForm(lower, (l, pos) => l !== lower && isLemma(l, pos)) !== lower)) continue;
      if (!isVocabularyWord(lower) || FUNCTION_WORDS.has(lower)) continue;
      if (!score.has(lower)) score.set(lower, frequency.get(lower) ?? 0);
      if (synset.pos === 'n' && PRODUCT_LEX_FILES.has(synset.lexFile)) score.set(lower, (frequency.get(lower) ?? 0) + PRODUCT_WORD_BONUS);
      let set = partsOfSpeech.get(lower);
      if (!set) partsOfSpeech.set(lower, (set = new Set()));
      set.add(synset.pos);
    }
  }
  const words = [...partsOfSpeech.keys()]
    .sort((x, y) => score.get(y)! - score.get(x)! || (x < y ? -1 : x > y ? 1 : 0))
    .slice(0, options.maxWords);
  log(`vocabulary: ${words.length} of ${partsOfSpeech.size} single-word lemmas`);

  // Context features: synsets first, then words.
  const wordFeature = new Map<string, number>();
  const featureOf = (word: string) => {
    let id = wordFeature.get(word);
    if (id === undefined) wordFeature.set(word, (id = synsets.length + wordFeature.size));
    return id;
  };
  const synsetContexts: Map<number, number>[] = synsets.map((synset) => contextsOf(synset));
  function contextsOf(synset: Synset): Map<number, number> {
    const row = new Map<number, number>();
    const add = (feature: number, weight: number) => row.set(feature, (row.get(feature) ?? 0) + weight);
    add(synset.index, SELF_WEIGHT);
    // Hypernym ancestors, breadth first; each ancestor counted once at its shallowest depth.
    let frontier = [synset.index];
    const seen = new Set(frontier);
    for (const weight of ANCESTOR_WEIGHTS) {
      const next: number[] = [];
      for (const s of frontier) {
        for (const p of synsets[s].pointers) {
          if ((p.symbol === '@' || p.symbol === '@i') && !seen.has(p.target)) {
            seen.add(p.target);
            next.push(p.target);
            add(p.target, weight);
          }
        }
      }
      frontier = next;
    }
    for (const p of synset.pointers) {
      const weight = POINTER_WEIGHT[p.symbol];
      if (weight !== undefined && p.target !== synset.index) add(p.target, weight);
    }
    for (const lemma of synset.lemmas) {
      const parts = lemma.toLowerCase().split(/[_\-]+/).filter((w) => w.length > 0 && !FUNCTION_WORDS.has(w));
      if (parts.length === 1) add(featureOf(parts[0]), LEMMA_WORD_WEIGHT);
      else for (const part of parts) add(featureOf(base(part)), MULTIWORD_PART_WEIGHT);
    }
    for (const w of definitionWords[synset.index]) add(featureOf(w), DEFINITION_WORD_WEIGHT);
    for (const w of exampleWords[synset.index]) add(featureOf(w), EXAMPLE_WORD_WEIGHT);
    return row;
  }

  // Word × context counts: the sense-count-weighted mix of the contexts of the word's synsets, so the
  // common sense dominates ("shoe" the footwear, not the brake shoe).
  const wordIndex = new Map(words.map((w, i) => [w, i]));
  const senses: Array<Array<[synset: number, weight: number]>> = words.map(() => []);
  for (const synset of synsets) {
    for (const lemma of synset.lemmas) {
      const lower = lemma.toLowerCase();
      const w = wordIndex.get(lower);
      if (w === undefined || senses[w].some(([s]) => s === synset.index)) continue;
      // Sense weight: SemCor count (add-one) discounted by WordNet's frequency rank of the sense.
      const key = `${lower}\t${synset.index}`;
      senses[w].push([synset.index, ((senseCounts.get(key) ?? 0) + 1) / (senseNumbers.get(key) ?? 1)]);
    }
  }
  // A surface form that is a lemma and also an inflection of another lemma means both, as morphy would
  // say: "shoes" (one rare sense, "in my shoes") also carries every noun sense of "shoe", which dominate.
  const ownSenses = senses.map((list) => [...list]);
  const inflectedFrom = (form: string, lemma: string, pos: PartOfSpeech) => {
    const f = wordIndex.get(form);
    const l = wordIndex.get(lemma);
    if (f === undefined || l === undefined || f === l) return;
    for (const [synset, weight] of ownSenses[l]) {
      if (synsets[synset].pos === pos && !senses[f].some(([s]) => s === synset)) senses[f].push([synset, weight]);
    }
  };
  for (const word of words) {
    for (const pos of ['n', 'v'] as const) {
      if (partsOfSpeech.get(word)?.has(pos)) for (const form of inflectionsOf(word, pos)) inflectedFrom(form, word, pos);
    }
  }
  for (const [form, lemma] of irregularForms()) for (const pos of ['n', 'v', 'a'] as const) inflectedFrom(form, lemma, pos);
  const wordRows = senses.map((list) => {
    const row = new Map<number, number>();
    let totalWeight = 0;
    for (const [, weight] of list) totalWeight += weight;
    for (const [synset, weight] of list) {
      for (const [feature, count] of synsetContexts[synset]) row.set(feature, (row.get(feature) ?? 0) + (weight / totalWeight) * count);
    }
    return row;
  });
  // A context seen with a single word cannot make two words similar: drop it, and renumber the rest.
  const documentFrequency = new Int32Array(synsets.length + wordFeature.size);
  for (const row of wordRows) for (const feature of row.keys()) documentFrequency[feature]++;
  const column = new Int32Array(documentFrequency.length).fill(-1);
  let columns = 0;
  for (let f = 0; f < documentFrequency.length; f++) if (documentFrequency[f] >= 2) column[f] = columns++;
  const prunedRows = wordRows.map((row) => {
    const pruned = new Map<number, number>();
    for (const [feature, count] of row) if (column[feature] >= 0) pruned.set(column[feature], count);
    return pruned;
  });
  const counts = csrFromRows(prunedRows, columns);
  log(`co-occurrence: ${counts.rows} words × ${counts.cols} contexts, ${counts.values.length} non-zeros`);

  let started = Date.now();
  const pmi = ppmi(counts);
  const svd = randomizedSvd(pmi, options.dim, { seed: options.seed, powerIterations: 2, oversample: 16 });
  log(`svd: rank ${options.dim} in ${((Date.now() - started) / 1000).toFixed(1)} s; σ1=${svd.singularValues[0].toFixed(2)} σ${options.dim}=${svd.singularValues[options.dim - 1].toFixed(2)}`);

  // Word vectors U·Σ^p.
  started = Date.now();
  const dim = options.dim;
  const vectors = new Float64Array(words.length * dim);
  for (let i = 0; i < words.length; i++) {
    for (let j = 0; j < dim; j++) vectors[i * dim + j] = svd.u[i * dim + j] * svd.singularValues[j] ** (options.eigenPower ?? 0);
  }
  for (let w = 0; w < words.length; w++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += vectors[w * dim + j] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < dim; j++) vectors[w * dim + j] /= norm;
  }
  log(`word vectors: ${words.length} × ${dim} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { words, vectors: Float32Array.from(vectors), frequency: words.map((w) => frequency.get(w) ?? 0), partsOfSpeech, dim };
}

/**
 * SIF weighting (Arora, Liang & Ma 2017): each unit word vector is scaled by a / (a + p(w)), then the
 * first principal component of all word vectors is removed. Both are linear, so a mean-pooled text
 * vector gets exactly the SIF sentence embedding, common component removed.
 */
export function weightWordVectors(trained: TrainedWords, sifA: number): Float32Array {
  const { dim } = trained;
  const count = trained.words.length;
  const vectors = Float64Array.from(trained.vectors);
  let total = 0;
  for (const f of trained.frequency) total += f + 1;
  for (let w = 0; w < count; w++) {
    const p = (trained.frequency[w] + 1) / total;
    const sif = sifA / (sifA + p);
    for (let j = 0; j < dim; j++) vectors[w * dim + j] *= sif;
  }
  removeCommonComponent(vectors, count, dim);
  return Float32Array.from(vectors);
}

/** Removes the projection on the first (uncentered) principal direction, found by power iteration. */
function removeCommonComponent(vectors: Float64Array, rows: number, dim: number): void {
  let direction = new Float64Array(dim).fill(1 / Math.sqrt(dim));
  for (let iteration = 0; iteration < 50; iteration++) {
    const next = new Float64Array(dim);
    for (let i = 0; i < rows; i++) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += vectors[i * dim + j] * direction[j];
      for (let j = 0; j < dim; j++) next[j] += dot * vectors[i * dim + j];
    }
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += next[j] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < dim; j++) next[j] /= norm;
    direction = next;
  }
  for (let i = 0; i < rows; i++) {
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += vectors[i * dim + j] * direction[j];
    for (let j = 0; j < dim; j++) vectors[i * dim + j] -= dot * direction[j];
  }
}
