// What every feed reader hands `tacit-sdk catalog import`: each source row, named as the shop would find
// it in its file ("line 12", "item 3 (line 40)", "product 7"), mapped to a catalogue row that
// core/catalog.ts then validates, or the one reason it could not be mapped.

export type FeedRow = { label: string; row: Record<string, unknown>; error?: undefined } | { label: string; error: string; row?: undefined };

/** A problem with the whole file (not one row): nothing is imported. */
export class FeedError extends Error {
  override name = 'FeedError';
}
