// `npx tsx bench/recs/min-similarity.ts`: how the "Similar items" threshold (ranking.minSimilarity)
// separates related from unrelated items, with the default model: for a sample of items, the share of
// same-group and other-group items whose relatedness (core/hybrid.ts: the best of the centred model
// cosine and the lexical cosine) clears each threshold. Groups: the demo catalogue's departments, and the
// leaf category of every shared dataset that has categories.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCatalog } from '../../core/catalog.ts';
import { queryEntries, relatedness } from '../../core/hybrid.ts';
import { lexicalIndexOf } from '../../core/lexical.ts';
import { DEFAULT_RANKING } from '../../core/ranking-config.ts';
import type { CatalogItem } from '../../core/types.ts';
import type { VectorMatrix } from '../../core/vectors.ts';
import { ROOT } from '../lib/paths.ts';
import { discoverDatasets, loadDataset, type Dataset } from './data.ts';
import { catalogVectors } from './vectors.ts';

const THRESHOLDS = [0.1, 0.15, 0.2, 0.25, 0.3];

function report(name: string, items: CatalogItem[], matrix: VectorMatrix, group: (i: number) => string): void {
  const signals = { matrix, items, lexical: lexicalIndexOf(items), neighbours: null };
  const same: number[] = [];
  const other: number[] = [];
  const step = Math.max(1, Math.floor(items.length / 300));
  for (let a = 0; a < items.length; a += step) {
    const [screen] = queryEntries(signals, DEFAULT_RANKING, {
      profile: null,
      now: 0,
      rowOf: (id) => (id === items[a].id ? a : undefined),
      titleOf: (_, title) => title,
      context: { itemId: items[a].id, title: items[a].title },
    });
    for (let b = 0; b < items.length; b++) if (b !== a) (group(a) === group(b) ? same : other).push(relatedness(signals, screen, b));
  }
  const share = (xs: number[], t: number) => ((100 * xs.filter((x) => x >= t).length) / xs.length).toFixed(1);
  console.log(`\n${name}: ${same.length} same-group and ${other.length} other-group pairs`);
  for (const t of THRESHOLDS) console.log(`  minSimilarity ${t}: same group ${share(same, t)}% pass, other groups ${share(other, t)}%`);
}

const demo: Dataset = {
  name: 'demo',
  dir: join(ROOT, 'demo/public'),
  items: validateCatalog(JSON.parse(readFileSync(join(ROOT, 'demo/public/catalog.json'), 'utf8'))).items,
  indexOf: new Map(),
  users: [],
};
const demoVectors = await catalogVectors(demo, undefined);
report('demo catalogue (departments)', demoVectors.items, demoVectors.matrix, (i) => demo.items[i].category ?? '');
for (const name of discoverDatasets()) {
  const data = loadDataset(name);
  if (!data.items.some((item) => item.category)) continue;
  const v = await catalogVectors(data, undefined);
  report(`${name} (leaf category)`, v.items, v.matrix, (i) => (data.items[i].category ?? '').split(', ').at(-1) ?? '');
}
