// recommend()'s options as the engine expects them, whatever the page passed: each value that is not what
// the API documents is named in one warning and replaced by its safe default (limit: the default 10;
// above 100: 100; a fraction: rounded down), so a typo never silently empties or floods a shelf.

import { DEFAULT_LIMIT } from '../../core/ranking-config.ts';
import type { RecommendOptions } from '../types.ts';

export const MAX_LIMIT = 100;

export interface SafeRecommendOptions {
  limit: number;
  exclude: string[];
  excludeSeen?: boolean;
  context?: { itemId: string; weight?: number };
  /** An experiment's control arm (set by the SDK, never by the page): the fallback ranking, in the engine too. */
  strategy?: 'control';
}

const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : typeof value === 'function' ? 'a function' : String(value));

export function sanitizeRecommendOptions(options: unknown, warn: (message: string) => void = () => {}): SafeRecommendOptions {
  const bad = (key: string, why: string, using: string) => warn(`recommend({ ${key} }): ${why}; using ${using}`);
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    warn(`recommend(options): options must be an object such as { limit: 8 }, not ${show(options)}; using the defaults`);
  }
  const o = (typeof options === 'object' && options !== null ? options : {}) as RecommendOptions & Record<string, unknown>;

  let limit = DEFAULT_LIMIT;
  if (o.limit !== undefined) {
    if (typeof o.limit !== 'number' || !Number.isFinite(o.limit) || o.limit < 0) {
      bad('limit', `limit must be a whole number from 0 to ${MAX_LIMIT}, not ${show(o.limit)}`, `${DEFAULT_LIMIT}`);
    } else if (o.limit > MAX_LIMIT) {
      bad('limit', `limit ${o.limit} is above the most one call returns`, `${MAX_LIMIT}`);
      limit = MAX_LIMIT;
    } else {
      limit = Math.floor(o.limit);
      if (limit !== o.limit) bad('limit', `limit must be a whole number, not ${o.limit}`, `${limit}`);
    }
  }

  let exclude: string[] = [];
  if (o.exclude !== undefined) {
    if (!Array.isArray(o.exclude)) bad('exclude', `exclude must be an array of item ids, not ${show(o.exclude)}`, 'none');
    else {
      exclude = o.exclude.filter((x) => typeof x === 'string' || typeof x === 'number').map(String).slice(0, 1000);
      if (exclude.length < Math.min(o.exclude.length, 1000)) bad('exclude', 'exclude holds values that are not item ids (strings)', 'the ids among them');
    }
  }

  let excludeSeen: boolean | undefined;
  if (o.excludeSeen !== undefined) {
    if (typeof o.excludeSeen === 'boolean') excludeSeen = o.excludeSeen;
    else bad('excludeSeen', `excludeSeen must be true or false, not ${show(o.excludeSeen)}`, 'the ranking config');
  }

  let context: SafeRecommendOptions['context'];
  const ctx = o.context as { itemId?: unknown; weight?: unknown } | undefined;
  if (ctx !== undefined) {
    if (typeof ctx !== 'object' || ctx === null || Array.isArray(ctx)) bad('context', `context must be an object { itemId }, not ${show(ctx)}`, 'no context');
    else if (typeof ctx.itemId !== 'string' && typeof ctx.itemId !== 'number') bad('context', `context.itemId must be an item id, not ${show(ctx.itemId)}`, 'no context');
    else {
      let weight: number | undefined;
      if (ctx.weight !== undefined) {
        if (typeof ctx.weight === 'number' && ctx.weight >= 0 && ctx.weight <= 1) weight = ctx.weight;
        else bad('context', `context.weight must be a number from 0 to 1, not ${show(ctx.weight)}`, 'the default weight');
      }
      context = { itemId: String(ctx.itemId), weight };
    }
  }
  const control = o.strategy === 'control';
  return { limit, exclude, ...(excludeSeen === undefined ? {} : { excludeSeen }), context, ...(control ? { strategy: 'control' as const } : {}) };
}
