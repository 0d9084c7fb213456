/** The releases as CSV (one row per epoch and segment) for spreadsheets. */
import type { Release } from './release.ts';

export const CSV_HEADER = ['taxonomy', 'epoch', 'starts_at', 'ends_at', 'reports', 'segment_id', 'segment_name', 'estimate', 'low_95', 'high_95', 'suppressed'];

/**
 * One CSV field (RFC 4180 quoting). A text starting with = + - @ or a control character would run as
 * a formula in a spreadsheet: it gets a leading apostrophe.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function releasesCsv(releases: readonly Release[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const release of releases) {
    for (const segment of release.segments) {
      const row = [
        release.taxonomy,
        release.epoch,
        release.startsAt,
        release.endsAt,
        release.reports,
        segment.id,
        segment.name,
        segment.estimate,
        segment.low ?? null,
        segment.high ?? null,
        segment.suppressed,
      ];
      lines.push(row.map(csvField).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
