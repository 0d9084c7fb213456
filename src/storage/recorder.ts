// Batches validated events off the hot path: track() only pushes into an array; the batch goes to the
// worker, which stores it (worker/storage/), when the page is idle (or at once when it is being hidden).
// A failed write puts the batch back in front of the buffer, so nothing is lost and, because each append
// is one transaction that skips events whose uid is stored already, nothing is written twice.

import type { NewEvent } from '../../worker/storage/store.ts';

/** Where a batch of events goes: the worker's storage (one transaction per batch). */
export interface EventSink {
  append(events: NewEvent[], options: { skipExisting: boolean }): Promise<number[]>;
}

/** While consent is pending (or the worker is not running yet), events wait in memory, never on disk, up to this many. */
export const MAX_BUFFERED = 500;
const FLUSH_AT = 100;

export interface RecorderHooks {
  /** Where to write, or null while nothing may be stored (consent not granted, no worker running yet). */
  sink(): EventSink | null;
  onStored(seqs: number[]): void;
  onError(error: unknown): void;
  onOverflow(dropped: number): void;
}

type Schedule = (run: () => void) => void;

const idle: Schedule = (run) => {
  const ric = (globalThis as { requestIdleCallback?: (cb: () => void, o: { timeout: number }) => number })
    .requestIdleCallback;
  // A short timeout: batching a burst of calls is the point, holding events for long is a risk.
  if (ric) ric(run, { timeout: 100 });
  else setTimeout(run, 0);
};

export class Recorder {
  private buffer: NewEvent[] = [];
  /** The batch being written: not yet known to be stored. */
  private inFlight: NewEvent[] = [];
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();
  private retryDelay = 0;

  constructor(
    private readonly hooks: RecorderHooks,
    private readonly schedule: Schedule = idle,
  ) {}

  get pending(): readonly NewEvent[] {
    return this.buffer;
  }

  /** Everything not yet confirmed stored: the batch being written and the buffer. */
  unsaved(): NewEvent[] {
    return this.inFlight.concat(this.buffer);
  }

  push(event: NewEvent): void {
    this.buffer.push(event);
    if (this.buffer.length > MAX_BUFFERED) {
      const dropped = this.buffer.length - MAX_BUFFERED;
      this.buffer.splice(0, dropped);
      this.hooks.onOverflow(dropped);
    }
    if (this.buffer.length >= FLUSH_AT) void this.flush();
    else this.requestFlush();
  }

  /** Puts events back at the front (the journal of the previous page). */
  restore(events: NewEvent[]): void {
    if (events.length === 0) return;
    this.buffer = events.concat(this.buffer).slice(-MAX_BUFFERED);
    this.requestFlush();
  }

  /** Forget everything not yet written (consent denied, forget()). */
  discard(): void {
    this.buffer = [];
    this.inFlight = [];
  }

  requestFlush(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      void this.flush();
    };
    if (this.retryDelay > 0) setTimeout(run, this.retryDelay);
    else this.schedule(run);
  }

  /** Writes the buffer now. Serialised: concurrent calls wait for each other. */
  flush(): Promise<void> {
    this.running = this.running.then(() => this.writeBuffer());
    return this.running;
  }

  private async writeBuffer(): Promise<void> {
    const sink = this.hooks.sink();
    if (!sink || this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight = batch;
    try {
      const seqs = await sink.append(batch, { skipExisting: true });
      this.inFlight = [];
      this.retryDelay = 0;
      this.hooks.onStored(seqs);
    } catch (error) {
      this.inFlight = [];
      this.buffer = batch.concat(this.buffer).slice(-MAX_BUFFERED);
      this.retryDelay = Math.min(30_000, Math.max(250, this.retryDelay * 2));
      this.hooks.onError(error);
      this.requestFlush();
    }
  }
}
