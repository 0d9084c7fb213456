// The engine's connection to the device's store (IndexedDB: it reads the events there, and keeps its
// profile and the item-vector cache): opened on first need, once even when load() and the first profile
// update ask at the same moment, and let go by close(). An opening still under way when close() comes
// lets go of its connection instead of keeping it, or the page could not delete the database.

import type { ProfileKeeper } from './profile-store.ts';
import type { EmbeddingCache } from './item-vectors.ts';
import type { EventLog } from './storage/store.ts';

/** The device's store as the engine uses it: events, the saved profile, the item-vector cache. */
export type EngineStore = EventLog & ProfileKeeper & EmbeddingCache & { close(): void };

export class EngineStoreConnection {
  private store: EngineStore | null = null;
  private opening: Promise<EngineStore | null> | null = null;
  /** Counts close()s: a store opened across one is closed, not kept. */
  private generation = 0;

  constructor(private readonly open: () => Promise<EngineStore>) {}

  /** The open store, or null where IndexedDB cannot be opened in this worker (the engine ranks from memory then). */
  get(): Promise<EngineStore | null> {
    const generation = this.generation;
    this.opening ??= this.open().then(
      (store) => {
        if (generation !== this.generation) {
          store.close();
          return null;
        }
        this.store = store;
        return store;
      },
      () => {
        if (generation === this.generation) this.opening = null;
        return null;
      },
    );
    return this.opening;
  }

  close(): void {
    this.store?.close();
    this.store = null;
    this.opening = null;
    this.generation++;
  }
}
