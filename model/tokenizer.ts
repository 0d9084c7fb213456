// The tokenizer files (a BERT-style WordPiece tokenizer.json that transformers.js' AutoTokenizer loads)
// and the token → embedding-row table that lets several tokens share one vector.
//
// Token ids: 0–4 special tokens, then function words, then vocabulary words, then inflected forms
// ("shoes", "running" when it is not a lemma itself), then subword pieces. Specials and function words
// share row 0, the zero vector; an inflected form shares the row of its lemma. The ONNX graph looks the
// row up first, so the tokenizer stays a plain, self-consistent WordPiece vocabulary.

import { WordPieceTokenizer } from '../core/wordpiece.ts';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
const [PAD, UNK, CLS, SEP, MASK] = SPECIAL_TOKENS;

export interface TokenTable {
  /** Token strings by id. */
  tokens: string[];
  /** Embedding row of each token id. */
  rowOfToken: Int32Array;
}

export interface TokenTableInput {
  functionWords: readonly string[];
  /** Vocabulary words; word i has embedding row 1 + i. */
  words: readonly string[];
  /** Inflected form → vocabulary word, in a fixed order. */
  aliases: ReadonlyArray<[form: string, lemma: string]>;
  /** Subword pieces; piece i has embedding row 1 + words.length + i. */
  pieces: readonly string[];
}

export function buildTokenTable(input: TokenTableInput): TokenTable {
  const tokens: string[] = [];
  const rows: number[] = [];
  const seen = new Set<string>();
  const add = (token: string, row: number) => {
    if (seen.has(token)) throw new Error(`tokenizer: duplicate token '${token}'`);
    seen.add(token);
    tokens.push(token);
    rows.push(row);
  };
  for (const special of SPECIAL_TOKENS) add(special, 0);
  for (const word of input.functionWords) add(word, 0);
  const rowOfWord = new Map<string, number>();
  input.words.forEach((word, i) => {
    add(word, 1 + i);
    rowOfWord.set(word, 1 + i);
  });
  for (const [form, lemma] of input.aliases) {
    const row = rowOfWord.get(lemma);
    if (row === undefined) throw new Error(`tokenizer: alias '${form}' names unknown lemma '${lemma}'`);
    add(form, row);
  }
  input.pieces.forEach((piece, i) => add(piece, 1 + input.words.length + i));
  return { tokens, rowOfToken: Int32Array.from(rows) };
}

/**
 * The aliases WordPiece cannot do without. Greedy longest-match WordPiece already reads "shoes" as
 * shoe·##s and "tomatoes" as tomato·##es; where every piece after the lemma is a zero vector (##s, ##es),
 * mean pooling points exactly where the lemma does (a zero vector only adds to the count, which the final
 * normalization divides out), so spelling the form out as a token adds nothing but bytes, twice: in
 * tokenizer.json and in the compact model. Such forms are left out; "parties" (part·##ies), "bought" and
 * "batteries" (batter·##ies) stay. Leaving one out can change how a longer form is read, so the check
 * repeats until nothing changes. Continuations ("##holder") are kept as they are.
 */
export function aliasesWordPieceNeeds(input: TokenTableInput, zeroPieces: ReadonlySet<string>): Array<[form: string, lemma: string]> {
  // What each token means: a word (its lemma) or nothing (row 0 and the zero pieces); other pieces mean themselves.
  const meaning = new Map<string, string>();
  for (const token of [...SPECIAL_TOKENS, ...input.functionWords]) meaning.set(token, '');
  for (const word of input.words) meaning.set(word, word);
  for (const [form, lemma] of input.aliases) meaning.set(form, lemma);
  for (const piece of input.pieces) meaning.set(piece, zeroPieces.has(piece) ? '' : `piece:${piece}`);
  const dropped = new Set(input.aliases.map(([form]) => form).filter((form) => !form.startsWith('##')));
  for (let changed = true; changed; ) {
    changed = false;
    // The runtime's own WordPiece (core/wordpiece.ts) over the vocabulary as it would ship now.
    const vocab = [...meaning.keys()].filter((token) => !dropped.has(token));
    const tokenizer = new WordPieceTokenizer({ vocab, specialTokens: SPECIAL_TOKENS, unkToken: UNK, clsToken: CLS, sepToken: SEP, maxLength: 512 });
    for (const [form, lemma] of input.aliases) {
      if (!dropped.has(form)) continue;
      const ids: number[] = [];
      tokenizer.wordPiece(form, ids);
      if (!ids.every((id, k) => meaning.get(vocab[id]!) === (k === 0 ? lemma : ''))) (dropped.delete(form), (changed = true));
    }
  }
  return input.aliases.filter(([form]) => !dropped.has(form)).map(([form, lemma]) => [form, lemma]);
}

/** tokenizer.json in the Hugging Face `tokenizers` format (WordPiece, lowercasing BERT normalizer). */
export function tokenizerJson(table: TokenTable): object {
  const vocab: Record<string, number> = {};
  table.tokens.forEach((token, id) => {
    vocab[token] = id;
  });
  const idOf = (token: string) => table.tokens.indexOf(token);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: idOf(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: CLS, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: SEP, type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: CLS, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: SEP, type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: SEP, type_id: 1 } },
      ],
      special_tokens: {
        [CLS]: { id: CLS, ids: [idOf(CLS)], tokens: [CLS] },
        [SEP]: { id: SEP, ids: [idOf(SEP)], tokens: [SEP] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: UNK,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

export function tokenizerConfigJson(maxLength: number): object {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    strip_accents: null,
    tokenize_chinese_chars: true,
    model_max_length: maxLength,
    pad_token: PAD,
    unk_token: UNK,
    cls_token: CLS,
    sep_token: SEP,
    mask_token: MASK,
    clean_up_tokenization_spaces: true,
  };
}
