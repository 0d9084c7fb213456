// The page's side of the saved shelf (core/saved-shelf.ts): kept in localStorage, which the page reads
// synchronously at init anyway (the consent record), so the shelf costs no wait at all; IndexedDB can
// take a few hundred milliseconds to open on the first page after a browser restart. Written only with
// consent (the caller checks), deleted with everything else by forget() and a denial.

import type { PageShelves } from '../../core/page-shelves.ts';
import { fromSavedShelf, plainShelfRequest, savedShelfFrom, type SavedShelf } from '../../core/saved-shelf.ts';
import { SAVED_SHELF_KEY as KEY } from '../../core/storage-names.ts';
import type { RecommendResult } from '../types.ts';
import { localStore } from './web-storage.ts';

/**
 * The saved shelf as one page holds it: read at init (with a grant, without an experiment, whose arm
 * the worker draws), answering the shopper's own shelf until the engine has loaded, and dropped with the
 * shopper's data.
 */
export class PageSavedShelf {
  private shelf: SavedShelf | null = null;

  read(catalog: string): void {
    this.shelf = readSavedShelf(catalog);
  }

  /** Forgets it on this page; `erase` also deletes what is stored. */
  drop(erase = false): void {
    this.shelf = null;
    if (erase) clearSavedShelf();
  }

  /** `options` answered from it, when it answers them exactly, with the page's other shelves left out. */
  answer(options: unknown, shelves: PageShelves, page: string): RecommendResult | null {
    const request = plainShelfRequest(options);
    const shelf = this.shelf;
    if (!request || !shelf) return null;
    const items = fromSavedShelf(shelf, request.limit, shelves.excludeFor(page, 'profile', request.exclude));
    if (!items) return null;
    shelves.record(page, 'profile', items.map((r) => r.id));
    return { items, strategy: shelf.strategy, savedAt: shelf.savedAt };
  }
}

/** What is stored, as stored (for export() and the QA panel), or null. */
export function storedSavedShelf(): unknown {
  try {
    return JSON.parse(localStore()?.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
}

/** The saved shelf for this catalogue, or null (none, unreadable, damaged, another catalogue). */
function readSavedShelf(catalog: string): SavedShelf | null {
  return savedShelfFrom(storedSavedShelf(), catalog);
}

export function writeSavedShelf(shelf: SavedShelf): void {
  try {
    localStore()?.setItem(KEY, JSON.stringify(shelf));
  } catch {
    // Full or blocked: the next page then waits for its engine, as without a saved shelf.
  }
}

function clearSavedShelf(): void {
  try {
    localStore()?.removeItem(KEY);
  } catch {
    // nothing stored then
  }
}
