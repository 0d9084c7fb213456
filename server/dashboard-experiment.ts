/**
 * The dashboard's experiment section: per outcome each arm's debiased metric as a bar with its 95%
 * interval, the lift over the baseline arm in words, the warnings, and how many devices a lift needs.
 * No scripts; every dynamic string is HTML-escaped.
 */
import { EXPERIMENTS_PATH } from '../protocol/paths.ts';
import { escapeHtml } from './dashboard-charts.ts';
import type { OutcomeResult } from './experiment-results.ts';
import type { ExperimentsView } from './experiments-view.ts';

const WIDTH = 680;
const percent = (x: number, digits = 1): string => `${(100 * x).toFixed(digits)}%`;
const number = (x: number): string => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2));

/** The metric in its unit: a rate as a percentage, revenue per device as an amount. */
function format(outcome: string, x: number): string {
  return outcome === 'revenue' ? number(x) : percent(x);
}

function chart(result: OutcomeResult): string {
  const rowHeight = 24;
  const labelWidth = 140;
  const plotWidth = WIDTH - labelWidth - 120;
  const max = Math.max(1e-9, ...result.arms.map((a) => a.high).filter(Number.isFinite));
  const x = (v: number): number => labelWidth + Math.max(0, Math.min(plotWidth, Math.round((v / max) * plotWidth)));
  const rows = result.arms
    .map((arm, i) => {
      const name = escapeHtml(arm.arm);
      if (arm.reports === 0) return `<g transform="translate(0 ${i * rowHeight})"><text x="${labelWidth - 8}" y="15" text-anchor="end">${name}</text><text x="${labelWidth}" y="15">no reports</text></g>`;
      const label = `${format(result.outcome, arm.estimate)} (${format(result.outcome, arm.low)} – ${format(result.outcome, arm.high)})`;
      return (
        `<g transform="translate(0 ${i * rowHeight})"><title>${name}: ${label}, ${arm.reports} reports</title>` +
        `<text x="${labelWidth - 8}" y="15" text-anchor="end">${name}</text>` +
        `<rect x="${labelWidth}" y="3" width="${Math.max(1, x(arm.estimate) - labelWidth)}" height="16" rx="2"></rect>` +
        `<line class="whisker" x1="${x(arm.low)}" x2="${x(arm.high)}" y1="11" y2="11"></line>` +
        `<text x="${x(Math.max(arm.high, arm.estimate)) + 6}" y="15">${escapeHtml(format(result.outcome, arm.estimate))}</text></g>`
      );
    })
    .join('');
  const height = result.arms.length * rowHeight;
  return `<svg role="img" aria-label="${escapeHtml(result.metric)} per arm, with 95% intervals" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">${rows}</svg>`;
}

function liftLines(result: OutcomeResult): string {
  return result.lifts
    .map((l) => {
      const { relative, absolute } = l;
      const bounded = relative.low !== null && relative.high !== null ? `, 95% interval ${percent(relative.low)} to ${percent(relative.high)}` : ', interval unbounded';
      const verdict = l.significant ? '' : ' <span class="muted">(not distinguishable from no lift)</span>';
      const difference = `${format(result.outcome, absolute.estimate)} (${format(result.outcome, absolute.low)} to ${format(result.outcome, absolute.high)})`;
      return `<li>${escapeHtml(l.arm)} vs ${escapeHtml(l.versus)}: lift ${percent(relative.estimate)}${bounded}; difference ${escapeHtml(difference)}${verdict}</li>`;
    })
    .join('');
}

export function renderExperimentSection(view: ExperimentsView): string {
  const { experiment } = view;
  if (experiment === null) return '';
  const head =
    `<h2>Experiment "${escapeHtml(experiment.id)}" <small>arms ${experiment.arms.map(escapeHtml).join(' / ')} · ε ${view.reportEpsilon} per report with it ` +
    `(experiment ${experiment.epsilon}) · <a href="${EXPERIMENTS_PATH}">JSON</a></small></h2>`;
  const warnings = view.warnings.map((w) => `<p class="warn">${escapeHtml(w)}</p>`).join('');
  const pooled = view.pooled;
  const reports = pooled
    ? `<p>${Object.entries(pooled.reports).map(([arm, n]) => `${escapeHtml(arm)}: ${n} reports`).join(' · ')} (closed epochs up to ${view.closedThrough})</p>`
    : '';
  const outcomes = (pooled?.outcomes ?? [])
    .map((result) => {
      const notes = result.warnings.map((w) => `<p class="warn">${escapeHtml(w)}</p>`).join('');
      return `<h3>${escapeHtml(result.metric)}</h3>${chart(result)}<ul>${liftLines(result)}</ul>${notes}`;
    })
    .join('');
  const power = view.power.rows
    .map((row) => `<li>${escapeHtml(row.outcome)} (baseline ${percent(row.baseline)}): about ${row.devices.toLocaleString('en-US')} reporting devices (a non-private test: ${row.nonPrivateDevices.toLocaleString('en-US')})</li>`)
    .join('');
  const powerBlock = power === '' ? '' : `<p>To detect a ${percent(view.power.lift, 0)} lift (5% level, 80% power):</p><ul>${power}</ul>`;
  const notes = view.notes.map((n) => `<li class="muted">${escapeHtml(n)}</li>`).join('');
  return `${head}${warnings}${reports}${outcomes}${powerBlock}<ul>${notes}</ul>`;
}
