import { describe, expect, it } from 'vitest';
import { assignSegments } from '../../core/segments.ts';
import { VectorMatrix } from '../../core/vectors.ts';

const segments = [
  { id: 1, name: 'Runners' },
  { id: 2, name: 'Hikers' },
  { id: 3, name: 'Cooks' },
  { id: 4, name: 'Trail runners' },
];
const matrix = VectorMatrix.fromRows([
  Float32Array.of(1, 0, 0),
  Float32Array.of(0, 1, 0),
  Float32Array.of(0, 0, 1),
  Float32Array.of(1, 1, 0),
]);

describe('assignSegments', () => {
  it('returns the segments above the threshold, best first', () => {
    const out = assignSegments(Float32Array.of(0.9, 0.3, 0.1), matrix, segments, { threshold: 0.3 });
    expect(out.map((s) => s.id)).toEqual([1, 4, 2]);
    expect(out[0].name).toBe('Runners');
    expect(out[0].score).toBeGreaterThan(out[1].score);
    expect(out.every((s) => s.score >= 0.3)).toBe(true);
  });

  it('uses 0.35 by default: the third segment (0.31) is left out', () => {
    const out = assignSegments(Float32Array.of(0.9, 0.3, 0.1), matrix, segments);
    expect(out.map((s) => s.id)).toEqual([1, 4]);
  });

  it('honours threshold and maxSegments, and keeps taxonomy order on ties', () => {
    const p = Float32Array.of(1, 1, 0);
    expect(assignSegments(p, matrix, segments, { threshold: 0.99 }).map((s) => s.id)).toEqual([4]);
    expect(assignSegments(p, matrix, segments, { maxSegments: 2 }).map((s) => s.id)).toEqual([4, 1]);
    expect(assignSegments(p, matrix, segments, { maxSegments: 0 })).toEqual([]);
    const runners = assignSegments(p, matrix, segments, { threshold: -1 }).find((s) => s.id === 1)!;
    expect(assignSegments(p, matrix, segments, { threshold: runners.score }).map((s) => s.id)).toContain(1); // inclusive
  });

  it('assigns nothing without a profile or when nothing is close', () => {
    expect(assignSegments(null, matrix, segments)).toEqual([]);
    expect(assignSegments(Float32Array.of(-1, -1, -1), matrix, segments)).toEqual([]);
  });

  it('rejects a matrix that does not match the segment list', () => {
    expect(() => assignSegments(Float32Array.of(1, 0, 0), matrix, segments.slice(0, 3))).toThrow(/4 segment vectors for 3 segments/);
  });
});
