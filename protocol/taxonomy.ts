/**
 * The segment taxonomy: the interests a device may report. Ids are stable small
 * integers ≥ 1 (0 means "none") and must never be reused for a different
 * meaning; a change of meaning gets a new taxonomy version, and counters are
 * kept per version so versions never mix.
 *
 * Both sides read it: the server publishes it in GET /v1/params, the device
 * embeds the descriptions and reports ids from it.
 */
import { reportDomain } from '../core/randomized-response.ts';

export interface Segment {
  id: number;
  name: string;
  description: string;
}

export interface Taxonomy {
  version: number;
  segments: Segment[];
}

/** Checks a parsed taxonomy; throws a clear Error naming the first bad entry. */
export function validateTaxonomy(json: unknown): Taxonomy {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('taxonomy: expected an object');
  const { version, segments } = json as Record<string, unknown>;
  if (!Number.isSafeInteger(version) || (version as number) < 1) throw new Error('taxonomy: version must be an integer ≥ 1');
  if (!Array.isArray(segments) || segments.length === 0) throw new Error('taxonomy: segments must be a non-empty array');
  const result: Segment[] = segments.map((segment: unknown, index) => {
    const row = (segment ?? {}) as Record<string, unknown>;
    if (!Number.isSafeInteger(row.id) || (row.id as number) < 1) throw new Error(`taxonomy: segment ${index}: id must be an integer ≥ 1`);
    if (typeof row.name !== 'string' || row.name.trim() === '') throw new Error(`taxonomy: segment ${index}: name must be a non-empty string`);
    if (typeof row.description !== 'string') throw new Error(`taxonomy: segment ${index}: description must be a string`);
    return { id: row.id as number, name: row.name, description: row.description };
  });
  reportDomain(result.map((segment) => segment.id)); // throws on duplicate ids
  return { version: version as number, segments: result };
}

/** 0 ("none") and every segment id, ascending: the values a report slot may carry. */
export function taxonomyDomain(taxonomy: Taxonomy): number[] {
  return reportDomain(taxonomy.segments.map((segment) => segment.id));
}
