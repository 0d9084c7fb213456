// init()'s options are resolved once into one frozen config: every default from one literal, relative
// URLs made absolute, each bad value reported once by name and replaced by its default.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS } from '../../core/event-kinds.ts';
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
    expect(config.ranking.weights).toEqual(DEFAULT_WEIGHTS);
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
    [{ ranking: { weights: { view: 'x' } } }, /interaction weight "view" must be a finite number/],
    [{ ranking: { lambda: 2 } }, /ranking.lambda must be a number within 0…1/],
    [{ ranking: { channels: { lexical: -1 } } }, /ranking.channels.lexical must be a number ≥ 0/],
    [{ retention: { maxEvents: -1 } }, /retention.maxEvents must be a number > 0/],
    [{ engineTimeoutMs: 0 }, /engineTimeoutMs/],
    [{ onError: 'yes' }, /onError must be a function/],
    ['nonsense', /config must be an object/],
  ])('reports %j by name and keeps the default', (input, message) => {
    const { config, warnings } = resolve(input);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(message);
    expect(config.ranking.lambda).toBe(DEFAULTS.ranking.lambda);
  });
});
