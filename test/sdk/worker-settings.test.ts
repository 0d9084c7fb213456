// The settings only the worker uses (ranking, experiments: worker/settings.ts) through the SDK, its worker
// in-process over fake-indexeddb: a bad value is not reported before consent (there is no worker then,
// and nothing uses it), and is reported once consent starts the worker, through the page's console.warn,
// onError and on('error'), like every other config problem. Before, these warnings came at init().
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { Tacit } from '../../src/sdk.ts';
import type { TacitError } from '../../src/types.ts';
import { withFreshDevice } from '../support/fresh-device.ts';

// Without a model in unit tests the worker also warns 'model-failed'; these tests look at 'invalid-config'.
const CATALOG = [
  { id: 'a', title: 'Alpha', popularity: 3 },
  { id: 'b', title: 'Beta', popularity: 9 },
];
let warn: ReturnType<typeof vi.spyOn>;

withFreshDevice((spy) => (warn = spy), { catalog: CATALOG });

const BAD = {
  ranking: { lambda: 2 },
  experiments: [{ id: 'bad id', arms: ['control', 'personal'] }],
};
const EXPECTED = [
  'init(config): ranking.lambda must be a number within 0…1, got 2; using the default',
  'init(config): experiments[0] id must be 1–64 letters, digits, ".", "_" or "-"; it is ignored',
];

describe('settings the worker checks', () => {
  it('are reported once consent starts the worker: console.warn, onError and on(\'error\'), each once', async () => {
    const errors: TacitError[] = [];
    const sdk = new Tacit();
    await sdk.init({ consent: 'pending', catalog: 'https://shop.test/catalog.json', engineTimeoutMs: 200, onError: (e) => errors.push(e), ...BAD });
    const heard: unknown[] = [];
    sdk.on('error', (e) => heard.push(e));
    // Before consent: no worker, nothing reported; the configured (if invalid) experiment answers null.
    expect((await sdk.recommend({ limit: 1 })).experiment).toBeNull();
    expect(errors).toEqual([]);
    await sdk.consent('granted');
    const result = await sdk.recommend({ limit: 1 }); // the worker has started and answered
    expect(result.experiment).toBeNull(); // no valid experiment: this device takes part in none
    expect(errors.filter((e) => e.code === 'invalid-config')).toEqual(EXPECTED.map((message) => ({ code: 'invalid-config', message })));
    expect(heard).toEqual(errors);
    expect(warn.mock.calls.map((c: unknown[]) => c[0])).toEqual(expect.arrayContaining(EXPECTED.map((m) => `[tacit] ${m}`)));
  });

  it('with consent at init(): reported as the worker starts, with init()', async () => {
    const errors: TacitError[] = [];
    const sdk = new Tacit();
    await sdk.init({ consent: 'granted', catalog: 'https://shop.test/catalog.json', engineTimeoutMs: 200, onError: (e) => errors.push(e), ...BAD });
    await sdk.recommend({ limit: 1 });
    expect(errors.filter((e) => e.code === 'invalid-config').map((e) => e.message)).toEqual(EXPECTED);
  });
});
