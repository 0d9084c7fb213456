// What the rest of Tacit sees of the device's storage. Two implementations: IndexedDB
// (indexeddb-store.ts), the real one, and memory (memory-store.ts), which stands in for the page's life
// where IndexedDB is missing or blocked. DeviceStorage (device-storage.ts) chooses between them.

import type { StoredEvent } from '../../core/types.ts';

export type NewEvent = Omit<StoredEvent, 'seq'>;

export interface Retention {
  maxAgeMs: number;
  maxEvents: number;
}

/** Reading the event log: what the engine needs to follow the shopper's events. */
export interface EventLog {
  /** Events with seq > afterSeq, oldest first. */
  events(afterSeq?: number): Promise<StoredEvent[]>;
}

export interface Store extends EventLog {
  readonly kind: 'indexeddb' | 'memory';
  /**
   * Appends events in one transaction and applies retention; returns their sequence numbers. With
   * `skipExisting`, events whose uid is already stored are skipped (their seq is not returned).
   */
  append(events: NewEvent[], options?: { skipExisting?: boolean }): Promise<number[]>;
  count(): Promise<number>;
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Read-modify-write of one key in a single transaction: atomic across tabs. `undefined` deletes. */
  update<T>(key: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined>;
  state(): Promise<Record<string, unknown>>;
  /** Empties the store (its records; deleting the database itself is DeviceStorage's job). */
  clear(): Promise<void>;
  close(): void;
}
