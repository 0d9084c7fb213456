// One row of bench/results/latest.json, and the markdown table made from them.

import { round, type Spread } from './stats.ts';

export interface BenchResult {
  /** What was measured, e.g. "rank 10k × 128 (scoreAll + rank)". */
  name: string;
  /** Unit of value, min, max and referenceValue. */
  unit: string;
  /** The measurement (the median of `runs` runs for timings); null when the benchmark failed. */
  value: number | null;
  min?: number;
  max?: number;
  runs?: number;
  /** What the value is compared with, in words, and its measured value (same run, same unit). */
  reference?: string;
  referenceValue?: number;
  /** value ÷ referenceValue. */
  ratio?: number;
  /** The goal, in words (e.g. "≤ 2 ms"), when there is one. */
  goal?: string;
  /** Whether the goal is met; absent when there is no goal. */
  met?: boolean;
  /** Conditions worth knowing (runtime, sample size, resolution). */
  note?: string;
  /** Why the benchmark produced no value. */
  error?: string;
}

/** A timing row from a spread of runs. */
export function timing(name: string, unit: string, runs: Spread, extra: Partial<BenchResult> = {}): BenchResult {
  return { name, unit, value: round(runs.value), min: round(runs.min), max: round(runs.max), runs: runs.runs, ...extra };
}

/** Adds reference, ratio (value ÷ reference) and, when `maxRatio` is given, the ratio goal. */
export function compared(result: BenchResult, reference: string, referenceValue: number, maxRatio?: number): BenchResult {
  const out: BenchResult = { ...result, reference, referenceValue: round(referenceValue) };
  if (result.value !== null && referenceValue > 0) {
    out.ratio = round(result.value / referenceValue);
    if (maxRatio !== undefined) {
      out.goal = `≤ ${maxRatio}× ${reference}`;
      out.met = out.ratio <= maxRatio;
    }
  }
  return out;
}

/** Adds a "value ≤ limit" goal. */
export function atMost(result: BenchResult, limit: number): BenchResult {
  return { ...result, goal: `≤ ${limit} ${result.unit}`, met: result.value !== null && result.value <= limit };
}

export function atLeast(result: BenchResult, limit: number): BenchResult {
  return { ...result, goal: `≥ ${limit} ${result.unit}`, met: result.value !== null && result.value >= limit };
}

export function failed(name: string, unit: string, error: unknown): BenchResult {
  const message = error instanceof Error ? error.message : String(error);
  return { name, unit, value: null, error: message.split('\n')[0].slice(0, 300) };
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function format(value: number | undefined | null): string {
  if (value === undefined || value === null) return '';
  return Math.abs(value) >= 10_000 ? Math.round(value).toLocaleString('en-US') : String(value);
}

/** The results as a markdown table, one row per benchmark. */
export function markdownTable(results: readonly BenchResult[]): string {
  const lines = [
    '| benchmark | value | unit | min–max (runs) | reference | ratio | goal | met | notes |',
    '|---|---:|---|---|---|---:|---|:-:|---|',
  ];
  for (const r of results) {
    const range = r.min !== undefined && r.max !== undefined ? `${format(r.min)}–${format(r.max)} (${r.runs ?? '?'})` : '';
    const reference = r.reference ? `${r.reference}: ${format(r.referenceValue)}` : '';
    const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
    const notes = [r.error ? `ERROR: ${r.error}` : '', r.note ?? ''].filter(Boolean).join('; ');
    lines.push(
      `| ${cell(r.name)} | ${r.value === null ? '—' : format(r.value)} | ${cell(r.unit)} | ${range} | ${cell(reference)} | ${format(r.ratio)} | ${cell(r.goal ?? '')} | ${met} | ${cell(notes)} |`,
    );
  }
  return lines.join('\n') + '\n';
}
