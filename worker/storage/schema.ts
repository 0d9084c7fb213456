// The IndexedDB schema, opened by the worker only (the page never loads idb). The names of the database
// and of every key Tacit keeps are in core/storage-names.ts, which the page reads too.
// One database per origin; each version's migration runs in order, so a shopper on any older version
// upgrades cleanly.

import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { DB_NAME } from '../../core/storage-names.ts';
import type { StoredEvent } from '../../core/types.ts';

export { CACHE_NAMES, DB_NAME, JOURNAL_KEY, KV_KEYS } from '../../core/storage-names.ts';
export const DB_VERSION = 2;

export interface EmbeddingRecord {
  /** model id + item content hash: a changed title or a changed model misses the cache. */
  key: string;
  vector: Int8Array;
  scale: number;
}

export interface TacitDB extends DBSchema {
  events: { key: number; value: StoredEvent; indexes: { ts: number; uid: string } };
  kv: { key: string; value: unknown };
  embeddings: { key: string; value: EmbeddingRecord };
}

export type TacitDatabase = IDBPDatabase<TacitDB>;

type UpgradeTransaction = IDBPTransaction<TacitDB, StoreNames<TacitDB>[], 'versionchange'>;

const MIGRATIONS: ((db: IDBPDatabase<TacitDB>, tx: UpgradeTransaction) => void)[] = [
  // v1: events with a cross-tab sequence (autoIncrement), key-value state, item embedding cache.
  (db) => {
    const events = db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
    events.createIndex('ts', 'ts');
    db.createObjectStore('kv');
    db.createObjectStore('embeddings', { keyPath: 'key' });
  },
  // v2: each event carries a random uid, so events saved twice (journal and database, around a
  // navigation) are recognised and stored once. Older events have none; the index skips them.
  (_db, tx) => {
    tx.objectStore('events').createIndex('uid', 'uid');
  },
];

export interface OpenOptions {
  /** Called when another tab wants to upgrade or delete the database: we must let go. */
  onVersionChange?: () => void;
  /** Called when this open waits on another tab that holds an older version open. */
  onBlocked?: () => void;
}

export async function openTacitDB(options: OpenOptions = {}): Promise<TacitDatabase> {
  const db = await openDB<TacitDB>(DB_NAME, DB_VERSION, {
    upgrade(database, oldVersion, _newVersion, transaction) {
      for (let v = oldVersion; v < DB_VERSION; v++) MIGRATIONS[v](database, transaction);
    },
    blocked: () => options.onBlocked?.(),
    blocking: () => {
      db.close();
      options.onVersionChange?.();
    },
  });
  return db;
}

export const ALL_STORES = ['events', 'kv', 'embeddings'] as const;
