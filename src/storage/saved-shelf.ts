// The page's side of the saved shelf (core/saved-shelf.ts): kept in localStorage, which the page reads
// synchronously at init anyway (the consent record), so the shelf costs no wait at all; IndexedDB can
// take a few hundred milliseconds to open on the first page after a browser restart. Written only with
// consent (the caller checks), deleted with everything else by forget() and a denial.

import { savedShelfFrom, type SavedShelf } from '../../core/saved-shelf.ts';
import { SAVED_SHELF_KEY as KEY } from '../../core/storage-names.ts';
import { localStore } from './web-storage.ts';

/** What is stored, as stored (for export() and the QA panel), or null. */
export function storedSavedShelf(): unknown {
  try {
    return JSON.parse(localStore()?.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
}

/** The saved shelf for this catalogue, or null (none, unreadable, damaged, another catalogue). */
export function readSavedShelf(catalog: string): SavedShelf | null {
  return savedShelfFrom(storedSavedShelf(), catalog);
}

export function writeSavedShelf(shelf: SavedShelf): void {
  try {
    localStore()?.setItem(KEY, JSON.stringify(shelf));
  } catch {
    // Full or blocked: the next page then waits for its engine, as without a saved shelf.
  }
}

export function clearSavedShelf(): void {
  try {
    localStore()?.removeItem(KEY);
  } catch {
    // nothing stored then
  }
}
