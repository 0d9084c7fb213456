// @vitest-environment happy-dom
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const source = readFileSync(resolve(__dirname, '../../src/snippet.js'), 'utf8');
const paste = () => new Function(source)();
type Stub = unknown[] & Record<string, (...a: unknown[]) => Promise<unknown>> & { loaded?: boolean };
const tacit = () => (window as unknown as { tacit: Stub }).tacit;

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  delete (window as unknown as { tacit?: unknown }).tacit;
  document.head.innerHTML = '';
  vi.resetModules();
});

describe('the snippet', () => {
  it('defines a queue stub and adds one async module script', () => {
    paste();
    const scripts = document.head.querySelectorAll('script');
    expect(scripts).toHaveLength(1);
    expect(scripts[0].type).toBe('module');
    expect(scripts[0].async).toBe(true);
    expect(scripts[0].getAttribute('src')).toBe('SDK_URL');
    for (const m of ['init', 'track', 'page', 'consent', 'forget', 'export', 'recommend', 'segments', 'sync', 'inspect', 'on']) {
      expect(typeof tacit()[m]).toBe('function');
    }
  });

  it('keeps calls in order and is safe to paste twice', () => {
    paste();
    tacit().track('Product Viewed', { product_id: 'a' });
    paste();
    tacit().track('Product Viewed', { product_id: 'b' });
    expect(document.head.querySelectorAll('script')).toHaveLength(1);
    expect(tacit().map((c) => (c as unknown[])[0])).toEqual(['track', 'track']);
    expect(tacit().map((c) => ((c as unknown[])[1] as [string, { product_id: string }])[1].product_id)).toEqual(['a', 'b']);
  });

  it('does nothing when the SDK is already loaded', () => {
    const loaded = { loaded: true };
    (window as unknown as { tacit: unknown }).tacit = loaded;
    paste();
    expect(tacit()).toBe(loaded);
    expect(document.head.querySelectorAll('script')).toHaveLength(0);
  });

  it('the loader replays queued calls in order and resolves their promises', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    paste();
    const track1 = tacit().track('Product Viewed', { product_id: 'a' });
    tacit().init({ consent: 'granted' });
    tacit().track('Products Searched', { query: 'tent' });
    const exported = tacit().export();
    await import('../../src/loader.ts');
    expect(tacit().loaded).toBe(true);
    await expect(track1).resolves.toBeUndefined();
    const data = (await exported) as { events: { event: string }[] };
    expect(data.events.map((e) => e.event)).toEqual(['Product Viewed', 'Products Searched']);
  });

  it('the loaded API keeps working when called directly', async () => {
    paste();
    tacit().init({ consent: 'granted' });
    await import('../../src/loader.ts');
    await tacit().track('Product Added', { product_id: 'x' });
    const data = (await tacit().export()) as { events: { event: string }[] };
    expect(data.events.map((e) => e.event)).toEqual(['Product Added']);
  });
});
