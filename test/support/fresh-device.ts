// Unit tests of the SDK: each test on a new device, so to speak. A fresh fake IndexedDB, console.warn
// caught (the SDK's warnings land there; `ready` hands the spy to the file, which reads what was warned),
// every stubbed global undone after the test; with `catalog`, fetch() answers it.

import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, vi, type MockInstance } from 'vitest';

export function withFreshDevice(ready: (warn: MockInstance<typeof console.warn>) => void, options: { catalog?: unknown } = {}): void {
  let warn: MockInstance<typeof console.warn> | null = null;
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    ready(warn);
    if (options.catalog !== undefined) vi.stubGlobal('fetch', async () => Response.json(options.catalog));
  });
  afterEach(() => {
    warn?.mockRestore();
    vi.unstubAllGlobals();
  });
}
