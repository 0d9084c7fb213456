/**
 * The server's small HTML dashboard: privacy parameters and, per released
 * epoch, the segment sizes as an inline SVG bar chart. No external assets,
 * no scripts; every dynamic string is HTML-escaped.
 */
import type { Release } from './release.ts';

export interface DashboardInput {
  taxonomyVersion: number;
  segmentCount: number;
  epsilon: number;
  slots: number;
  p: number;
  q: number;
  epochSeconds: number;
  k: number;
  releaseEpsilon: number;
  currentEpoch: number;
  currentEpochEndsAt: string;
  releases: Release[];
  /** epochs closed but with no report (nothing to show) are not listed */
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function formatNumber(value: number, digits = 3): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

function formatDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day(s)`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour(s)`;
  if (seconds % 60 === 0) return `${seconds / 60} minute(s)`;
  return `${seconds} s`;
}

const BAR_HEIGHT = 18;
const BAR_GAP = 6;
const LABEL_WIDTH = 190;
const CHART_WIDTH = 640;

export function renderBarChart(release: Release): string {
  const shown = release.segments.filter((segment) => segment.estimate !== null);
  const hidden = release.segments.length - shown.length;
  if (shown.length === 0) {
    return `<p class="muted">All ${release.segments.length} segments are below k = ${release.parameters.k} (suppressed).</p>`;
  }
  const sorted = [...shown].sort((a, b) => (b.estimate ?? 0) - (a.estimate ?? 0));
  const max = Math.max(1, ...sorted.map((segment) => segment.estimate ?? 0));
  const barSpace = CHART_WIDTH - LABEL_WIDTH - 70;
  const height = sorted.length * (BAR_HEIGHT + BAR_GAP);
  const rows = sorted
    .map((segment, index) => {
      const y = index * (BAR_HEIGHT + BAR_GAP);
      const width = Math.max(1, Math.round(((segment.estimate ?? 0) / max) * barSpace));
      const name = escapeHtml(segment.name);
      return (
        `<g transform="translate(0 ${y})"><title>${name}: about ${segment.estimate}</title>` +
        `<text x="${LABEL_WIDTH - 8}" y="${BAR_HEIGHT - 5}" text-anchor="end">${name}</text>` +
        `<rect x="${LABEL_WIDTH}" y="0" width="${width}" height="${BAR_HEIGHT}" rx="3"></rect>` +
        `<text x="${LABEL_WIDTH + width + 6}" y="${BAR_HEIGHT - 5}">${segment.estimate}</text></g>`
      );
    })
    .join('');
  const note = hidden > 0 ? `<p class="muted">${hidden} segment(s) below k = ${release.parameters.k} suppressed.</p>` : '';
  return (
    `<svg role="img" aria-label="Segment sizes, epoch ${release.epoch}" width="${CHART_WIDTH}" height="${height}" ` +
    `viewBox="0 0 ${CHART_WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">${rows}</svg>${note}`
  );
}

export function renderDashboard(input: DashboardInput): string {
  const epsilonSlot = input.epsilon / input.slots;
  const parameters: [string, string][] = [
    ['Taxonomy', `version ${input.taxonomyVersion}, ${input.segmentCount} segments (+ 0 = none)`],
    ['ε per device per epoch', `${formatNumber(input.epsilon)} (${input.slots} slots × ε/slots = ${formatNumber(epsilonSlot)})`],
    ['Randomized response', `keep p = ${formatNumber(input.p)}, each other value q = ${formatNumber(input.q, 4)}`],
    ['Epoch length', formatDuration(input.epochSeconds)],
    ['Current epoch', `${input.currentEpoch} (ends ${escapeHtml(input.currentEpochEndsAt)})`],
    ['Release noise', `Laplace, ε = ${formatNumber(input.releaseEpsilon)} per epoch release`],
    ['Suppression', `segments with a noisy estimate below k = ${input.k} are hidden`],
  ];
  const parameterRows = parameters.map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${value}</td></tr>`).join('');
  const releases =
    input.releases.length === 0
      ? '<p class="muted">No released epoch yet. An epoch is released once it stops accepting reports (one epoch after it ends).</p>'
      : input.releases
          .map(
            (release) =>
              `<section><h2>Epoch ${release.epoch} <small>${escapeHtml(release.startsAt.slice(0, 16).replace('T', ' '))} – ` +
              `${escapeHtml(release.endsAt.slice(0, 16).replace('T', ' '))} UTC · about ${release.reports} reports</small></h2>` +
              `${renderBarChart(release)}</section>`,
          )
          .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tacit aggregation server</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 760px; padding: 0 1rem; color: #1d232a; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.05rem; margin-top: 2rem; } small, .muted { color: #66707a; font-weight: normal; }
table { border-collapse: collapse; } th, td { text-align: left; padding: .25rem .75rem .25rem 0; vertical-align: top; }
svg text { font: 12px system-ui, sans-serif; fill: #1d232a; } svg rect { fill: #3a7bd5; }
</style>
</head>
<body>
<h1>Tacit aggregation server</h1>
<p>Devices send one randomized report per epoch; this server keeps only counters and releases noisy, debiased segment sizes for closed epochs.</p>
<table>${parameterRows}</table>
${releases}
</body>
</html>
`;
}
