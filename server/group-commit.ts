/**
 * Group commit: many callers' writes share one transaction, hence one fsync.
 *
 * With synchronous=FULL every SQLite commit waits for the disk (a few ms), so
 * committing each report alone caps the server at a few hundred reports per
 * second. Instead, `add` queues an item and returns a promise; one `commit`
 * call writes the whole queue atomically, then every promise of that batch
 * settles together: fulfilled once the batch is durable, rejected with a
 * CommitError when the commit threw (and so wrote nothing). Callers answer
 * their client only after the promise settles, so nothing is acknowledged
 * before it is on disk.
 *
 * When the batch is committed: with `maxDelayMs` 0 (the default) at the end of
 * the current event-loop turn (setImmediate), which batches exactly the
 * requests that arrived together and adds no waiting when the server is idle;
 * with `maxDelayMs` > 0 at most that long after the batch's first item; at
 * once when `maxBatch` items are queued. `commit` may be synchronous or return
 * a promise (a writer thread): at most one commit is in flight, and what
 * arrives meanwhile is committed as the next batch as soon as it settles.
 */

export interface GroupCommitOptions<T, R = void> {
  /**
   * Writes every item in one atomic transaction: returns (or resolves) only
   * when the batch is durable, and throws (or rejects) only when nothing was written.
   * It may answer one result per item (in the items' order), which that item's `add` resolves with.
   */
  commit(items: readonly T[]): void | R[] | Promise<void | R[]>;
  /** longest wait of a batch's first item before its commit; 0 = end of this event-loop turn */
  maxDelayMs?: number;
  /** commit as soon as this many items are queued */
  maxBatch?: number;
}

/** The commit holding this item failed; nothing of its batch was written. */
export class CommitError extends Error {
  constructor(cause: unknown) {
    super(`commit failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CommitError';
  }
}

/** `add` after `close`: the item was not queued. */
export class CommitterClosedError extends Error {
  constructor() {
    super('the committer is closed; the item was not queued');
    this.name = 'CommitterClosedError';
  }
}

interface Pending<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: Error): void;
}

export class GroupCommitter<T, R = void> {
  private queue: Pending<T, R>[] = [];
  private readonly commitBatch: (items: readonly T[]) => void | R[] | Promise<void | R[]>;
  /** the commit in progress (it never rejects: failures settle its items instead) */
  private inFlight: Promise<void> | null = null;
  private readonly maxDelayMs: number;
  private readonly maxBatch: number;
  private scheduled: { cancel(): void } | null = null;
  private closed = false;
  private batchesCommitted = 0;

  constructor(options: GroupCommitOptions<T, R>) {
    const maxDelayMs = options.maxDelayMs ?? 0;
    const maxBatch = options.maxBatch ?? 1000;
    if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0) throw new RangeError(`maxDelayMs must be a finite number ≥ 0 (got ${maxDelayMs})`);
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch must be an integer ≥ 1 (got ${maxBatch})`);
    this.commitBatch = options.commit;
    this.maxDelayMs = maxDelayMs;
    this.maxBatch = maxBatch;
  }

  /** Items queued whose commit has not started yet (a commit in flight is not counted). */
  get pending(): number {
    return this.queue.length;
  }

  /** Batches committed successfully so far (for tests and diagnostics). */
  get commits(): number {
    return this.batchesCommitted;
  }

  /** Queues an item; settles when the commit that holds it has succeeded (with its result) or failed. */
  add(item: T): Promise<R> {
    if (this.closed) return Promise.reject(new CommitterClosedError());
    const settled = new Promise<R>((resolve, reject) => this.queue.push({ item, resolve, reject }));
    if (this.queue.length >= this.maxBatch) this.commitNow();
    else this.schedule();
    return settled;
  }

  /** Commits everything queued now, and waits for it (e.g. before reading counters that must be final). */
  async flush(): Promise<void> {
    this.commitNow();
    while (this.inFlight !== null) {
      await this.inFlight;
      this.commitNow(); // what was queued while that commit ran
    }
  }

  /** Commits what is queued and refuses further items. */
  close(): Promise<void> {
    this.closed = true;
    return this.flush();
  }

  private schedule(): void {
    if (this.scheduled !== null) return;
    if (this.maxDelayMs === 0) {
      const handle = setImmediate(() => this.commitNow());
      this.scheduled = { cancel: () => clearImmediate(handle) };
    } else {
      const handle = setTimeout(() => this.commitNow(), this.maxDelayMs);
      this.scheduled = { cancel: () => clearTimeout(handle) };
    }
  }

  /** Starts committing the queue, unless a commit is in flight (its end starts the next one). */
  private commitNow(): void {
    this.scheduled?.cancel();
    this.scheduled = null;
    if (this.queue.length === 0 || this.inFlight !== null) return;
    const batch = this.queue;
    this.queue = [];
    let result: void | R[] | Promise<void | R[]>;
    try {
      result = this.commitBatch(batch.map((pending) => pending.item));
    } catch (cause) {
      this.fail(batch, cause);
      return;
    }
    if (!(result instanceof Promise)) {
      this.succeed(batch, result);
      return;
    }
    this.inFlight = result.then(
      (results) => this.succeed(batch, results),
      (cause: unknown) => this.fail(batch, cause),
    );
    void this.inFlight.then(() => {
      this.inFlight = null;
      this.commitNow();
    });
  }

  private succeed(batch: readonly Pending<T, R>[], results: void | R[]): void {
    this.batchesCommitted++;
    batch.forEach((pending, index) => pending.resolve((results ? results[index] : undefined) as R));
  }

  private fail(batch: readonly Pending<T, R>[], cause: unknown): void {
    const error = new CommitError(cause);
    for (const pending of batch) pending.reject(error);
  }
}
