/**
 * A SQLite write connection on its own thread.
 *
 * better-sqlite3 is synchronous: with synchronous=FULL a commit blocks its
 * thread for the fsync (a few ms). Run on the HTTP thread, that would stall
 * every connection once per group commit; here the fsync happens on a worker
 * thread while the HTTP thread keeps reading and validating requests (which
 * then form the next batch).
 *
 * The worker only runs prepared statements it was given at start, in one
 * transaction per `run` call, and answers when that transaction is committed
 * (or rolled back, with the error). Its code is a short plain-JavaScript
 * string, so it needs no TypeScript loader in the worker.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** One statement execution: the index of a statement given to `start`, and its parameters. */
export type WriteOp = readonly [statement: number, params: readonly (number | string)[]];

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000, fileMustExist: true });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
const statements = workerData.statements.map((sql) => db.prepare(sql));
const runAll = db.transaction((ops) => { for (const [index, params] of ops) statements[index].run(...params); });
parentPort.on('message', (message) => {
  if (message.type === 'close') { db.close(); parentPort.postMessage({ type: 'closed' }); return; }
  try {
    runAll(message.ops);
    parentPort.postMessage({ type: 'done', id: message.id });
  } catch (error) {
    parentPort.postMessage({ type: 'done', id: message.id, error: String(error && error.message || error) });
  }
});
parentPort.postMessage({ type: 'ready' });
`;

type FromWorker = { type: 'ready' } | { type: 'closed' } | { type: 'done'; id: number; error?: string };

export class SqliteWriter {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(): void; reject(error: Error): void }>();
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromWorker) => {
      if (message.type !== 'done') return;
      const pending = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error === undefined) pending?.resolve();
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

  /** Opens `path` (an existing database, already migrated) on a new thread with these statements. */
  static start(path: string, statements: readonly string[]): Promise<SqliteWriter> {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, statements, driver } });
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

  /** Runs the ops in one transaction; resolves once it is committed, rejects (nothing written) otherwise. */
  run(ops: readonly WriteOp[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'run', id, ops });
    });
  }

  /** Closes the connection (after the runs already sent) and ends the thread. */
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
