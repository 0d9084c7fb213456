/** Reading the server's taxonomy file (the format and its checks live in protocol/taxonomy.ts). */
import { readFileSync } from 'node:fs';
import { validateTaxonomy, type Taxonomy } from '../protocol/taxonomy.ts';

/** The taxonomy shipped with the server (server/taxonomy.json). */
export function loadTaxonomy(url: URL = new URL('./taxonomy.json', import.meta.url)): Taxonomy {
  return validateTaxonomy(JSON.parse(readFileSync(url, 'utf8')));
}
