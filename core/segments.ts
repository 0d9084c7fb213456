// Segment assignment: which of the shop's taxonomy segments the profile points
// at. Each segment is embedded once (from its name/description) into a row of
// a VectorMatrix; the profile belongs to those whose cosine clears a threshold.
//
// Threshold 0.35, measured with the default model on the demo's six persona journeys
// (test/worker/personas.test.ts). tacit-wordnet-v2: the persona's own segment scores 0.51–0.86, its
// neighbours 0.20–0.46 (cookbooks 0.46 and baking 0.43 for a home cook, trail running 0.34 for a hiker, toys
// 0.20 for a new parent), unrelated segments at most 0.31 (home cook → 21). tacit-wordnet-v1 gave own
// 0.55–0.84, neighbours 0.33–0.46, unrelated ≤ 0.31, so the value stands: it keeps a 0.04 margin over the
// best unrelated segment and admits the strong neighbours. A lower value puts shoppers into unrelated
// segments, which the report then has to hide.

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
