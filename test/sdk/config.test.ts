// init()'s options are resolved once into one frozen config: every default from one literal, relative
// URLs made absolute, each bad value reported once by name and replaced by its default.
import { describe, expect, it } from 'vitest';
import { DEFAULTS, resolveConfig } from '../../src/config.ts';

function resolve(input: unknown) {
  const warnings: string[] = [];
  const config = resolveConfig(input, { pageUrl: 'https://shop.test/cart/', scriptBaseUrl: 'https://shop.test/tacit/', warn: (_c, m) => warnings.push(m) });
  return { config, warnings };
}

describe('src/config', () => {
  it('resolves defaults and URLs once, frozen', () => {
    const { config, warnings } = resolve({ catalog: '/catalog.json', server: 'https://stats.test' });
    expect(warnings).toEqual([]);
    expect(Object.isFrozen(config)).toBe(true);
    expect(config.catalog).toBe('https://shop.test/catalog.json');
    expect(config.server).toBe('https://stats.test/');
    expect(config.catalogVectors).toBeNull();
    expect(config.baseUrl).toBe('https://shop.test/tacit/');
    expect(config.model).toMatchObject({ model: DEFAULTS.model.id, dtype: 'q8', backend: 'auto', modelBaseUrl: '/tacit/models/', wasmPaths: 'https://shop.test/tacit/ort/', allowRemote: false });
    expect(config.ranking).toEqual({});
    expect(config.experiments).toEqual([]);
    expect(config.retention).toEqual({ maxAgeMs: 90 * 24 * 3600 * 1000, maxEvents: 5000 });
    expect(config.consent).toBe('pending');
  });

  it("createTacit({ baseUrl: '/tacit/' }): a folder from the site's root is resolved against the page", () => {
    const config = resolveConfig({}, { pageUrl: 'https://shop.test/p/sku-42', scriptBaseUrl: '/static/tacit', warn: () => {} });
    expect(config.baseUrl).toBe('https://shop.test/static/tacit/');
    expect(config.model.wasmPaths).toBe('https://shop.test/static/tacit/ort/');
  });

  it('a model served from another origin keeps its absolute URL (transformers.js needs a path only on the same origin)', () => {
    expect(resolve({ model: { baseUrl: 'https://cdn.shop.test/m/' } }).config.model.modelBaseUrl).toBe('https://cdn.shop.test/m/');
  });

  it.each([
    [{ catalog: 42 }, /catalog must be a URL string/],
    [{ consent: 'denied' }, /consent must be one of 'granted', 'pending'/],
    [{ model: { dtype: 'q3' } }, /model.dtype must be one of/],
    [{ ranking: 'fast' }, /ranking must be an object/],
    [{ ranking: { lambda: () => 1 } }, /ranking must be plain data/],
    [{ retention: { maxEvents: -1 } }, /retention.maxEvents must be a number > 0/],
    [{ engineTimeoutMs: 0 }, /engineTimeoutMs/],
    [{ onError: 'yes' }, /onError must be a function/],
    ['nonsense', /config must be an object/],
  ])('reports %j by name and keeps the default', (input, message) => {
    const { config, warnings } = resolve(input);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(message);
    expect(config.retention.maxEvents).toBe(DEFAULTS.retention.maxEvents);
  });

  it('privacy.ohttp: the relay and key configuration as given; without it reports go straight', () => {
    const keyConfig = 'AQAgMeHwWnQBAhFSIOmvkY9zhnSuyV9U224E63Baro55gVUACAABAAEAAQAD'; // RFC 9458 Appendix A's
    const { config, warnings } = resolve({ server: 'https://stats.test', privacy: { ohttp: { relay: 'https://relay.example/tacit', keyConfig } } });
    expect(warnings).toEqual([]);
    expect(config.privacy.ohttp).toEqual({ relay: 'https://relay.example/tacit', keyConfig });
    expect(config.server).toBe('https://stats.test/');
    expect(resolve({ server: 'https://stats.test' }).config.privacy.ohttp).toBeNull();
    expect(resolve({ privacy: { ohttp: { relay: 'http://127.0.0.1:8080/r', keyConfig } } }).warnings).toEqual([]); // loopback: tests, local demos
  });

  it.each([
    [{ relay: 'http://relay.example/tacit', keyConfig: 'AQAgMeHwWnQBAhFS' }, /privacy.ohttp.relay must be an https URL/],
    [{ relay: 'https://relay.example/tacit', keyConfig: 'not base64url!' }, /privacy.ohttp.keyConfig must be the base64url key configuration/],
    [{ relay: 42, keyConfig: 'AQAgMeHwWnQBAhFS' }, /privacy.ohttp.relay must be an https URL/],
    ['https://relay.example', /privacy.ohttp must be an object/],
  ])('an unusable privacy.ohttp %j turns reports off (never straight to the server instead)', (ohttp, message) => {
    const { config, warnings } = resolve({ server: 'https://stats.test', privacy: { ohttp } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(message);
    expect(warnings[0]).toMatch(/no report will be sent/);
    expect(config.server).toBeNull();
    expect(config.privacy.ohttp).toBeNull();
  });

  it('ranking and experiments: passed on to the worker as given (it checks them: test/worker/settings.test.ts), as plain data', () => {
    const experiments = [{ id: 'shelf-1', arms: ['control', 'personal'], split: [3, 1] }, { id: 'bad id', arms: [], onDraw: () => {} }];
    const { config, warnings } = resolve({ ranking: { lambda: 2, channels: { lexical: 0.5 } }, experiments });
    expect(warnings).toEqual([]); // a bad ranking value or experiment is the worker's to report, once consent starts it
    expect(config.ranking).toEqual({ lambda: 2, channels: { lexical: 0.5 } });
    expect(config.experiments).toEqual([experiments[0], null]); // a function cannot cross to the worker: that entry is reported there
    expect(config.experiments[0]).not.toBe(experiments[0]); // a copy: the shop changing its object later changes nothing
    expect(resolve({ experiments: { id: 'x' } }).warnings).toEqual(['init(config): experiments must be an array of { id, arms, split? }; no experiment runs']);
  });
});
