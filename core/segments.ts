// Segment assignment: which of the shop's taxonomy segments the profile points
// at. Each segment is embedded once (from its name/description) into a row of
// a VectorMatrix; the profile belongs to those whose cosine clears a threshold.
//
// Threshold 0.35, measured with the default model (tacit-wordnet-v1) on the demo's six persona journeys
// (test/worker/personas.test.ts): the persona's own segment scores 0.55–0.84, its neighbours
// 0.33–0.46 (cookbooks and baking for a home cook, trail running for a hiker), unrelated segments at most
// 0.31. A lower value puts shoppers into unrelated segments, which the report then has to hide.

import type { VectorMatrix } from './vectors.ts';

export const DEFAULT_SEGMENT_THRESHOLD = 0.35;
export const DEFAULT_MAX_SEGMENTS = 3;

export interface Segment {
  /** Taxonomy id, ≥ 1 (0 means "none" in reports). */
  id: number;
  name: string;
}

export interface SegmentMatch {
  id: number;
  name: string;
  /** Cosine similarity of the profile with the segment. */
  score: number;
}

export interface SegmentOptions {
  threshold?: number;
  maxSegments?: number;
}

/**
 * The segments (row i of `segmentMatrix` ↔ segments[i]) whose similarity to the
 * profile is at least the threshold, best first, at most maxSegments; ties keep
 * taxonomy order. No profile → none.
 */
export function assignSegments(
  profileVec: Float32Array | null,
  segmentMatrix: VectorMatrix,
  segments: readonly Segment[],
  options: SegmentOptions = {},
): SegmentMatch[] {
  const threshold = options.threshold ?? DEFAULT_SEGMENT_THRESHOLD;
  const maxSegments = options.maxSegments ?? DEFAULT_MAX_SEGMENTS;
  if (!Number.isFinite(threshold)) throw new RangeError(`assignSegments: threshold must be a number, got ${threshold}`);
  if (!Number.isInteger(maxSegments) || maxSegments < 0) {
    throw new RangeError(`assignSegments: maxSegments must be a non-negative integer, got ${maxSegments}`);
  }
  if (segmentMatrix.count !== segments.length) {
    throw new RangeError(`assignSegments: ${segmentMatrix.count} segment vectors for ${segments.length} segments`);
  }
  if (!profileVec || maxSegments === 0) return [];
  const scores = segmentMatrix.scoreAll(profileVec, new Float32Array(segments.length));
  const matches: SegmentMatch[] = [];
  for (let i = 0; i < segments.length; i++) {
    if (scores[i] >= threshold) matches.push({ id: segments[i].id, name: segments[i].name, score: scores[i] });
  }
  matches.sort((a, b) => b.score - a.score); // stable: ties stay in taxonomy order
  return matches.slice(0, maxSegments);
}
