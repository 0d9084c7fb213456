// Events tracked just before a navigation may still be in the page's memory, or on their way into the
// worker's IndexedDB transaction, which the unloading page will not finish. On pagehide they are also
// written, synchronously, to sessionStorage; the next page of the tab stores them (the worker skips any
// whose uid the database already has). Only used while consent is granted, and cleared by forget().

import { JOURNAL_KEY as KEY } from '../../core/storage-names.ts';
import type { NewEvent } from '../../worker/storage/store.ts';
import { sessionStore } from './web-storage.ts';

export function saveJournal(events: readonly NewEvent[]): void {
  const s = sessionStore();
  if (!s) return;
  try {
    if (events.length === 0) s.removeItem(KEY);
    else s.setItem(KEY, JSON.stringify(events));
  } catch {
    // Full or blocked: the IndexedDB write may still complete; nothing else to do.
  }
}

/** Reads and removes the journal; malformed entries are dropped. */
export function takeJournal(): NewEvent[] {
  const s = sessionStore();
  if (!s) return [];
  try {
    const raw = s.getItem(KEY);
    s.removeItem(KEY);
    const list: unknown = raw ? JSON.parse(raw) : [];
    if (!Array.isArray(list)) return [];
    return list.filter(
      (e): e is NewEvent =>
        typeof e === 'object' && e !== null && typeof e.event === 'string' && typeof e.ts === 'number' &&
        typeof e.uid === 'string' && typeof e.properties === 'object' && e.properties !== null,
    );
  } catch {
    return [];
  }
}

export function clearJournal(): void {
  try {
    sessionStore()?.removeItem(KEY);
  } catch {
    // nothing stored then
  }
}

/** A random id for one event: 64 bits, not tied to the device or the shopper. */
export function eventUid(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}
