// Recommendations without the engine: popularity, then the shop's own order, computed on the main
// thread from the catalogue. Used whenever the worker is unavailable, slow or has no model. It says once
// what is wrong with the catalogue (the engine says the same words, so the console shows them once).

import { catalogProblem, unknownContextItem, validateCatalog } from '../../core/catalog.ts';
import { fallbackRank } from '../../core/popularity.ts';
import type { CatalogItem } from '../../core/types.ts';
import type { RecommendResult } from '../types.ts';
import { sanitizeRecommendOptions, type SafeRecommendOptions } from './recommend-options.ts';

export type { SafeRecommendOptions };

export class MainThreadFallback {
  private items: Promise<CatalogItem[]> | null = null;

  constructor(
    private readonly catalogUrl: string | null,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /** recommend()'s options as the engine expects them, whatever the page passed (each bad one warned). */
  sanitize(options: unknown, warn: (message: string) => void = () => {}): SafeRecommendOptions {
    return sanitizeRecommendOptions(options, warn);
  }

  async recommend(options: SafeRecommendOptions): Promise<RecommendResult> {
    const items = await this.catalog();
    const byId = new Map(items.map((i) => [i.id, i]));
    const contextItemId = options.context?.itemId;
    if (contextItemId !== undefined && items.length > 0 && !byId.has(contextItemId)) this.warn(unknownContextItem(contextItemId));
    const result = fallbackRank(items, { limit: options.limit, exclude: options.exclude, contextItemId });
    return { items: result.items.map((r) => ({ ...r, item: byId.get(r.id) })), strategy: `fallback:${result.strategy}` };
  }

  private catalog(): Promise<CatalogItem[]> {
    const url = this.catalogUrl;
    this.items ??= url
      ? fetch(url, { credentials: 'same-origin' })
          .then((response) => {
            if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
            return response.json();
          })
          .then((json: unknown) => {
            const { items, errors } = validateCatalog(json);
            const problem = catalogProblem(items.length, errors);
            if (problem) this.warn(problem);
            return items;
          })
          .catch((error: unknown) => {
            this.warn(`catalogue could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
            return [];
          })
      : Promise.resolve([]);
    return this.items;
  }
}
