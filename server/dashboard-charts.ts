/**
 * The dashboard's two inline SVG charts: one release's segment estimates with their 95% intervals,
 * and the largest segments over the released epochs. No scripts, no external assets; every string is
 * HTML-escaped.
 */
import type { Release, ReleasedSegment } from './release.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const PALETTE = ['#3a7bd5', '#d5573a', '#2f9e6b', '#8a55c9', '#c99a22', '#4aa3b5'];
const WIDTH = 680;

type Shown = ReleasedSegment & { estimate: number; low: number; high: number };

/** The released (not suppressed) segments, largest first. */
export function shownSegments(release: Release): Shown[] {
  return release.segments
    .filter((segment): segment is Shown => segment.estimate !== null)
    .map((segment) => ({ ...segment, low: segment.low ?? segment.estimate, high: segment.high ?? segment.estimate }))
    .sort((a, b) => b.estimate - a.estimate);
}

/** Horizontal bars for the estimates, a whisker for each 95% interval. */
export function renderEstimateChart(release: Release): string {
  const shown = shownSegments(release);
  if (shown.length === 0) return '';
  const rowHeight = 24;
  const labelWidth = 200;
  const plotWidth = WIDTH - labelWidth - 60;
  const max = Math.max(1, ...shown.map((segment) => segment.high));
  const x = (value: number): number => labelWidth + Math.max(0, Math.round((value / max) * plotWidth));
  const rows = shown
    .map((segment, index) => {
      const y = index * rowHeight;
      const name = escapeHtml(segment.name);
      return (
        `<g transform="translate(0 ${y})"><title>${name}: about ${segment.estimate} (95% interval ${segment.low} to ${segment.high})</title>` +
        `<text x="${labelWidth - 8}" y="15" text-anchor="end">${name}</text>` +
        `<rect x="${labelWidth}" y="3" width="${Math.max(1, x(segment.estimate) - labelWidth)}" height="16" rx="2"></rect>` +
        `<line class="whisker" x1="${x(segment.low)}" x2="${x(segment.high)}" y1="11" y2="11"></line>` +
        `<text x="${x(segment.high) + 6}" y="15">${segment.estimate}</text></g>`
      );
    })
    .join('');
  const height = shown.length * rowHeight;
  return (
    `<svg role="img" aria-label="Segment estimates with 95% intervals, epoch ${release.epoch}" width="${WIDTH}" height="${height}" ` +
    `viewBox="0 0 ${WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">${rows}</svg>`
  );
}

/** Lines for the largest segments of the newest release across the releases given (newest first). */
export function renderTrendChart(releases: readonly Release[], lines = PALETTE.length): string {
  if (releases.length < 2) return '<p class="muted">The chart over epochs appears once two epochs are released.</p>';
  const ordered = [...releases].reverse(); // oldest first, left to right
  const top = shownSegments(releases[0]).slice(0, lines);
  if (top.length === 0) return '<p class="muted">No segment of the newest release is above k: nothing to chart.</p>';
  const height = 220;
  const left = 50;
  const bottom = 30;
  const plotWidth = WIDTH - left - 20;
  const plotHeight = height - bottom - 10;
  const value = (release: Release, id: number): number | null => release.segments.find((s) => s.id === id)?.estimate ?? null;
  const max = Math.max(1, ...ordered.flatMap((release) => top.map((segment) => value(release, segment.id) ?? 0)));
  const x = (index: number): number => left + Math.round((index / (ordered.length - 1)) * plotWidth);
  const y = (v: number): number => 10 + plotHeight - Math.round((v / max) * plotHeight);
  const paths = top
    .map((segment, line) => {
      // A suppressed epoch breaks the line (no value was published for it).
      let d = '';
      let pen = 'M';
      ordered.forEach((release, index) => {
        const v = value(release, segment.id);
        if (v === null) pen = 'M';
        else {
          d += `${pen}${x(index)} ${y(v)} `;
          pen = 'L';
        }
      });
      return `<path d="${d.trim()}" fill="none" stroke="${PALETTE[line]}" stroke-width="2"><title>${escapeHtml(segment.name)}</title></path>`;
    })
    .join('');
  const labels = ordered
    .map((release, index) => (ordered.length <= 12 || index % Math.ceil(ordered.length / 12) === 0 ? `<text x="${x(index)}" y="${height - 8}" text-anchor="middle">${release.epoch}</text>` : ''))
    .join('');
  const axis = `<line class="axis" x1="${left}" x2="${left + plotWidth}" y1="${y(0)}" y2="${y(0)}"></line><text x="${left - 6}" y="${y(max) + 4}" text-anchor="end">${max}</text><text x="${left - 6}" y="${y(0) + 4}" text-anchor="end">0</text>`;
  const legend = top.map((segment, line) => `<span class="key" style="border-color:${PALETTE[line]}">${escapeHtml(segment.name)}</span>`).join(' ');
  return (
    `<svg role="img" aria-label="Largest segments over the released epochs" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
    `xmlns="http://www.w3.org/2000/svg">${axis}${paths}${labels}</svg><p class="legend">${legend}</p>`
  );
}
