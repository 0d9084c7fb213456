/**
 * The server's HTML dashboard: reports received in the open epochs, the newest release with a 95%
 * interval per segment and a plain warning where the sample is too small to say anything, the
 * largest segments over the released epochs, the privacy parameters, and links to CSV/JSON exports.
 * No scripts, no external assets; every dynamic string is HTML-escaped.
 */
import { AGGREGATES_CSV_PATH, AGGREGATES_JSON_PATH, AGGREGATES_PATH } from '../protocol/paths.ts';
import { escapeHtml, renderEstimateChart, renderTrendChart, shownSegments } from './dashboard-charts.ts';
import { renderExperimentSection } from './dashboard-experiment.ts';
import type { ExperimentsView } from './experiments-view.ts';
import { estimateInterval, type Release } from './release.ts';

export { escapeHtml };

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
  /** report tokens: required, checked when present, or not taken */
  tokens: 'required' | 'optional' | 'off';
  currentEpoch: number;
  currentEpochEndsAt: string;
  /** reports received so far in the current epoch, and in the previous one (still open for late reports) */
  currentReports: number;
  previousReports: number;
  /** released epochs, newest first */
  releases: Release[];
  /** the A/B test's results, when the server runs one */
  experiment?: ExperimentsView;
}

/** Below this many reports in an epoch, the page says that its estimates are mostly noise. */
export const FEW_REPORTS = 100;

function formatNumber(value: number, digits = 3): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

function formatDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day(s)`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour(s)`;
  if (seconds % 60 === 0) return `${seconds / 60} minute(s)`;
  return `${seconds} s`;
}

/**
 * A running count, rounded down to tens: the page is public, and an exact count that ticks up by
 * one would tell anyone watching it when a report arrived.
 */
export function roughCount(reports: number): string {
  return reports < 10 ? 'fewer than 10' : `about ${Math.floor(reports / 10) * 10}`;
}

const when = (iso: string): string => escapeHtml(iso.slice(0, 16).replace('T', ' '));

function segmentTable(release: Release): string {
  const shown = shownSegments(release);
  const hidden = release.segments.length - shown.length;
  const rows = shown
    .map((segment) => {
      // Older releases were stored without intervals: they follow from the released numbers alone.
      const { low, high } =
        segment.low !== null && segment.high !== null ? segment : estimateInterval(segment.estimate, release.reports * release.parameters.slots, release.parameters);
      const vague = (high - low) / 2 > segment.estimate / 2;
      const note = vague ? '<span class="warn">Too few reports to say much: the true number could be half this or less.</span>' : '';
      return `<tr><td>${escapeHtml(segment.name)}</td><td class="num">${segment.estimate}</td><td class="num">${low} – ${high}</td><td>${note}</td></tr>`;
    })
    .join('');
  const hiddenRow = hidden > 0 ? `<p class="muted">${hidden} segment(s) hidden: not clearly above k = ${release.parameters.k}.</p>` : '';
  if (shown.length === 0) return `<p class="muted">All ${release.segments.length} segments are hidden: none is clearly above k = ${release.parameters.k}.</p>`;
  return `<table class="segments"><tr><th>Segment</th><th class="num">Devices (estimate)</th><th class="num">95% interval</th><th></th></tr>${rows}</table>${hiddenRow}`;
}

function latestRelease(release: Release | undefined): string {
  if (release === undefined) {
    return '<p class="muted">No released epoch yet. An epoch is released once it stops accepting reports (one epoch after it ends).</p>';
  }
  const small =
    release.reports < FEW_REPORTS
      ? `<p class="warn">Only about ${release.reports} reports in this epoch: with so few, the randomized answers and the release noise dominate, and the estimates say little.</p>`
      : '';
  return (
    `<h2>Epoch ${release.epoch} <small>${when(release.startsAt)} – ${when(release.endsAt)} UTC · about ${release.reports} reports · ` +
    `<a href="${AGGREGATES_PATH}/${release.epoch}">JSON</a></small></h2>${small}${renderEstimateChart(release)}${segmentTable(release)}`
  );
}

export function renderDashboard(input: DashboardInput): string {
  const epsilonSlot = input.epsilon / input.slots;
  const parameters: [string, string][] = [
    ['Taxonomy', `version ${input.taxonomyVersion}, ${input.segmentCount} segments (+ 0 = none)`],
    ['ε per device per epoch', `${formatNumber(input.epsilon)} (${input.slots} slots × ε/slots = ${formatNumber(epsilonSlot)})`],
    ['Randomized response', `keep p = ${formatNumber(input.p)}, each other value q = ${formatNumber(input.q, 4)}`],
    ['Epoch length', formatDuration(input.epochSeconds)],
    ['Release noise', `Laplace, ε = ${formatNumber(input.releaseEpsilon)} per epoch release`],
    ['Suppression', `a segment is shown only when its whole 95% interval is at least k = ${input.k}`],
    ['Report tokens', { required: 'required: one Privacy Pass token per report per epoch', optional: 'checked when a report has one; not required', off: 'off: anyone can send reports' }[input.tokens]],
  ];
  const parameterRows = parameters.map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${value}</td></tr>`).join('');
  const now =
    `<tr><th>Epoch ${input.currentEpoch} (now, ends ${when(input.currentEpochEndsAt)} UTC)</th><td>${roughCount(input.currentReports)} reports so far</td></tr>` +
    `<tr><th>Epoch ${input.currentEpoch - 1} (still takes late reports)</th><td>${roughCount(input.previousReports)} reports</td></tr>`;
  const older = input.releases
    .slice(1)
    .map((release) => `<li><a href="${AGGREGATES_PATH}/${release.epoch}">Epoch ${release.epoch}</a> · ${when(release.startsAt)} UTC · about ${release.reports} reports</li>`)
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
.num { text-align: right; white-space: nowrap; } .warn { color: #8a4b00; }
svg text { font: 12px system-ui, sans-serif; fill: #1d232a; } svg rect { fill: #3a7bd5; }
svg .whisker { stroke: #1d232a; stroke-width: 1.5; } svg .axis { stroke: #99a1a9; }
.legend .key { border-left: 14px solid; padding-left: .35rem; margin-right: .8rem; }
</style>
</head>
<body>
<h1>Tacit aggregation server</h1>
<p>Devices send one randomized report per epoch; this server keeps only counters and releases noisy, debiased segment sizes for closed epochs.</p>
<table>${now}</table>
${latestRelease(input.releases[0])}
<h2>Over epochs</h2>
${renderTrendChart(input.releases)}
${older === '' ? '' : `<h2>Earlier releases</h2><ul>${older}</ul>`}
${input.experiment ? renderExperimentSection(input.experiment) : ''}
<h2>Parameters</h2>
<table>${parameterRows}</table>
<p>Export every release: <a href="${AGGREGATES_CSV_PATH}">CSV</a> · <a href="${AGGREGATES_JSON_PATH}">JSON</a></p>
</body>
</html>
`;
}
