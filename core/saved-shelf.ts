// The saved shelf: the shopper's own ranking as the engine last computed it, kept so that the next page
// can answer recommend() at once while its worker is still starting (on a loading page a worker takes a
// few hundred milliseconds to start, and IndexedDB as long to open after a browser restart). The engine
// ranks it whenever the profile changes (worker/engine.ts); the page keeps it in localStorage, which it
// has read at init anyway for the consent record (src/storage/saved-shelf.ts), and uses it only until
// the engine has loaded on that page (src/sdk.ts). Derived from the shopper's events like the profile,
// it is kept only with consent, deleted with them by forget() and a denial, and never leaves the device.

import { DEFAULT_LIMIT } from './ranking-config.ts';
import type { Recommendation } from './types.ts';

/** How many items it keeps: the first shelves of a page, after the page's own exclusions. */
export const SAVED_SHELF_SIZE = 24;

export interface SavedShelf {
  /** When the engine ranked it (ms since the epoch). */
  savedAt: number;
  /** The catalogue it was ranked from: a page configured with another one does not use it. */
  catalog: string;
  /** The engine's strategy then ('blend', 'profile', …). */
  strategy: string;
  /** Best first, with the catalogue entries, as recommend() returns them. */
  items: Recommendation[];
}

/** The stored value as a saved shelf for this catalogue, or null (missing, damaged, another catalogue). */
export function savedShelfFrom(value: unknown, catalog: string): SavedShelf | null {
  const v = value as Partial<SavedShelf> | null | undefined;
  if (!v || typeof v !== 'object' || v.catalog !== catalog || typeof v.strategy !== 'string' || typeof v.savedAt !== 'number' || !Array.isArray(v.items)) return null;
  const items = v.items.filter((r): r is Recommendation => !!r && typeof r === 'object' && typeof r.id === 'string' && typeof r.score === 'number');
  return { savedAt: v.savedAt, catalog, strategy: v.strategy, items };
}

/**
 * The options the saved shelf can answer exactly: the shopper's own shelf (no item on screen, no
 * strategy), its usual exclusions, at most as many items as it keeps. Anything else, including options
 * that are not valid, goes to the engine or the fallback, which check them and warn.
 */
export function plainShelfRequest(options: unknown): { limit: number; exclude: string[] } | null {
  if (options === undefined) return { limit: DEFAULT_LIMIT, exclude: [] };
  if (!options || typeof options !== 'object' || Array.isArray(options)) return null;
  const { limit = DEFAULT_LIMIT, exclude = [], ...rest } = options as { limit?: unknown; exclude?: unknown };
  if (Object.keys(rest).length > 0) return null;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > SAVED_SHELF_SIZE) return null;
  if (!Array.isArray(exclude) || !exclude.every((id) => typeof id === 'string')) return null;
  return { limit, exclude };
}

/** `limit` items of the saved shelf that are not excluded, or null when it has too few. */
export function fromSavedShelf(shelf: SavedShelf, limit: number, exclude: readonly string[]): Recommendation[] | null {
  const left = new Set(exclude);
  const items = shelf.items.filter((r) => !left.has(r.id)).slice(0, limit);
  return items.length === limit ? items : null;
}
