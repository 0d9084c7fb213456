import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { createApi } from '../../src/api.ts';
import { initialConsent } from '../../src/consent.ts';
import { Tacit } from '../../src/sdk.ts';
import type { TacitError } from '../../src/types.ts';
import { withFreshDevice } from '../support/fresh-device.ts';

const dbExists = async () => (await indexedDB.databases()).some((d) => d.name === 'tacit');
let warn: ReturnType<typeof vi.spyOn>;

withFreshDevice((spy) => (warn = spy));

async function started(config = {}) {
  const sdk = new Tacit();
  const api = createApi(sdk);
  await api.init({ consent: 'granted', ...config });
  return { sdk, api };
}

describe('initialConsent', () => {
  const base = { configured: 'pending' as const, remembered: null, globalPrivacyControl: false, respectGlobalPrivacyControl: true };
  it('uses the configured default', () => {
    expect(initialConsent(base).state).toBe('pending');
    expect(initialConsent({ ...base, configured: 'granted' }).state).toBe('granted');
  });
  it('treats Global Privacy Control as a denial, even over a stored grant', () => {
    expect(initialConsent({ ...base, configured: 'granted', remembered: 'granted', globalPrivacyControl: true })).toEqual({
      state: 'denied',
      reason: 'global-privacy-control',
    });
  });
  it('lets the shop opt out of honouring GPC', () => {
    expect(initialConsent({ ...base, configured: 'granted', globalPrivacyControl: true, respectGlobalPrivacyControl: false }).state).toBe('granted');
  });
  it('restores an earlier grant, and an earlier denial over a configured grant', () => {
    expect(initialConsent({ ...base, remembered: 'granted' }).state).toBe('granted');
    expect(initialConsent({ ...base, configured: 'granted', remembered: 'denied' })).toEqual({ state: 'denied', reason: 'remembered' });
  });
});

describe('consent and storage', () => {
  it('stores nothing, not even an empty database, while consent is pending', async () => {
    const sdk = new Tacit();
    await sdk.init({ consent: 'pending' });
    await sdk.track('Product Viewed', { product_id: 'a' });
    await sdk.flush();
    expect(await dbExists()).toBe(false);
    expect(sdk.storageKind).toBe('none');
  });

  it('keeps events tracked while pending in memory and stores them once consent is granted', async () => {
    const sdk = new Tacit();
    await sdk.init({ consent: 'pending' });
    await sdk.track('Product Viewed', { product_id: 'a' });
    await sdk.consent('granted');
    const data = await sdk.export();
    expect(data.events.map((e) => e.properties.product_id)).toEqual(['a']);
    expect(data.storage).toBe('indexeddb');
  });

  it('remembers a grant across page loads (a new SDK instance)', async () => {
    const first = new Tacit();
    await first.init({ consent: 'pending' });
    await first.consent('granted');
    await first.track('Product Viewed', { product_id: 'a' });
    await first.flush();
    const second = new Tacit();
    await second.init({ consent: 'pending' });
    expect(second.consentStatus).toBe('granted');
    expect((await second.export()).events).toHaveLength(1);
  });

  it('denial drops buffered events and deletes what was stored', async () => {
    const { sdk } = await started();
    await sdk.track('Product Viewed', { product_id: 'a' });
    await sdk.flush();
    expect(await dbExists()).toBe(true);
    await sdk.track('Product Viewed', { product_id: 'b' });
    await sdk.consent('denied');
    await sdk.track('Product Viewed', { product_id: 'c' });
    await sdk.flush();
    expect(await dbExists()).toBe(false);
    expect((await sdk.export()).events).toEqual([]);
  });

  it('honours navigator.globalPrivacyControl: nothing stored, a grant is refused with one warning', async () => {
    vi.stubGlobal('navigator', { globalPrivacyControl: true });
    const sdk = new Tacit();
    await sdk.init({ consent: 'granted' });
    expect(sdk.consentStatus).toBe('denied');
    await sdk.consent('granted');
    await sdk.consent('granted');
    await sdk.track('Product Viewed', { product_id: 'a' });
    await sdk.flush();
    expect(await dbExists()).toBe(false);
    expect(warn.mock.calls.filter((c: unknown[]) => String(c[0]).includes('Global Privacy Control'))).toHaveLength(1);
  });

  it('GPC can be overridden by configuration', async () => {
    vi.stubGlobal('navigator', { globalPrivacyControl: true });
    const sdk = new Tacit();
    await sdk.init({ consent: 'granted', privacy: { respectGlobalPrivacyControl: false } });
    expect(sdk.consentStatus).toBe('granted');
  });
});

describe('forget and export', () => {
  it('export returns every stored event and state as JSON-safe data', async () => {
    const { api } = await started({ consent: 'pending' });
    await api.consent('granted'); // the shopper's grant is remembered, so it is part of the export
    await api.track('Product Viewed', { product_id: 'a' });
    await api.track('Products Searched', { query: 'trail shoes' });
    const data = await api.export();
    expect(data.format).toBe('tacit-export/1');
    expect(data.events.map((e) => e.event)).toEqual(['Product Viewed', 'Products Searched']);
    expect(data.events.every((e) => typeof e.seq === 'number' && typeof e.ts === 'number')).toBe(true);
    expect(data.state).toMatchObject({ consent: { state: 'granted' } });
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it('forget deletes the database and is idempotent', async () => {
    const { api } = await started();
    await api.track('Product Viewed', { product_id: 'a' });
    await api.export();
    expect(await dbExists()).toBe(true);
    await api.forget();
    await api.forget();
    expect(await dbExists()).toBe(false);
    const after = await api.export();
    expect(after.events).toEqual([]);
  });

  it('forget also discards events not yet written', async () => {
    const { api, sdk } = await started();
    await api.track('Product Viewed', { product_id: 'a' });
    await api.forget();
    await sdk.flush();
    expect(await dbExists()).toBe(false);
  });
});

describe('never throws into the page', () => {
  it('reports an invalid call once through console.warn and every time through onError', async () => {
    const errors: TacitError[] = [];
    const { api } = await started({ onError: (e: TacitError) => errors.push(e) });
    await api.track('Product Viewed', {});
    await api.track('Product Viewed', {});
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('product_id is required');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toEqual({ code: 'invalid-event', message: expect.stringContaining('product_id') });
    expect((await api.export()).events).toEqual([]);
  });

  it('survives hostile arguments and a throwing onError hook', async () => {
    const { api } = await started({ onError: () => { throw new Error('shop bug'); } });
    const hostile: unknown[] = [undefined, null, 42, {}, Symbol('x'), () => 1, new Proxy({}, { get() { throw new Error('trap'); } })];
    for (const a of hostile) {
      for (const b of hostile) {
        await expect(api.track(a as string, b as Record<string, unknown>)).resolves.toBeUndefined();
      }
      await expect(api.consent(a as 'granted')).resolves.toBeDefined();
      expect(typeof api.on(a as 'ready', a as never)).toBe('function');
    }
  });

  it('rejects a bad configuration value with a warning and keeps the defaults', async () => {
    const sdk = new Tacit();
    await sdk.init({ retention: { maxEvents: -1 }, consent: 'yes' } as never);
    expect(sdk.consentStatus).toBe('pending');
    expect(warn.mock.calls.map((c: unknown[]) => String(c[0])).join('\n')).toMatch(/retention[\s\S]*consent|consent[\s\S]*retention/);
  });

  it('falls back to memory, once and loudly, when IndexedDB is missing', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const { api, sdk } = await started();
    await api.track('Product Viewed', { product_id: 'a' });
    const exported = await api.export(); // the worker starts, and keeps the events in memory
    expect(sdk.storageKind).toBe('memory');
    expect(exported.events).toHaveLength(1);
    expect(warn.mock.calls.filter((c: unknown[]) => String(c[0]).includes('memory'))).toHaveLength(1);
  });

  it('listeners get events; a throwing listener does not stop the others', async () => {
    const sdk = new Tacit();
    const seen: string[] = [];
    sdk.on('ready', () => { throw new Error('listener bug'); });
    sdk.on('ready', () => seen.push('ready'));
    sdk.on('stored', () => seen.push('stored'));
    await sdk.init({ consent: 'granted' });
    await sdk.track('Product Viewed', { product_id: 'a' });
    await sdk.flush();
    expect(seen).toEqual(['ready', 'stored']);
  });
});
