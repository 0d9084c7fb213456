// The stand-in store for pages where IndexedDB is missing or blocked: same contract, page lifetime only.

import type { StoredEvent } from '../../core/types.ts';
import type { NewEvent, Retention, Store } from './store.ts';

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private log: StoredEvent[] = [];
  private kv = new Map<string, unknown>();
  private nextSeq = 1;

  constructor(
    private readonly retention: Retention,
    private readonly now: () => number = Date.now,
  ) {}

  async append(events: NewEvent[], options: { skipExisting?: boolean } = {}): Promise<number[]> {
    const known = options.skipExisting ? new Set(this.log.map((e) => e.uid)) : null;
    const seqs: number[] = [];
    for (const e of events) {
      if (known && e.uid !== undefined && known.has(e.uid)) continue;
      const seq = this.nextSeq++;
      this.log.push({ ...e, seq });
      seqs.push(seq);
    }
    const cutoff = this.now() - this.retention.maxAgeMs;
    this.log = this.log.filter((e) => e.ts >= cutoff).slice(-this.retention.maxEvents);
    return seqs;
  }

  async events(afterSeq = 0): Promise<StoredEvent[]> {
    return this.log.filter((e) => e.seq > afterSeq).map((e) => structuredClone(e));
  }

  async count(): Promise<number> {
    return this.log.length;
  }

  async get<T>(key: string): Promise<T | undefined> {
    return structuredClone(this.kv.get(key)) as T | undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    this.kv.set(key, structuredClone(value));
  }

  async delete(key: string): Promise<void> {
    this.kv.delete(key);
  }

  async update<T>(key: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    const next = change(structuredClone(this.kv.get(key)) as T | undefined);
    if (next === undefined) this.kv.delete(key);
    else this.kv.set(key, structuredClone(next));
    return next;
  }

  async state(): Promise<Record<string, unknown>> {
    return structuredClone(Object.fromEntries(this.kv));
  }

  async clear(): Promise<void> {
    this.log = [];
    this.kv.clear();
  }

  close(): void {}
}
