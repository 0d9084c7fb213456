/**
 * A SQLite write connection on its own thread (writer-thread.js).
 *
 * better-sqlite3 is synchronous: with synchronous=FULL a commit blocks its thread for the fsync (a
 * few ms). Run on the HTTP thread, that would stall every connection once per group commit; here the
 * fsync happens on a worker thread while the HTTP thread keeps reading and validating requests (which
 * then form the next batch).
 *
 * The thread answers each request when its transaction is committed (or rolled back, with the
 * error), and checkpoints the WAL once the writes pause.
 */
import { Worker } from 'node:worker_threads';
import type { CountedReport, ReportOutcome } from '../store.ts';

/** How long after the last write the WAL is checkpointed and emptied. */
export const CHECKPOINT_DELAY_MS = 250;

type Request = { type: 'commit'; reports: readonly CountedReport[] } | { type: 'sweep'; nowSeconds: number } | { type: 'checkpoint' };
type FromWorker = { type: 'ready' } | { type: 'closed' } | { type: 'done'; id: number; result?: unknown; error?: string };

export class SqliteWriter {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromWorker) => {
      if (message.type !== 'done') return;
      const pending = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error === undefined) pending?.resolve(message.result);
      else pending?.reject(new Error(message.error));
    });
    const fail = (error: Error): void => {
      this.failure ??= error;
      for (const pending of this.waiting.values()) pending.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the SQLite writer thread exited (code ${code})`)));
  }

  /** Opens `path` (an existing database, already migrated) on a new thread. */
  static start(path: string, checkpointDelayMs = CHECKPOINT_DELAY_MS): Promise<SqliteWriter> {
    const worker = new Worker(new URL('./writer-thread.js', import.meta.url), { workerData: { path, checkpointDelayMs } });
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      const onExit = (code: number): void => reject(new Error(`the SQLite writer thread exited (code ${code}) while starting`));
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.once('message', (message: FromWorker) => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (message.type === 'ready') resolve(new SqliteWriter(worker));
        else reject(new Error(`unexpected first message from the SQLite writer: ${message.type}`));
      });
    });
  }

  /** Commits the reports (in the order given) in one transaction; resolves with their outcomes once committed. */
  commit(reports: readonly CountedReport[]): Promise<ReportOutcome[]> {
    return this.send({ type: 'commit', reports }) as Promise<ReportOutcome[]>;
  }

  sweep(nowSeconds: number): Promise<void> {
    return this.send({ type: 'sweep', nowSeconds }).then(() => undefined);
  }

  /** Schedules a checkpoint (another connection wrote to the database). */
  checkpointSoon(): Promise<void> {
    return this.send({ type: 'checkpoint' }).then(() => undefined);
  }

  private send(request: Request): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  /** Closes the connection (after the requests already sent) and ends the thread. */
  async close(): Promise<void> {
    if (this.failure) return;
    const closed = new Promise<void>((resolve) => {
      this.worker.on('message', (message: FromWorker) => {
        if (message.type === 'closed') resolve();
      });
      this.worker.once('exit', () => resolve());
    });
    this.worker.postMessage({ type: 'close' });
    await closed;
    this.failure = new Error('the SQLite writer is closed');
    await this.worker.terminate();
  }
}
