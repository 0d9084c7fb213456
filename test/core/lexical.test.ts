import { describe, expect, it } from 'vitest';
import { accumulate, buildLexicalIndex, lexicalScores, sparseDot, textVector, words } from '../../core/lexical.ts';

const items = [
  { title: 'Senco A209809 Brad Nailer', category: 'Tools' },
  { title: 'Senco A209909 Brad Nailer', category: 'Tools' },
  { title: 'Bostitch Brad Nailer', category: 'Tools' },
  { title: 'Blue Ballpoint Pen', category: 'Tools' },
  { title: 'Tools', category: 'Tools' },
];

describe('lexical identity channel', () => {
  it('splits titles into lower-case words and numbers in any script', () => {
    expect(words('TI-30X IIS, 2-Line Calculator')).toEqual(['ti', '30x', 'iis', '2', 'line', 'calculator']);
    expect(words('Crème brûlée — 6 pcs')).toEqual(['crème', 'brûlée', '6', 'pcs']);
  });

  it('weights rare words over common ones: a brand beats a word every item has', () => {
    const index = buildLexicalIndex(items);
    // "tools" is on every item: idf ln(5/5) = 0, it carries nothing.
    expect(index.idf[index.vocabulary.get('tools')!]).toBe(0);
    expect(index.rows[4].terms.length).toBe(0);
    const senco = index.idf[index.vocabulary.get('senco')!];
    const brad = index.idf[index.vocabulary.get('brad')!];
    expect(senco).toBeGreaterThan(brad);
  });

  it('scores the same-brand item above a same-kind item of another brand', () => {
    const index = buildLexicalIndex(items);
    const query = new Map<number, number>();
    accumulate(query, index.rows[0], 1);
    const scores = lexicalScores(index, query, new Float32Array(items.length));
    expect(scores[0]).toBeCloseTo(1, 5);
    expect(scores[1]).toBeGreaterThan(scores[2]);
    expect(scores[2]).toBeGreaterThan(0);
    expect(scores[3]).toBe(0);
    expect(sparseDot(index.rows[0], index.rows[1])).toBeCloseTo(scores[1], 5);
  });

  it('turns a search text into a vector over the catalogue words, ignoring unknown ones', () => {
    const index = buildLexicalIndex(items);
    const v = textVector(index, 'senco nailer zzz');
    expect(v.terms.length).toBe(2);
    expect(sparseDot(v, v)).toBeCloseTo(1, 5);
    expect(textVector(index, 'nothing known').terms.length).toBe(0);
    const scores = lexicalScores(index, new Map(), new Float32Array(items.length));
    expect([...scores]).toEqual([0, 0, 0, 0, 0]);
  });
});
