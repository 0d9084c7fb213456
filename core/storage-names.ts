// The names of everything Tacit keeps on the device, in one place: the IndexedDB database and its kv
// keys (worker/storage/schema.ts defines the stores), the sessionStorage journal, the saved shelf in
// localStorage and the Cache Storage entries. The worker writes them; the page reads a few of them
// without the worker (the remembered grant, forget() deleting everything), so they live here rather than
// beside the database code.

export const DB_NAME = 'tacit';

/** Every key of the `kv` store, and what it holds. */
export const KV_KEYS = {
  /** The shopper's own grant: { state: 'granted', day }. */
  consent: 'consent',
  /** The engine's interest profile and purchased items (worker/profile-store.ts). */
  profile: 'profile',
  /** The report bookkeeping: planned moment, pending report, last report, ledger (worker/reports/). */
  report: 'report',
  /** The device's arm in the running experiment: { id, arm, assignedAt } (worker/experiments/arms.ts). */
  experiment: 'experiment',
} as const;

/** sessionStorage key of the journal of unsaved events (src/storage/journal.ts). */
export const JOURNAL_KEY = 'tacit:unsaved';

/** localStorage key of the shelf the engine saved for the next page's first answers (core/saved-shelf.ts). */
export const SAVED_SHELF_KEY = 'tacit:shelf';

/** Cache Storage entries Tacit (through transformers.js) may create: model files. */
export const CACHE_NAMES = ['transformers-cache', 'tacit-models'] as const;
