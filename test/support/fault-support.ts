// Shared pieces of the Node-side fault tests: a deterministic stand-in embedder (no model, no ORT), a
// catalogue served by a fake fetch, raw IndexedDB helpers, and a one-shot patch of IDBObjectStore.add.

import type { EmbedderOptions } from '../../worker/embedder.ts';
import type { Embedder } from '../../core/embedder.ts';

export const DIM = 8;

/** Vectors from a string hash: stable, distinct enough to rank, instant. */
export function hashVector(text: string): Float32Array {
  const v = new Float32Array(DIM);
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    v[i % DIM] += ((h >>> 8) % 1000) / 1000 - 0.5;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

export async function fakeEmbedder(options: EmbedderOptions): Promise<Embedder> {
  return {
    modelId: options.model,
    dtype: 'q8',
    pooling: 'mean',
    dim: DIM,
    backend: 'wasm',
    threads: 1,
    embed: async (texts) => texts.map(hashVector),
    isLost: () => false,
    dispose: async () => {},
  };
}

export const CATALOG = Array.from({ length: 12 }, (_, i) => ({
  id: `p${i + 1}`,
  title: `Item ${i + 1} ${['trail shoes', 'rain jacket', 'tent', 'stove'][i % 4]}`,
  category: ['running', 'clothing', 'camping', 'cooking'][i % 4],
  price: 10 + i,
  inStock: true,
  popularity: 100 - i,
}));

export function catalogFetch(catalog: unknown = CATALOG): typeof fetch {
  return async (input) => {
    const path = new URL(String(input), 'http://shop.test').pathname;
    return path === '/catalog.json' ? Response.json(catalog) : new Response('not found', { status: 404 });
  };
}

/** Opens the raw database at a version (creating Tacit's v1 stores when it is created here). */
export function rawOpen(version?: number, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = version === undefined ? indexedDB.open('tacit') : indexedDB.open('tacit', version);
    request.onupgradeneeded = () => upgrade?.(request.result);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function createTacitStores(db: IDBDatabase): void {
  const events = db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
  events.createIndex('ts', 'ts');
  db.createObjectStore('kv');
  db.createObjectStore('embeddings', { keyPath: 'key' });
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Every stored event, read with the raw API (not through the SDK). */
export async function rawEvents(): Promise<{ seq: number; event: string; properties: Record<string, unknown> }[]> {
  if (!(await indexedDB.databases()).some((d) => d.name === 'tacit')) return [];
  const db = await rawOpen();
  try {
    if (!db.objectStoreNames.contains('events')) return [];
    return await request(db.transaction('events').objectStore('events').getAll());
  } finally {
    db.close();
  }
}

export async function rawPut(store: 'kv' | 'events', value: unknown, key?: string): Promise<void> {
  const db = await rawOpen(1, createTacitStores);
  try {
    const tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value, key);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export const dbExists = async () => (await indexedDB.databases()).some((d) => d.name === 'tacit');

/**
 * Makes IDBObjectStore.prototype.add throw `error` (synchronously, as a real DataCloneError or
 * TransactionInactiveError does) on the calls `shouldThrow` picks. Returns the restore function.
 */
export function patchAdd(shouldThrow: (call: number) => boolean, error: () => Error): () => void {
  const proto = (globalThis as unknown as { IDBObjectStore: { prototype: IDBObjectStore } }).IDBObjectStore.prototype;
  const original = proto.add;
  let calls = 0;
  proto.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
    if (this.name === 'events' && shouldThrow(++calls)) throw error();
    return original.apply(this, args);
  };
  return () => {
    proto.add = original;
  };
}

export const domError = (name: string) => new DOMException(`injected ${name}`, name);

/** Polls until `check` holds (fake-indexeddb and the recorder's retries run on timers). */
export async function until(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
