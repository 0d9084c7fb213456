// The saved shelf's rules (core/saved-shelf.ts): which stored values count, which requests it answers
// exactly, and how a page's exclusions cut it.

import { describe, expect, it } from 'vitest';
import type { Recommendation } from '../../core/types.ts';
import { fromSavedShelf, plainShelfRequest, SAVED_SHELF_SIZE, savedShelfFrom, type SavedShelf } from '../../core/saved-shelf.ts';

const CATALOG = 'https://shop.test/catalog.json';
const item = (id: string): Recommendation => ({ id, score: 0.5, reason: { kind: 'profile', text: 'Because you viewed x', because: [] } });
const shelf: SavedShelf = { savedAt: 1_790_000_000_000, catalog: CATALOG, strategy: 'blend', items: ['a', 'b', 'c', 'd', 'e'].map(item) };

describe('savedShelfFrom', () => {
  it('takes a well-formed shelf of this catalogue, and drops malformed items', () => {
    expect(savedShelfFrom(shelf, CATALOG)).toEqual(shelf);
    const damaged = { ...shelf, items: [item('a'), null, { id: 7, score: 1 }, { id: 'b' }, item('c')] };
    expect(savedShelfFrom(damaged, CATALOG)?.items.map((r) => r.id)).toEqual(['a', 'c']);
  });

  it('refuses another catalogue, a missing field, and what is not a shelf at all', () => {
    expect(savedShelfFrom(shelf, 'https://shop.test/other.json')).toBeNull();
    expect(savedShelfFrom({ ...shelf, strategy: undefined }, CATALOG)).toBeNull();
    expect(savedShelfFrom({ ...shelf, savedAt: '2026-12-01' }, CATALOG)).toBeNull();
    expect(savedShelfFrom({ ...shelf, items: {} }, CATALOG)).toBeNull();
    for (const value of [undefined, null, 'shelf', 42, []]) expect(savedShelfFrom(value, CATALOG)).toBeNull();
  });
});

describe('plainShelfRequest', () => {
  it("answers the shopper's own shelf: a limit up to the shelf's size and exclusions", () => {
    expect(plainShelfRequest(undefined)).toEqual({ limit: 10, exclude: [] });
    expect(plainShelfRequest({})).toEqual({ limit: 10, exclude: [] });
    expect(plainShelfRequest({ limit: 4, exclude: ['a'] })).toEqual({ limit: 4, exclude: ['a'] });
    expect(plainShelfRequest({ limit: SAVED_SHELF_SIZE })).toEqual({ limit: SAVED_SHELF_SIZE, exclude: [] });
  });

  it('leaves everything else to the engine, which checks and warns: an item on screen, other options, bad values', () => {
    for (const options of [
      { context: { itemId: 'a' } },
      { excludeSeen: true },
      { limit: SAVED_SHELF_SIZE + 1 },
      { limit: 0 },
      { limit: 2.5 },
      { limit: '4' },
      { exclude: 'a' },
      { exclude: [1] },
      null,
      'limit=4',
      [4],
    ]) {
      expect(plainShelfRequest(options)).toBeNull();
    }
  });
});

describe('fromSavedShelf', () => {
  it('gives the first items that are not excluded, in the saved order', () => {
    expect(fromSavedShelf(shelf, 3, [])!.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(fromSavedShelf(shelf, 3, ['b', 'x'])!.map((r) => r.id)).toEqual(['a', 'c', 'd']);
  });

  it('is no answer when too few are left (the engine then answers in full)', () => {
    expect(fromSavedShelf(shelf, 4, ['a', 'b'])).toBeNull();
    expect(fromSavedShelf({ ...shelf, items: [] }, 1, [])).toBeNull();
  });
});
