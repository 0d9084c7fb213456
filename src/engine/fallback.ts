// Recommendations without the engine: popularity, then the shop's own order, computed on the main
// thread from the catalogue. Used whenever the worker is unavailable, slow or has no model.

import { validateCatalog } from '../../core/catalog.ts';
import { fallbackRank } from '../../core/popularity.ts';
import type { CatalogItem } from '../../core/types.ts';
import type { RecommendOptions, RecommendResult } from '../types.ts';

export interface SafeRecommendOptions {
  limit: number;
  exclude: string[];
  excludeSeen?: boolean;
  context?: { itemId: string; weight?: number };
  /** An experiment's control arm: the fallback ranking, in the engine too (with its shelf rules). */
  strategy?: 'control';
}

/** recommend()'s options as the engine expects them, whatever the page passed. */
export function sanitizeRecommendOptions(options: unknown): SafeRecommendOptions {
  const o = (typeof options === 'object' && options !== null ? options : {}) as RecommendOptions;
  const limit = typeof o.limit === 'number' && Number.isFinite(o.limit) ? Math.max(0, Math.min(100, Math.floor(o.limit))) : 10;
  const exclude = Array.isArray(o.exclude) ? o.exclude.filter((x) => typeof x === 'string' || typeof x === 'number').map(String).slice(0, 1000) : [];
  const ctx = o.context && typeof o.context === 'object' ? o.context : undefined;
  const context =
    ctx && (typeof ctx.itemId === 'string' || typeof ctx.itemId === 'number')
      ? { itemId: String(ctx.itemId), weight: typeof ctx.weight === 'number' && ctx.weight >= 0 && ctx.weight <= 1 ? ctx.weight : undefined }
      : undefined;
  const excludeSeen = typeof o.excludeSeen === 'boolean' ? o.excludeSeen : undefined;
  const control = (o as { strategy?: unknown }).strategy === 'control';
  return { limit, exclude, ...(excludeSeen === undefined ? {} : { excludeSeen }), context, ...(control ? { strategy: 'control' as const } : {}) };
}

export class MainThreadFallback {
  private items: Promise<CatalogItem[]> | null = null;

  constructor(private readonly catalogUrl: string | null) {}

  /** recommend()'s options as the engine expects them, whatever the page passed. */
  sanitize(options: unknown): SafeRecommendOptions {
    return sanitizeRecommendOptions(options);
  }

  async recommend(options: SafeRecommendOptions): Promise<RecommendResult> {
    const items = await this.catalog();
    const result = fallbackRank(items, { limit: options.limit, exclude: options.exclude, contextItemId: options.context?.itemId });
    const byId = new Map(items.map((i) => [i.id, i]));
    return { items: result.items.map((r) => ({ ...r, item: byId.get(r.id) })), strategy: `fallback:${result.strategy}` };
  }

  private catalog(): Promise<CatalogItem[]> {
    const url = this.catalogUrl;
    this.items ??= url
      ? fetch(url, { credentials: 'same-origin' })
          .then((r) => (r.ok ? r.json() : []))
          .then((json) => validateCatalog(json).items)
          .catch(() => [])
      : Promise.resolve([]);
    return this.items;
  }
}
