// The one front door to the shopper's data on this device, in the worker. Everything that stores or
// reads goes through here: the page's batches of events, consent's remembered grant, the report
// bookkeeping, the experiment's arm, the engine's event log. The worker exists only after a grant, and
// this opens IndexedDB on first need; it falls back to memory for the page's life when IndexedDB is
// missing, blocked or keeps failing, retries IndexedDB now and then and moves what memory held into it.
// Deleting everything is the page's job (src/storage/page-database.ts), so that forget() works even
// where no worker runs: this only lets go (close()).

import { describe } from '../../src/warn.ts';
import { IndexedDBStore } from './indexeddb-store.ts';
import { MemoryStore } from './memory-store.ts';
import type { Retention, Store } from './store.ts';

export interface StorageHost {
  warn(code: string, message: string): void;
  /** Whether writing is allowed now (consent granted); recovery stops when it is not. */
  mayWrite(): boolean;
  now(): number;
}

type Kind = Store['kind'] | 'none';

export class DeviceStorage {
  private store: Store | null = null;
  private opening: Promise<Store> | null = null;
  private recoveryTimer: ReturnType<typeof setTimeout> | null = null;
  private writeFailures = 0;
  private readonly kindListeners = new Set<(kind: Kind) => void>();

  constructor(
    private readonly host: StorageHost,
    private readonly retention: Retention,
  ) {}

  get kind(): Kind {
    return this.store?.kind ?? 'none';
  }

  /** The store if one is open, without opening one. */
  get current(): Store | null {
    return this.store;
  }

  /** Called whenever the store in use changes (opened, failed over to memory, recovered, erased). */
  onKindChange(listener: (kind: Kind) => void): void {
    this.kindListeners.add(listener);
  }

  /** The store, opened on demand: IndexedDB, or memory for this page when IndexedDB is unavailable. */
  open(): Promise<Store> {
    if (this.store) return Promise.resolve(this.store);
    this.opening ??= IndexedDBStore.open(this.retention, this.host.now)
      .catch((error): Store => {
        this.host.warn('storage-fallback', `IndexedDB is unavailable (${describe(error)}); Tacit keeps data in memory for this page only`);
        this.scheduleRecovery();
        return new MemoryStore(this.retention, this.host.now);
      })
      .then((store) => this.use(store));
    return this.opening;
  }

  /** A write failed: one hiccup is retried by the caller; a database that keeps failing is replaced by memory. */
  writeFailed(error: unknown): void {
    const store = this.store;
    this.host.warn('storage-write', `could not write to ${store?.kind ?? 'storage'}: ${describe(error)}`);
    if (store && store.kind === 'indexeddb' && !isTransient(error) && ++this.writeFailures >= 3) {
      this.use(new MemoryStore(this.retention, this.host.now));
      this.opening = Promise.resolve(this.store!);
      this.host.warn('storage-fallback', 'IndexedDB failed; Tacit keeps data in memory for this page only');
      this.scheduleRecovery(5000);
    }
  }

  writeSucceeded(): void {
    this.writeFailures = 0;
  }

  /**
   * Lets go of the store (consent withdrawn, forget(), the worker ending): no more writes, no recovery,
   * the database connection closed so the page can delete the database. What a memory store held is gone.
   */
  close(): void {
    this.store?.close();
    this.store = null;
    this.opening = null;
    if (this.recoveryTimer) clearTimeout(this.recoveryTimer);
    this.recoveryTimer = null;
    this.notify();
  }

  private use(store: Store): Store {
    this.store = store;
    this.notify();
    return store;
  }

  private notify(): void {
    for (const listener of this.kindListeners) listener(this.kind);
  }

  /**
   * While on the memory store, try IndexedDB again now and then (a blocking tab may close, a hiccup may
   * pass). When it opens, move what memory holds into it, so the page's events outlive the page.
   */
  private scheduleRecovery(delayMs = 1000): void {
    if (this.recoveryTimer || typeof indexedDB === 'undefined') return;
    this.recoveryTimer = setTimeout(async () => {
      this.recoveryTimer = null;
      const memory = this.store;
      if (!memory || memory.kind !== 'memory' || !this.host.mayWrite()) return;
      try {
        const database = await IndexedDBStore.open(this.retention, this.host.now);
        if (this.store !== memory) return database.close(); // forgotten or replaced meanwhile
        await database.append(await memory.events(), { skipExisting: true });
        for (const [key, value] of Object.entries(await memory.state())) await database.set(key, value);
        this.opening = Promise.resolve(database);
        this.writeFailures = 0;
        this.use(database);
      } catch {
        this.scheduleRecovery(Math.min(60_000, delayMs * 2));
      }
    }, delayMs);
  }
}

function isTransient(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || name === 'TransactionInactiveError' || name === 'AbortError';
}
