import { describe, expect, it } from 'vitest';
import { MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, itemText, validateCatalog } from '../../core/catalog.ts';

describe('validateCatalog', () => {
  it('accepts an array or { items }, converts numeric ids, trims, defaults inStock', () => {
    const rows = [
      { id: 42, title: '  Trail Runner GTX ', category: ' Shoes ', price: 129.5, currency: 'EUR', popularity: 3 },
      { id: 'sku-2', title: 'Rain Jacket', inStock: false, url: '/p/rain', image: 'https://cdn.example/r.jpg' },
    ];
    for (const input of [rows, { items: rows }]) {
      const { items, errors } = validateCatalog(input);
      expect(errors).toEqual([]);
      expect(items).toEqual([
        { id: '42', title: 'Trail Runner GTX', category: 'Shoes', price: 129.5, currency: 'EUR', popularity: 3, inStock: true },
        { id: 'sku-2', title: 'Rain Jacket', inStock: false, url: '/p/rain', image: 'https://cdn.example/r.jpg' },
      ]);
    }
  });

  it('rejects a document that is not a list', () => {
    for (const input of [null, 'x', 5, { products: [] }]) {
      const { items, errors } = validateCatalog(input);
      expect(items).toEqual([]);
      expect(errors).toEqual([{ row: -1, message: expect.stringMatching(/must be an array of items/) }]);
    }
  });

  it('gives one clear error per bad row kind and keeps the good rows', () => {
    const { items, errors } = validateCatalog([
      { id: 'ok-1', title: 'Good' },
      'not an object',
      { title: 'No id' },
      { id: {}, title: 'Object id' },
      { id: '   ', title: 'Blank id' },
      { id: 'no-title' },
      { id: 'blank-title', title: '  ' },
      { id: 'num-title', title: 7 },
      { id: 'sku-9', title: 'Negative', price: -1 },
      { id: 'nan-price', title: 'NaN', price: 'cheap' },
      { id: 'stock', title: 'Stock', inStock: 'yes' },
      { id: 'pop', title: 'Pop', popularity: -3 },
      { id: 'desc', title: 'Desc', description: 12 },
      { id: 'js', title: 'JS link', url: 'javascript:alert(1)' },
      { id: 'js2', title: 'JS link', url: ' JaVa\tScRiPt:alert(1)' },
      { id: 'data', title: 'Data link', url: 'data:text/html,<b>' },
      { id: 'ok-1', title: 'Duplicate' },
      { id: 'ok-2', title: 'Also good', image: 'data:image/png;base64,AAAA', price: null },
    ]);
    expect(items.map((i) => i.id)).toEqual(['ok-1', 'ok-2']);
    expect(errors.map((e) => e.message)).toEqual([
      'row 1: must be an object',
      'row 2: id is required (a string or a number)',
      'row 3: id must be a string or a number',
      'row 4: id must not be empty',
      'row 5 (id "no-title"): title is required',
      'row 6 (id "blank-title"): title must be a non-empty string',
      'row 7 (id "num-title"): title must be a string',
      'row 8 (id "sku-9"): price must be a non-negative number',
      'row 9 (id "nan-price"): price must be a non-negative number',
      'row 10 (id "stock"): inStock must be true or false',
      'row 11 (id "pop"): popularity must be a non-negative number',
      'row 12 (id "desc"): description must be a string',
      'row 13 (id "js"): url must be an http(s) or relative URL, not "javascript:"',
      'row 14 (id "js2"): url must be an http(s) or relative URL, not "javascript:"',
      'row 15 (id "data"): url must be an http(s) or relative URL, not "data:"',
      'row 16 (id "ok-1"): duplicate id (first used at row 0); row ignored',
    ]);
    expect(errors[7]).toEqual({ row: 8, id: 'sku-9', message: expect.any(String) });
    expect(errors[0].id).toBeUndefined();
  });

  it('lets a later row use the id of an earlier bad row', () => {
    const { items, errors } = validateCatalog([{ id: 'a', title: 'x', price: -2 }, { id: 'a', title: 'fixed' }]);
    expect(items).toEqual([{ id: 'a', title: 'fixed', inStock: true }]);
    expect(errors).toHaveLength(1);
  });

  it('caps long strings without splitting a surrogate pair', () => {
    const title = 'a'.repeat(MAX_TITLE_CHARS - 1) + '🏃🏃';
    const { items } = validateCatalog([{ id: 1, title, description: 'd'.repeat(5000) }]);
    expect(items[0].title).toBe('a'.repeat(MAX_TITLE_CHARS - 1));
    expect(items[0].description).toHaveLength(MAX_DESCRIPTION_CHARS);
  });

  it('ignores unknown keys and never copies __proto__ or constructor', () => {
    const parsed = JSON.parse('[{"id":"p","title":"Proto","__proto__":{"polluted":true},"constructor":{"x":1},"color":"red"}]');
    const { items, errors } = validateCatalog(parsed);
    expect(errors).toEqual([]);
    expect(Object.keys(items[0]).sort()).toEqual(['id', 'inStock', 'title']);
    expect(Object.getPrototypeOf(items[0])).toBe(Object.prototype);
    expect((items[0] as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads no field through the prototype chain', () => {
    const row = Object.create({ title: 'inherited' }) as Record<string, unknown>;
    row.id = 'x';
    expect(validateCatalog([row]).errors[0].message).toBe('row 0 (id "x"): title is required');
  });
});

describe('itemText', () => {
  it('joins title, category and the start of the description as sentences', () => {
    expect(itemText({ title: 'Trail Runner GTX', category: 'Running shoes', description: 'Waterproof.  Grippy sole.' })).toBe(
      'Trail Runner GTX. Running shoes. Waterproof. Grippy sole.',
    );
    expect(itemText({ title: 'Wow!', description: 'x' })).toBe('Wow! x');
    expect(itemText({ title: 'Only title' })).toBe('Only title');
  });

  it('keeps only the start of a long description, at a word boundary', () => {
    const text = itemText({ title: 'T', description: 'word '.repeat(400) });
    expect(text.length).toBeLessThanOrEqual(3 + 300);
    expect(text.endsWith('word')).toBe(true);
  });
});
