// @vitest-environment happy-dom
// Events tracked just before a navigation: journaled synchronously on pagehide, stored once by the next
// page, even when the unloading page's own IndexedDB write completed too. Also: the v1 → v2 migration.

import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { saveJournal } from '../../src/storage/journal.ts';
import { openTacitDB } from '../../worker/storage/schema.ts';
import { Tacit } from '../../src/sdk.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  sessionStorage.clear();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

describe('the navigation journal', () => {
  it('keeps events that were never written and stores them on the next page', async () => {
    // What an unloading page leaves behind when its IndexedDB write never ran: only the journal.
    saveJournal([{ uid: 'u1', ts: Date.now(), event: 'Product Clicked', properties: { product_id: 'a' } }]);
    const page2 = new Tacit();
    await page2.init({ consent: 'granted' });
    const events = (await page2.export()).events;
    expect(events.map((e) => e.properties.product_id)).toEqual(['a']);
    expect(sessionStorage.getItem('tacit:unsaved')).toBeNull();
  });

  it('onPageHide journals the unsaved events synchronously', async () => {
    const page1 = new Tacit();
    await page1.init({ consent: 'granted' });
    await page1.track('Product Clicked', { product_id: 'a' });
    page1.onPageHide();
    const journal = JSON.parse(sessionStorage.getItem('tacit:unsaved')!);
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({ event: 'Product Clicked', uid: expect.stringMatching(/^[0-9a-f]{16}$/) });
    // Its worker runs (a grant at init starts it): the write it still has pending must not land in the
    // next test's database.
    await page1.flush();
  });

  it('stores an event once when both the journal and the database have it', async () => {
    const page1 = new Tacit();
    await page1.init({ consent: 'granted' });
    await page1.track('Product Clicked', { product_id: 'a' });
    page1.onPageHide();
    await page1.flush(); // this time the unloading page's write completed as well
    const page2 = new Tacit();
    await page2.init({ consent: 'granted' });
    await page2.track('Product Viewed', { product_id: 'b' });
    expect((await page2.export()).events.map((e) => e.properties.product_id)).toEqual(['a', 'b']);
  });

  it('journals nothing without consent, and forget() clears the journal', async () => {
    const pending = new Tacit();
    await pending.init({ consent: 'pending' });
    await pending.track('Product Clicked', { product_id: 'a' });
    pending.onPageHide();
    expect(sessionStorage.getItem('tacit:unsaved')).toBeNull();

    const granted = new Tacit();
    await granted.init({ consent: 'granted' });
    await granted.track('Product Clicked', { product_id: 'b' });
    granted.onPageHide();
    await granted.forget();
    expect(sessionStorage.getItem('tacit:unsaved')).toBeNull();
  });
});

describe('forget()', () => {
  it('with consent configured as granted: deletes everything, then stores only what comes after', async () => {
    const sdk = new Tacit();
    await sdk.init({ consent: 'granted' });
    await sdk.track('Product Viewed', { product_id: 'old' });
    await sdk.flush();
    await sdk.forget();
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain('tacit');
    await sdk.track('Product Viewed', { product_id: 'new' });
    expect((await sdk.export()).events.map((e) => e.properties.product_id)).toEqual(['new']);
  });

  it('after a shopper grant: consent returns to the configured default (pending) and nothing is stored', async () => {
    const sdk = new Tacit();
    await sdk.init({ consent: 'pending' });
    await sdk.consent('granted');
    await sdk.track('Product Viewed', { product_id: 'a' });
    await sdk.forget();
    expect(sdk.consentStatus).toBe('pending');
    await sdk.track('Product Viewed', { product_id: 'b' });
    await sdk.flush();
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain('tacit');
  });
});

describe('schema migrations', () => {
  it('upgrades a version 1 database and keeps its events', async () => {
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open('tacit', 1);
      open.onupgradeneeded = () => {
        const db = open.result;
        db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true }).createIndex('ts', 'ts');
        db.createObjectStore('kv');
        db.createObjectStore('embeddings', { keyPath: 'key' });
      };
      open.onsuccess = () => {
        const db = open.result;
        const tx = db.transaction(['events', 'kv'], 'readwrite');
        tx.objectStore('events').add({ ts: 1, event: 'Product Viewed', properties: { product_id: 'v1' } });
        tx.objectStore('kv').put({ state: 'granted', day: '2026-01-01' }, 'consent');
        tx.oncomplete = () => {
          db.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error);
      };
      open.onerror = () => reject(open.error);
    });
    const db = await openTacitDB();
    expect(db.version).toBe(2);
    expect([...db.transaction('events').store.indexNames]).toEqual(['ts', 'uid']);
    db.close();
    const sdk = new Tacit();
    await sdk.init({ consent: 'pending' }); // the v1 grant is still honoured
    expect(sdk.consentStatus).toBe('granted');
    expect((await sdk.export()).events.map((e) => e.properties.product_id)).toEqual(['v1']);
  });
});
