// The little the page itself does with Tacit's IndexedDB database, with the raw API (the database code,
// idb and the schema live in the worker, worker/storage/): read the shopper's remembered grant before
// consent is known, drop it when consent returns to pending, and delete everything on forget() or a
// denial, whether or not a worker runs. None of these ever creates the database: an open that would
// create it is aborted in its upgrade, so a shopper who never granted consent gets nothing stored.

import { CACHE_NAMES, DB_NAME, KV_KEYS } from '../../core/storage-names.ts';

/**
 * Opens the database if it exists (at whatever version it is), else null. Another tab can block the
 * open (a pending delete or upgrade): after `timeoutMs` we give up rather than hold the page back.
 */
async function openExisting(timeoutMs = 1000): Promise<IDBDatabase | null> {
  // Where the browser can list its databases, a shopper who never granted costs no open at all.
  try {
    if (typeof indexedDB.databases === 'function' && !(await indexedDB.databases()).some((d) => d.name === DB_NAME)) return null;
  } catch {
    return null; // no IndexedDB, or access refused
  }
  return new Promise((resolve) => {
    let settled = false;
    const done = (db: IDBDatabase | null) => {
      if (settled) return db?.close(); // it opened after we gave up: let go, so it blocks no other tab
      settled = true;
      clearTimeout(timer);
      resolve(db);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    try {
      const request = indexedDB.open(DB_NAME);
      // It did not exist: abort, which removes the database this open was about to create.
      request.onupgradeneeded = () => request.transaction?.abort();
      request.onsuccess = () => done(request.result);
      request.onerror = () => done(null);
    } catch {
      done(null); // no IndexedDB, or access refused (sandboxed frames, blocked storage)
    }
  });
}

/** Runs one transaction over `stores` (those the database has); resolves when it ends, either way. */
async function withStores(mode: IDBTransactionMode, stores: string[], work: (tx: IDBTransaction) => void): Promise<void> {
  const db = await openExisting();
  if (!db) return;
  try {
    const present = stores.filter((name) => db.objectStoreNames.contains(name));
    if (present.length === 0) return;
    await new Promise<void>((resolve) => {
      const tx = db.transaction(present, mode);
      tx.oncomplete = tx.onerror = tx.onabort = () => resolve();
      work(tx);
    });
  } catch {
    // unreadable: nothing to do
  } finally {
    db.close();
  }
}

/** The shopper's earlier grant, kept inside Tacit's database (for browsers that block localStorage). */
export async function storedGrant(): Promise<boolean> {
  let state: unknown;
  await withStores('readonly', ['kv'], (tx) => {
    const request = tx.objectStore('kv').get(KV_KEYS.consent);
    request.onsuccess = () => (state = (request.result as { state?: unknown } | undefined)?.state);
  });
  return state === 'granted';
}

/** Consent is pending again: the stored grant must not bring it back on the next page. */
export function dropStoredGrant(): Promise<void> {
  return withStores('readwrite', ['kv'], (tx) => void tx.objectStore('kv').delete(KV_KEYS.consent));
}

/**
 * Deletes every byte: first every store's records in one transaction (atomic for every tab, even while
 * another tab keeps the database open and would block the deletion), then the database itself, then the
 * model cache. Each step runs whatever happened to the one before; a blocked deletion is not waited for
 * longer than `timeoutMs` (the cleared database stays until the other tab lets go).
 */
export async function eraseDeviceData(timeoutMs = 2000): Promise<void> {
  await withStores('readwrite', ['events', 'kv', 'embeddings'], (tx) => {
    for (const name of Array.from(tx.objectStoreNames)) tx.objectStore(name).clear();
  });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      const request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = done;
    } catch {
      done();
    }
  });
  try {
    if (typeof caches !== 'undefined') await Promise.all(CACHE_NAMES.map((name) => caches.delete(name)));
  } catch {
    // Cache Storage can be unavailable (opaque origins, blocked storage): then nothing was cached.
  }
}
