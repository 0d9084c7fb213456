// The real store: IndexedDB through idb, one database per origin (schema.ts), in the worker: the device's
// storage (device-storage.ts) and the engine's own read-only view (events, profile, item-vector cache).

import type { StoredEvent } from '../../core/types.ts';
import { ALL_STORES, openTacitDB, type EmbeddingRecord, type TacitDatabase } from './schema.ts';
import type { NewEvent, Retention, Store } from './store.ts';

const QUOTA_RETRIES = 3;

/**
 * A transaction whose completion is awaited only on success: when a request in it throws first, the
 * aborted transaction's `done` must not surface as an unhandled rejection (the request's error is the one
 * we report).
 */
function quietly<T extends { done: Promise<void> }>(tx: T): T {
  tx.done.catch(() => {});
  return tx;
}

export function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

export class IndexedDBStore implements Store {
  readonly kind = 'indexeddb' as const;
  private db: TacitDatabase | null;

  private constructor(
    db: TacitDatabase,
    private readonly retention: Retention,
    private readonly now: () => number,
  ) {
    this.db = db;
  }

  /** Opens the database; rejects when IndexedDB is missing, blocked for `timeoutMs`, or broken. */
  static async open(retention: Retention, now: () => number = Date.now, timeoutMs = 3000): Promise<IndexedDBStore> {
    if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available');
    let store: IndexedDBStore | null = null;
    const opening = openTacitDB({
      onVersionChange: () => {
        // Another tab is deleting (forget) or upgrading the database: let go, reopen on next use.
        if (store) store.db = null;
      },
    });
    let gaveUp = false;
    // If the open completes only after we gave up, close it so it cannot block another tab.
    opening.then((late) => gaveUp && late.close(), () => {});
    const db = await withTimeout(opening, timeoutMs, 'opening IndexedDB timed out (blocked by another tab?)').catch((error) => {
      gaveUp = true;
      throw error;
    });
    store = new IndexedDBStore(db, retention, now);
    return store;
  }

  private async database(): Promise<TacitDatabase> {
    if (this.db) return this.db;
    const db = await openTacitDB({ onVersionChange: () => (this.db = null) });
    this.db = db;
    return db;
  }

  async append(events: NewEvent[], options: { skipExisting?: boolean } = {}): Promise<number[]> {
    if (events.length === 0) return [];
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.appendOnce(events, options.skipExisting ?? false);
      } catch (error) {
        if (!isQuotaError(error) || attempt >= QUOTA_RETRIES) throw error;
        // Out of space: make room by dropping the oldest events, never the newest.
        const total = await this.count();
        await this.evictOldest(Math.max(events.length, Math.ceil(total * 0.1 * (attempt + 1))));
      }
    }
  }

  private async appendOnce(events: NewEvent[], skipExisting: boolean): Promise<number[]> {
    const db = await this.database();
    const tx = quietly(db.transaction('events', 'readwrite'));
    const seqs: number[] = [];
    for (const e of events) {
      if (skipExisting && e.uid !== undefined && (await tx.store.index('uid').count(e.uid)) > 0) continue;
      seqs.push((await tx.store.add(e as StoredEvent)) as number);
    }
    // Retention in the same transaction, so no tab ever sees more than the limit.
    const cutoff = this.now() - this.retention.maxAgeMs;
    let expired = await tx.store.index('ts').openCursor(IDBKeyRange.upperBound(cutoff, true));
    while (expired) {
      await expired.delete();
      expired = await expired.continue();
    }
    let excess = (await tx.store.count()) - this.retention.maxEvents;
    let oldest = excess > 0 ? await tx.store.openCursor() : null;
    while (oldest && excess > 0) {
      await oldest.delete();
      excess--;
      oldest = await oldest.continue();
    }
    await tx.done;
    return seqs;
  }

  private async evictOldest(n: number): Promise<void> {
    const db = await this.database();
    const tx = quietly(db.transaction('events', 'readwrite'));
    let cursor = await tx.store.openCursor();
    for (let i = 0; cursor && i < n; i++) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
  }

  async events(afterSeq = 0): Promise<StoredEvent[]> {
    const db = await this.database();
    return db.getAll('events', IDBKeyRange.lowerBound(afterSeq, true));
  }

  async count(): Promise<number> {
    return (await this.database()).count('events');
  }

  async get<T>(key: string): Promise<T | undefined> {
    return (await (await this.database()).get('kv', key)) as T | undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    await (await this.database()).put('kv', value, key);
  }

  async delete(key: string): Promise<void> {
    await (await this.database()).delete('kv', key);
  }

  async update<T>(key: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    const db = await this.database();
    const tx = quietly(db.transaction('kv', 'readwrite'));
    const next = change((await tx.store.get(key)) as T | undefined);
    if (next === undefined) await tx.store.delete(key);
    else await tx.store.put(next, key);
    await tx.done;
    return next;
  }

  async state(): Promise<Record<string, unknown>> {
    const db = await this.database();
    const tx = quietly(db.transaction(['kv', 'embeddings'], 'readonly'));
    const out: Record<string, unknown> = {};
    let cursor = await tx.objectStore('kv').openCursor();
    while (cursor) {
      out[String(cursor.key)] = cursor.value;
      cursor = await cursor.continue();
    }
    // Item embeddings describe the shop's catalogue, not the shopper: count them, don't dump them.
    out.cachedItemEmbeddings = await tx.objectStore('embeddings').count();
    await tx.done;
    return out;
  }

  async clear(): Promise<void> {
    // Clear in one transaction first: atomic for every tab, even while another tab keeps the database
    // open and would block the deletion below.
    const db = await this.database();
    const tx = quietly(db.transaction([...ALL_STORES], 'readwrite'));
    await Promise.all([...ALL_STORES.map((name) => tx.objectStore(name).clear()), tx.done]);
    db.close();
    this.db = null;
  }

  /** Cached item vectors under these keys (missing keys are absent from the map). */
  async embeddings(keys: readonly string[]): Promise<Map<string, EmbeddingRecord>> {
    const db = await this.database();
    const tx = db.transaction('embeddings', 'readonly');
    tx.done.catch(() => {}); // a failed read costs embedding, nothing else
    const found = new Map<string, EmbeddingRecord>();
    await Promise.all(
      keys.map(async (key) => {
        const record = await tx.store.get(key);
        if (record) found.set(key, record);
      }),
    );
    return found;
  }

  async putEmbeddings(records: readonly EmbeddingRecord[]): Promise<void> {
    const db = await this.database();
    const tx = quietly(db.transaction('embeddings', 'readwrite'));
    await Promise.all([...records.map((r) => tx.store.put(r)), tx.done]);
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
