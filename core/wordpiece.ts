// A BERT WordPiece tokenizer: text → token ids, exactly as transformers.js (its @huggingface/tokenizers
// `Tokenizer` + `PreTrainedTokenizer`) tokenizes with the tokenizer.json Tacit's model build writes:
//
//   1. special tokens typed in the raw text ("[CLS]", "[MASK]", …) are split out first, longest match
//      left to right, and map to their own ids;
//   2. BertNormalizer on every other section: drop NUL, U+FFFD and control/format/private/surrogate
//      characters, turn whitespace into spaces, pad CJK ideographs with spaces, lowercase, strip accents
//      (NFD, then remove non-spacing marks);
//   3. BertPreTokenizer: runs of non-space, non-punctuation characters, and each punctuation character;
//   4. WordPiece: greedy longest match from the left, continuations prefixed "##"; a word longer than
//      `maxInputCharsPerWord` code points, or one that cannot be spelled, is one [UNK];
//   5. [CLS] … [SEP], then truncation to `maxLength` ids by cutting the end (the [SEP] goes too).
//
// Every step copies the reference's behaviour, quirks included (CJK is detected per UTF-16 unit, so
// astral ideographs are not padded); test/model/static-embedder.test.ts proves equal output on 10,000
// generated texts.

export interface WordPieceConfig {
  /** Token strings by id. */
  vocab: readonly string[];
  /** Special tokens matched in the raw text before normalization (the tokenizer's added tokens). */
  specialTokens: readonly string[];
  unkToken: string;
  clsToken: string;
  sepToken: string;
  /** Longest encoded sequence, [CLS] and [SEP] included (tokenizer_config.json's model_max_length). */
  maxLength: number;
  continuationPrefix?: string;
  maxInputCharsPerWord?: number;
}

/** A pre-token (normalized word or punctuation mark) the caller may resolve itself, e.g. a shop's own word. */
export type WordHook = (word: string) => number | undefined;

// The reference's punctuation class: Unicode P plus every ASCII symbol.
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const PRE_TOKEN = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');
const CONTROL = /^\p{Cc}|\p{Cf}|\p{Co}|\p{Cs}$/u; // the reference's regex, precedence quirk included
const MARKS = /\p{Mn}/gu;

function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** BertNormalizer with clean_text, handle_chinese_chars, lowercase and (implied) strip_accents. */
export function bertNormalize(text: string): string {
  let cleaned = '';
  for (const char of text) {
    const cp = char.charCodeAt(0);
    if (cp === 0 || cp === 0xfffd) continue;
    if (char !== '\t' && char !== '\n' && char !== '\r' && CONTROL.test(char)) continue;
    cleaned += /^\s$/.test(char) ? ' ' : char;
  }
  let padded = '';
  for (let i = 0; i < cleaned.length; i++) {
    const unit = cleaned[i]!;
    padded += isChineseChar(unit.charCodeAt(0)) ? ` ${unit} ` : unit;
  }
  return padded.toLowerCase().normalize('NFD').replace(MARKS, '');
}

/** BertPreTokenizer: words and single punctuation marks. */
export function bertPreTokenize(normalized: string): string[] {
  return normalized.trim().match(PRE_TOKEN) ?? [];
}

export class WordPieceTokenizer {
  private readonly ids = new Map<string, number>();
  private readonly special: ReadonlyMap<string, number>;
  private readonly specialTrie: TrieNode;
  private readonly unk: number;
  private readonly cls: number;
  private readonly sep: number;
  private readonly prefix: string;
  private readonly maxChars: number;
  readonly maxLength: number;

  constructor(config: WordPieceConfig) {
    config.vocab.forEach((token, id) => {
      if (!this.ids.has(token)) this.ids.set(token, id);
    });
    const idOf = (token: string, what: string) => {
      const id = this.ids.get(token);
      if (id === undefined) throw new Error(`wordpiece: ${what} '${token}' is not in the vocabulary`);
      return id;
    };
    this.special = new Map(config.specialTokens.map((t) => [t, idOf(t, 'special token')]));
    this.specialTrie = buildTrie(config.specialTokens);
    this.unk = idOf(config.unkToken, 'unknown token');
    this.cls = idOf(config.clsToken, 'CLS token');
    this.sep = idOf(config.sepToken, 'SEP token');
    this.prefix = config.continuationPrefix ?? '##';
    this.maxChars = config.maxInputCharsPerWord ?? 100;
    this.maxLength = config.maxLength;
  }

  /** Token ids of one text, [CLS] and [SEP] included, truncated to maxLength. */
  encode(text: string, hook?: WordHook): number[] {
    const ids = [this.cls];
    for (const section of splitOnSpecials(text, this.specialTrie)) {
      const special = this.special.get(section);
      if (special !== undefined) {
        ids.push(special);
        continue;
      }
      for (const word of bertPreTokenize(bertNormalize(section))) {
        const own = hook?.(word);
        if (own !== undefined) ids.push(own);
        else this.wordPiece(word, ids);
      }
    }
    ids.push(this.sep);
    if (ids.length > this.maxLength) ids.length = this.maxLength;
    return ids;
  }

  /** Id of a token string, if it is in the vocabulary. */
  idOf(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** Appends the WordPiece ids of one pre-token (or one [UNK]). */
  wordPiece(word: string, out: number[]): void {
    const chars = [...word];
    if (chars.length > this.maxChars) {
      out.push(this.unk);
      return;
    }
    const pieces: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (start < end) {
        const sub = (start > 0 ? this.prefix : '') + chars.slice(start, end).join('');
        found = this.ids.get(sub);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) {
        out.push(this.unk);
        return;
      }
      pieces.push(found);
      start = end;
    }
    for (const id of pieces) out.push(id);
  }
}

interface TrieNode {
  children: Map<string, TrieNode>;
  end?: string;
}

function buildTrie(words: readonly string[]): TrieNode {
  const root: TrieNode = { children: new Map() };
  for (const word of words) {
    let node = root;
    for (let i = 0; i < word.length; i++) {
      let next = node.children.get(word[i]!);
      if (!next) node.children.set(word[i]!, (next = { children: new Map() }));
      node = next;
    }
    node.end = word;
  }
  return root;
}

/** Splits out dictionary words, longest match at each position scanning left to right (per UTF-16 unit). */
function splitOnSpecials(text: string, trie: TrieNode): string[] {
  const result: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    let node: TrieNode | undefined = trie;
    let match: string | undefined;
    for (let j = i; j < text.length && (node = node.children.get(text[j]!)); j++) if (node.end) match = node.end;
    if (match) {
      if (i > start) result.push(text.slice(start, i));
      result.push(match);
      i += match.length;
      start = i;
    } else {
      i++;
    }
  }
  if (start < text.length) result.push(text.slice(start));
  return result;
}
