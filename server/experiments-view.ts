/**
 * GET /v1/experiments and the dashboard's experiment section: the configured experiment's results over
 * its closed epochs (server/experiment-results.ts), the reports per epoch and arm, the power calculator,
 * and what the operator should know. Open epochs are not shown (their counts would tell anyone watching
 * when a report arrived), and closed ones are final: the server refuses reports for them.
 *
 * The experiment part of a report for epoch E describes the device's previous epoch, E − 1, observed
 * whole before the report was made (worker/reports/experiment-report.ts).
 */
import { DEFAULT_MAX_EPSILON } from '../core/privacy-accountant.ts';
import { epochStartMs } from '../protocol/epoch.ts';
import type { ServerExperiment } from './config.ts';
import { addRows, emptyCells, powerTable, summarize, type ExperimentSummary, type PowerRow } from './experiment-results.ts';
import type { Store } from './storage/store.ts';

export interface ExperimentsView {
  experiment: ServerExperiment | null;
  /** ε of a report with both parts: the segments' and the experiment's */
  reportEpsilon: number;
  epochSeconds: number;
  currentEpoch: number;
  /** results cover the closed epochs up to this one */
  closedThrough: number;
  /** closed epochs with experiment reports: their reports per arm, and the window their outcomes describe */
  epochs: { epoch: number; outcomesFrom: string; outcomesTo: string; reports: Record<string, number> }[];
  /** every closed epoch's reports together (each report is one device in one epoch) */
  pooled: ExperimentSummary | null;
  power: { lift: number; baseline: number; rows: PowerRow[] };
  notes: string[];
  warnings: string[];
}

export interface ExperimentsViewInput {
  store: Store;
  experiment: ServerExperiment | null;
  segmentEpsilon: number;
  epochSeconds: number;
  currentEpoch: number;
  /** commits the reports queued in this process first */
  flushQueuedReports(): Promise<void>;
  /** the power calculator's relative lift, and the baseline rate it assumes where none is measured yet */
  lift: number;
  baseline: number;
}

const NOTES = [
  'Each report is one device in one epoch; the experiment part of a report for epoch E describes that device\'s previous epoch (E − 1).',
  'Rates are debiased from randomized answers; every 95% interval holds both the sampling of devices and the randomized response.',
  'The pooled results treat reports of one device in different epochs as independent: a shopper\'s habits persist, so pooled intervals are somewhat too narrow; each epoch alone is exact in this respect.',
];

export async function experimentsView(input: ExperimentsViewInput): Promise<ExperimentsView> {
  const { experiment, epochSeconds, currentEpoch } = input;
  const closedThrough = currentEpoch - 2;
  const base = {
    experiment,
    reportEpsilon: input.segmentEpsilon + (experiment?.epsilon ?? 0),
    epochSeconds,
    currentEpoch,
    closedThrough,
    notes: NOTES,
  };
  if (experiment === null) {
    return { ...base, epochs: [], pooled: null, power: { lift: input.lift, baseline: input.baseline, rows: [] }, warnings: ['no experiment configured (TACIT_EXPERIMENT)'] };
  }
  await input.flushQueuedReports();
  const rows = closedThrough < 0 ? [] : await input.store.experimentCounts({ experiment: experiment.id, epochSeconds }, 0, closedThrough);
  const byEpoch = new Map<number, typeof rows>();
  for (const row of rows) byEpoch.set(row.epoch, [...(byEpoch.get(row.epoch) ?? []), row]);
  const epochs = [...byEpoch].map(([epoch, epochRows]) => {
    const reports = Object.fromEntries(experiment.arms.map((arm) => [arm, 0]));
    for (const row of epochRows) if (row.arm < experiment.arms.length) reports[experiment.arms[row.arm]] += row.count;
    const iso = (ms: number) => new Date(ms).toISOString();
    return { epoch, outcomesFrom: iso(epochStartMs(epoch - 1, epochSeconds)), outcomesTo: iso(epochStartMs(epoch, epochSeconds)), reports };
  });
  const pooled = rows.length === 0 ? null : summarize(experiment, experiment.epsilon, addRows(emptyCells(experiment), rows), experiment.split);
  const warnings: string[] = [];
  if (base.reportEpsilon > DEFAULT_MAX_EPSILON + 1e-9) {
    warnings.push(
      `a report with the experiment spends ε = ${base.reportEpsilon} (segments ${input.segmentEpsilon} + experiment ${experiment.epsilon}), above the devices' default cap of ${DEFAULT_MAX_EPSILON}: ` +
        'devices with the default privacy.maxEpsilon send their segments without the experiment part (lower TACIT_EPSILON)',
    );
  }
  if (pooled === null) warnings.push('no closed epoch has experiment reports yet');
  return {
    ...base,
    epochs,
    pooled,
    power: { lift: input.lift, baseline: input.baseline, rows: powerTable(experiment, experiment.epsilon, experiment.split, pooled, input.lift, input.baseline) },
    warnings: [...warnings, ...(pooled?.warnings ?? [])],
  };
}
