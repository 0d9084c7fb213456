// Product titles and catalogues for the benchmarks, derived from the demo shop's catalogue so the text
// looks like a shop's (deterministic: the same files every run).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogItem } from '../../core/types.ts';
import { ROOT, TMP_DIR } from './paths.ts';

export function demoCatalog(): CatalogItem[] {
  return JSON.parse(readFileSync(join(ROOT, 'demo/public/catalog.json'), 'utf8')) as CatalogItem[];
}

/**
 * `count` product titles of varied length: the demo title followed by 0–8 words of its description,
 * which gives roughly 8–32 WordPiece tokens (bench/embed.ts measures the real range).
 */
export function productTitles(count: number): string[] {
  const items = demoCatalog();
  return Array.from({ length: count }, (_, i) => {
    const item = items[(i * 37) % items.length];
    const extra = (i * 5) % 9;
    const words = (item.description ?? '').split(/\s+/).filter(Boolean).slice(0, extra);
    return [item.title, ...words].join(' ').replace(/[.,;]$/, '');
  });
}

/** A catalogue of `count` items (the demo's items, repeated with distinct ids and titles); returns its file path. */
export function writeCatalog(count: number): { path: string; url: string } {
  const items = demoCatalog();
  const out: CatalogItem[] = Array.from({ length: count }, (_, i) => {
    const base = items[i % items.length];
    const round = Math.floor(i / items.length);
    return {
      ...base,
      id: `${base.id}-${round}`,
      title: round === 0 ? base.title : `${base.title} ${['Pro', 'Lite', 'GTX', 'Max', 'Eco', 'Plus'][round % 6]} ${round}`,
      url: `/product.html?id=${base.id}-${round}`,
    };
  });
  mkdirSync(TMP_DIR, { recursive: true });
  const name = `catalog-${count}.json`;
  writeFileSync(join(TMP_DIR, name), JSON.stringify(out));
  return { path: join(TMP_DIR, name), url: `/bench/${name}` };
}
