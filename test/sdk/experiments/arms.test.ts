// The device's arm in an experiment (worker/experiments/arms.ts) through the SDK's recommend(), its
// worker in-process over fake-indexeddb and without a model (so the personal arm ranks by popularity
// too): nothing without consent or without an experiment, one arm per device across pages and tabs, the
// control arm answers the fallback ranking, the answer names the arm and the list id, the shelf's
// impression is recorded once per page, forget() deletes the arm.
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { Tacit } from '../../../src/sdk.ts';
import type { TacitConfig } from '../../../src/types.ts';
import { withFreshDevice } from '../../support/fresh-device.ts';

const CATALOG = [
  { id: 'a', title: 'Alpha', popularity: 3 },
  { id: 'b', title: 'Beta', popularity: 9 },
  { id: 'c', title: 'Gamma', popularity: 5 },
];
const dbExists = async () => (await indexedDB.databases()).some((d) => d.name === 'tacit');
let warn: ReturnType<typeof vi.spyOn>;

withFreshDevice((spy) => (warn = spy), { catalog: CATALOG });

const experiment = (split: number[] = [1, 1]) => ({ id: 'shelf-1', arms: ['control', 'personal'], split });

async function page(config: TacitConfig = {}) {
  const sdk = new Tacit();
  await sdk.init({ consent: 'granted', catalog: 'https://shop.test/catalog.json', engineTimeoutMs: 200, ...config });
  return sdk;
}

const storedArm = async (sdk: Tacit) => (await sdk.export()).state.experiment as { id: string; arm: string; assignedAt: number } | undefined;
const impressions = async (sdk: Tacit) => {
  await sdk.flush();
  return (await sdk.export()).events.filter((e) => e.event === 'Product List Viewed').map((e) => e.properties);
};

describe('experiments on the device', () => {
  it('without an experiment configured the answer is what it always was: no experiment, no list id, nothing stored', async () => {
    const sdk = await page({ consent: 'granted' });
    const result = await sdk.recommend({ limit: 2 });
    expect(Object.keys(result).sort()).toEqual(['items', 'strategy']);
    expect(await storedArm(sdk)).toBeUndefined();
    expect(await impressions(sdk)).toEqual([]);
  });

  it('before consent: no arm, nothing stored, the fallback ranking, and the answer says experiment: null', async () => {
    const sdk = await page({ consent: 'pending', experiments: [experiment([0, 1])] });
    const result = await sdk.recommend({ limit: 2 });
    expect(result.experiment).toBeNull();
    expect(result.listId).toBeUndefined();
    expect(result.strategy).toBe('fallback:popular');
    expect(result.items.map((i) => i.id)).toEqual(['b', 'c']);
    expect(await dbExists()).toBe(false);
  });

  it('the control arm answers the fallback ranking, names its arm and list, and records the shelf once per page', async () => {
    const sdk = await page({ experiments: [experiment([1, 0])] });
    const first = await sdk.recommend({ limit: 2 });
    expect(first).toMatchObject({ strategy: 'fallback:popular', experiment: { id: 'shelf-1', arm: 'control' }, listId: 'tacit:shelf-1:control' });
    expect(first.items.map((i) => i.id)).toEqual(['b', 'c']);
    await sdk.recommend({ limit: 2 });
    expect(await impressions(sdk)).toEqual([{ list_id: 'tacit:shelf-1:control' }]);
    const stored = await storedArm(sdk);
    expect(stored).toMatchObject({ id: 'shelf-1', arm: 'control' });
    expect(Number.isFinite(stored!.assignedAt)).toBe(true);
  });

  it('the arm is drawn once: a later page keeps it even when the split changes; forget() deletes it', async () => {
    const first = await page({ experiments: [experiment([0, 1])] });
    expect((await first.recommend()).experiment).toEqual({ id: 'shelf-1', arm: 'personal' });
    const later = await page({ experiments: [experiment([1, 0])] });
    expect((await later.recommend()).experiment).toEqual({ id: 'shelf-1', arm: 'personal' });
    await later.forget();
    expect(await dbExists()).toBe(false);
    const again = await page({ experiments: [experiment([1, 0])] });
    expect((await again.recommend()).experiment).toEqual({ id: 'shelf-1', arm: 'control' });
  });

  it('a new experiment id draws anew', async () => {
    await (await page({ experiments: [experiment([0, 1])] })).recommend();
    const next = await page({ experiments: [{ id: 'shelf-2', arms: ['control', 'personal'], split: [1, 0] }] });
    expect((await next.recommend()).experiment).toEqual({ id: 'shelf-2', arm: 'control' });
  });

  it('two tabs asking at once end up in the same arm', async () => {
    for (let trial = 0; trial < 8; trial++) {
      globalThis.indexedDB = new IDBFactory();
      const [a, b] = await Promise.all([page({ experiments: [experiment()] }), page({ experiments: [experiment()] })]);
      const [ra, rb] = await Promise.all([a.recommend(), b.recommend()]);
      expect(ra.experiment).toEqual(rb.experiment);
    }
  });

  it('memory-only storage takes no part (it could not remember the arm, and never reports)', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const sdk = await page({ experiments: [experiment([1, 0])] });
    const result = await sdk.recommend();
    expect(result.experiment).toBeNull();
    expect(sdk.storageKind).toBe('memory');
  });
});
