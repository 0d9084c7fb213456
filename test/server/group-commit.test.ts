import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommitError, CommitterClosedError, GroupCommitter } from '../../server/group-commit.ts';

/** A committer over an in-memory "disk" that records each batch, and can be told to fail. */
function recording(options: { maxDelayMs?: number; maxBatch?: number } = {}) {
  const batches: number[][] = [];
  const state = { fail: false };
  const committer = new GroupCommitter<number>({
    ...options,
    commit(items) {
      if (state.fail) throw new Error('disk full');
      batches.push([...items]);
    },
  });
  return { committer, batches, state };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('GroupCommitter', () => {
  it('commits everything added in one event-loop turn as one batch, and settles only after that commit', async () => {
    const { committer, batches } = recording();
    const settledAfter: number[] = [];
    const promises = [1, 2, 3, 4, 5].map((item) => committer.add(item).then(() => settledAfter.push(batches.length)));
    expect(batches).toEqual([]); // nothing written synchronously
    expect(committer.pending).toBe(5);
    await Promise.all(promises);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    expect(settledAfter).toEqual([1, 1, 1, 1, 1]); // every promise saw its batch written
    expect(committer.pending).toBe(0);
    expect(committer.commits).toBe(1);

    await committer.add(6); // a later turn: a new batch
    expect(batches).toEqual([[1, 2, 3, 4, 5], [6]]);
  });

  it('commits at once when maxBatch items are queued', async () => {
    const { committer, batches } = recording({ maxBatch: 3 });
    const promises = [1, 2, 3, 4].map((item) => committer.add(item));
    expect(batches).toEqual([[1, 2, 3]]); // the third add committed synchronously
    await Promise.all(promises);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('with maxDelayMs waits that long after the first item of a batch', async () => {
    vi.useFakeTimers();
    const { committer, batches } = recording({ maxDelayMs: 5 });
    const first = committer.add(1);
    vi.advanceTimersByTime(4);
    const second = committer.add(2);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([[1, 2]]);
    await Promise.all([first, second]);
  });

  it('a failed commit rejects every item of its batch with CommitError; the next batch is unaffected', async () => {
    const { committer, batches, state } = recording();
    state.fail = true;
    const results = await Promise.allSettled([committer.add(1), committer.add(2)]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as Error;
      expect(reason).toBeInstanceOf(CommitError);
      expect(reason.message).toContain('disk full');
    }
    expect(committer.commits).toBe(0);
    state.fail = false;
    await committer.add(3);
    expect(batches).toEqual([[3]]);
  });

  it('flush commits what is queued now; close commits the rest and refuses new items', async () => {
    vi.useFakeTimers();
    const { committer, batches } = recording({ maxDelayMs: 60_000 });
    const queued = committer.add(1);
    await committer.flush();
    expect(batches).toEqual([[1]]);
    await queued;
    const last = committer.add(2);
    await committer.close();
    expect(batches).toEqual([[1], [2]]);
    await last;
    await expect(committer.add(3)).rejects.toBeInstanceOf(CommitterClosedError);
    expect(batches).toEqual([[1], [2]]);
    await committer.flush(); // nothing queued: no empty commit
    expect(batches).toEqual([[1], [2]]);
  });

  it('with an asynchronous commit: one in flight; what arrives meanwhile is the next batch; flush waits for both', async () => {
    const batches: number[][] = [];
    const finishers: (() => void)[] = [];
    const committer = new GroupCommitter<number>({
      commit(items) {
        batches.push([...items]);
        return new Promise<void>((resolve) => finishers.push(resolve));
      },
    });
    const settled: number[] = [];
    const first = [1, 2].map((item) => committer.add(item).then(() => settled.push(item)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1, 2]]); // in flight, not yet durable
    const second = [3, 4].map((item) => committer.add(item).then(() => settled.push(item)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1, 2]]); // waits for the commit in flight
    expect(settled).toEqual([]);
    let flushed = false;
    const flushing = committer.flush().then(() => (flushed = true));
    finishers[0]();
    await Promise.all(first);
    expect(settled).toEqual([1, 2]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1, 2], [3, 4]]); // started as soon as the first one settled
    expect(flushed).toBe(false); // flush also waits for the batch queued when it was called
    finishers[1]();
    await Promise.all([...second, flushing]);
    expect(settled).toEqual([1, 2, 3, 4]);
    expect(committer.commits).toBe(2);
  });

  it('an asynchronous commit that rejects fails its batch only', async () => {
    let fail = true;
    const committer = new GroupCommitter<number>({ commit: async () => (fail ? Promise.reject(new Error('writer thread died')) : undefined) });
    await expect(committer.add(1)).rejects.toThrow(/commit failed: writer thread died/);
    fail = false;
    await expect(committer.add(2)).resolves.toBeUndefined();
    expect(committer.commits).toBe(1);
  });

  it('rejects bad options', () => {
    const commit = () => {};
    expect(() => new GroupCommitter({ commit, maxDelayMs: -1 })).toThrow(RangeError);
    expect(() => new GroupCommitter({ commit, maxDelayMs: Number.NaN })).toThrow(RangeError);
    expect(() => new GroupCommitter({ commit, maxBatch: 0 })).toThrow(RangeError);
    expect(() => new GroupCommitter({ commit, maxBatch: 1.5 })).toThrow(RangeError);
  });
});
