// Unit tests of the model build's pure parts: morphology, SVD, metrics, quantization and tokens.

import { describe, expect, it } from 'vitest';
import { spearman } from '../../model/eval/metrics.ts';
import { baseForm, inflectionsOf } from '../../model/morphology.ts';
import { pieceVector, selectPieces } from '../../model/pieces.ts';
import { quantizeRows } from '../../model/static-graph.ts';
import { csrFromRows, randomizedSvd } from '../../model/svd.ts';
import { aliasesWordPieceNeeds, buildTokenTable } from '../../model/tokenizer.ts';

describe('morphology', () => {
  const lemmas = new Set(['shoe', 'box', 'story', 'shop', 'make', 'run', 'glasses', 'glass']);
  const isLemma = (w: string) => lemmas.has(w);

  it('finds the lemma of regular and irregular forms', () => {
    expect(baseForm('shoes', isLemma)).toBe('shoe');
    expect(baseForm('boxes', isLemma)).toBe('box');
    expect(baseForm('stories', isLemma)).toBe('story');
    expect(baseForm('shopping', isLemma)).toBe('shop');
    expect(baseForm('making', isLemma)).toBe('make');
    expect(baseForm('ran', isLemma)).toBe('run');
    expect(baseForm('glasses', isLemma)).toBe('glasses'); // a lemma stays itself
    expect(baseForm('zorbex', isLemma)).toBe('zorbex');
  });

  it('generates regular inflections', () => {
    expect(inflectionsOf('shoe', 'n')).toEqual(['shoes']);
    expect(inflectionsOf('box', 'n')).toEqual(['boxes']);
    expect(inflectionsOf('story', 'n')).toEqual(['stories']);
    expect(inflectionsOf('shop', 'v')).toEqual(expect.arrayContaining(['shops', 'shopping', 'shopped']));
    expect(inflectionsOf('make', 'v')).toEqual(expect.arrayContaining(['makes', 'making']));
  });
});

describe('randomizedSvd', () => {
  it('recovers the singular values of a small diagonal-dominant matrix', () => {
    // A = diag(5, 3, 1) padded with zero columns: singular values 5, 3, 1.
    const rows = [new Map([[0, 5]]), new Map([[1, 3]]), new Map([[2, 1]])];
    const svd = randomizedSvd(csrFromRows(rows, 6), 2, { seed: 3, oversample: 1 });
    expect(svd.singularValues[0]).toBeCloseTo(5, 6);
    expect(svd.singularValues[1]).toBeCloseTo(3, 6);
    expect(Math.abs(svd.u[0 * 2 + 0])).toBeCloseTo(1, 6); // first left vector is e1
  });

  it('is deterministic for a seed', () => {
    const rows = Array.from({ length: 20 }, (_, i) => new Map([[i % 7, 1 + i], [(i * 3) % 11, 2]]));
    const a = randomizedSvd(csrFromRows(rows, 11), 4, { seed: 9 });
    const b = randomizedSvd(csrFromRows(rows, 11), 4, { seed: 9 });
    expect(Array.from(a.u)).toEqual(Array.from(b.u));
  });
});

describe('spearman', () => {
  it('is 1 for the same order, -1 for the reverse, and handles ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    expect(spearman([1, 1, 2], [1, 1, 2])).toBeCloseTo(1);
    expect(() => spearman([1], [1])).toThrow(/at least 2/);
  });
});

describe('quantizeRows', () => {
  it('keeps zero rows zero and maps each row maximum to ±127', () => {
    const table = quantizeRows(Float32Array.from([0, 0, 0.5, -1, 0.25, 0]), 3, 2);
    expect(table.scales[0]).toBe(0);
    expect(Array.from(table.values)).toEqual([0, 0, 64, -127, 127, 0]);
    expect(table.values[3] * table.scales[1]).toBeCloseTo(-1, 6);
  });
});

describe('tokens and pieces', () => {
  it('shares rows: specials and function words → 0, inflections → their lemma', () => {
    const table = buildTokenTable({ functionWords: ['the'], words: ['shoe', 'box'], aliases: [['shoes', 'shoe']], pieces: ['zo', '##x'] });
    expect(table.tokens).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'shoe', 'box', 'shoes', 'zo', '##x']);
    expect(Array.from(table.rowOfToken)).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 1, 3, 4]);
    expect(() => buildTokenTable({ functionWords: [], words: ['a'], aliases: [['b', 'missing']], pieces: [] })).toThrow(/unknown lemma/);
    expect(() => buildTokenTable({ functionWords: ['a'], words: ['a'], aliases: [], pieces: [] })).toThrow(/duplicate/);
  });

  it('leaves out the forms WordPiece already reads as their word plus zero-vector endings', () => {
    const input = {
      functionWords: ['the'],
      words: ['shoe', 'tomato', 'party', 'part', 'batter', 'battery', 'box', 'boxe'],
      aliases: [['shoes', 'shoe'], ['tomatoes', 'tomato'], ['parties', 'party'], ['batteries', 'battery'], ['boxes', 'box'], ['##shoe', 'shoe']] as [string, string][],
      pieces: ['##s', '##es', '##ies', '##i', '##e'],
    };
    // shoe·##s and tomato·##es mean the lemma; part·##ies and batter·##ies would not; "boxes" would read
    // as boxe·##s, another word; continuations stay.
    expect(aliasesWordPieceNeeds(input, new Set(['##s', '##es']))).toEqual([['parties', 'party'], ['batteries', 'battery'], ['boxes', 'box'], ['##shoe', 'shoe']]);
    // With ##es a real piece, "tomatoes" is needed too.
    expect(aliasesWordPieceNeeds(input, new Set(['##s'])).map(([form]) => form)).toContain('tomatoes');
  });

  it('always covers every letter and digit, and skips taken strings', () => {
    const pieces = selectPieces(['zorbex', 'zorba'], new Set(['zor']), { initialPieces: 10, continuationPieces: 10 });
    for (const c of 'az09') expect(pieces).toEqual(expect.arrayContaining([c, `##${c}`]));
    expect(pieces).not.toContain('zor');
    expect(pieces).toContain('zorb');
  });

  it('gives each piece a fixed vector of the requested norm, smaller for digits', () => {
    const a = pieceVector('zor', 16, 0.6);
    expect(Array.from(pieceVector('zor', 16, 0.6))).toEqual(Array.from(a));
    expect(Math.hypot(...a)).toBeCloseTo(0.6, 5);
    expect(Math.hypot(...pieceVector('##5', 16, 0.6))).toBeCloseTo(0.2, 5);
  });
});
