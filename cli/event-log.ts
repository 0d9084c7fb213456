// Reading the shop's event and order logs: JSON lines `{"user", "ts" (ISO 8601), "event" (Segment
// name), "product_id"}`, the format of `tacit replay --events/--orders` and `tacit embed-catalog
// --orders`. A bad line is reported on stderr (file and line number) and skipped; it never loses the
// good ones. Also the options that shape the co-occurrence neighbours derived from an order log.

import { CO_OCCURRENCE_DEFAULTS, type CoOccurrenceOptions, type OrderLine } from '../core/co-occurrence.ts';
import { positiveInteger } from './args.ts';
import { CliError, UsageError } from './errors.ts';
import { write, type CliIO } from './io.ts';
import { readText } from './read-file.ts';

export interface LogLine {
  user: string;
  /** ms since the epoch */
  ts: number;
  event: string;
  productId: string;
}

/** Every good line of a JSON-lines log, in file order. */
export async function readLogLines(command: string, path: string, io: CliIO): Promise<LogLine[]> {
  const text = readText(path);
  const lines: LogLine[] = [];
  let bad = 0;
  for (const [n, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let problem = '';
    try {
      const raw = JSON.parse(line) as Record<string, unknown> | null;
      const ts = typeof raw?.ts === 'string' ? Date.parse(raw.ts) : Number.NaN;
      const productId = typeof raw?.product_id === 'number' ? String(raw.product_id) : raw?.product_id;
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) problem = 'not a JSON object';
      else if (typeof raw.user !== 'string' || raw.user === '') problem = 'user must be a non-empty string';
      else if (!Number.isFinite(ts)) problem = 'ts must be an ISO 8601 time';
      else if (typeof raw.event !== 'string' || raw.event === '') problem = 'event must be a non-empty string';
      else if (typeof productId !== 'string' || productId === '') problem = 'product_id must be a non-empty string';
      else lines.push({ user: raw.user, ts, event: raw.event, productId });
    } catch (error) {
      problem = `not JSON (${(error as Error).message})`;
    }
    if (problem && ++bad <= 20) await write(io.stderr, `${path}:${n + 1}: ${problem}; line skipped\n`);
  }
  if (bad > 20) await write(io.stderr, `${path}: ${bad - 20} more bad line(s) skipped\n`);
  return lines;
}

/** The order log as the co-occurrence derivation wants it (every line counts as a purchase). */
export function orderLines(lines: readonly LogLine[]): OrderLine[] {
  return lines.map((l) => ({ customer: l.user, ts: l.ts, itemId: l.productId }));
}

export const NEIGHBOUR_OPTIONS = {
  orders: { type: 'string' },
  'min-customers': { type: 'string' },
  'max-items-per-customer': { type: 'string' },
  window: { type: 'string' },
  'max-neighbours': { type: 'string' },
  epsilon: { type: 'string' },
  delta: { type: 'string' },
} as const;

const d = CO_OCCURRENCE_DEFAULTS;
export const NEIGHBOUR_USAGE = `  --orders FILE.jsonl         the shop's own order log ({"user","ts","event","product_id"} lines):
                              ships item-to-item "often bought with" neighbours in the file
  --min-customers K           a pair is shipped only if at least K distinct customers have it (default ${d.minCustomers})
  --max-items-per-customer N  each customer counts with their N most recent items (default ${d.maxItemsPerCustomer})
  --window W                  only items within W purchases of each other pair up (default ${d.window})
  --max-neighbours N          neighbours kept per item (default ${d.maxNeighbours})
  --epsilon E [--delta D]     Laplace noise: (E, D)-differentially private per customer (default: off; D ${d.delta})`;

function positiveNumber(name: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !(n > 0) || !Number.isFinite(n)) throw new UsageError(`${name} must be a positive number, got '${String(value)}'`);
  return n;
}

export function neighbourOptions(values: Record<string, string | boolean | undefined>): CoOccurrenceOptions {
  const options: CoOccurrenceOptions = {
    minCustomers: positiveInteger('--min-customers', values['min-customers'], d.minCustomers),
    maxItemsPerCustomer: positiveInteger('--max-items-per-customer', values['max-items-per-customer'], d.maxItemsPerCustomer),
    window: positiveInteger('--window', values.window, d.window),
    maxNeighbours: positiveInteger('--max-neighbours', values['max-neighbours'], d.maxNeighbours),
  };
  const epsilon = positiveNumber('--epsilon', values.epsilon);
  const delta = positiveNumber('--delta', values.delta);
  if (delta !== undefined && epsilon === undefined) throw new UsageError('--delta needs --epsilon');
  if (delta !== undefined && delta >= 1) throw new UsageError(`--delta must be below 1, got ${delta}`);
  if (epsilon !== undefined) options.epsilon = epsilon;
  if (delta !== undefined) options.delta = delta;
  return options;
}
