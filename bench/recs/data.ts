// The shared shopper datasets (../shared/datasets/*/: catalog.json + events.jsonl, see its README), read at
// run time and never copied into the repository, and the leave-last-out folds the evaluation scores.
//
// The protocol is the datasets README's "Reference figures": per user with ≥ 3 lines, the last line is
// the target and every line before it is the history; users whose target is already in their history
// (a re-buy) are skipped; training data for behaviour (popularity, co-occurrence) = every user's lines
// before their target (all lines of users with < 3). The validation fold applies the same protocol
// after removing each test target, so weights tuned on it never saw the reported split.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from '../lib/paths.ts';

export const DATASETS_DIR = resolve(ROOT, '../shared/datasets');

/** One catalogue row as the dataset has it (brand is outside Tacit's catalogue schema). */
export interface DatasetItem {
  id: string;
  title: string;
  category?: string;
  brand?: string;
  popularity?: number;
}

/** One events.jsonl line, with the item as its catalogue row index. */
export interface DatasetEvent {
  user: string;
  /** ms since the epoch */
  ts: number;
  event: string;
  item: number;
}

export interface Dataset {
  name: string;
  dir: string;
  items: DatasetItem[];
  indexOf: Map<string, number>;
  /** Each user's lines in file order (= time order), users in order of first appearance. */
  users: { user: string; events: DatasetEvent[] }[];
}

/** One evaluated user: recommend after `history`, hoping for `target`. */
export interface Case {
  user: string;
  history: DatasetEvent[];
  target: number;
}

export interface Fold {
  name: 'test' | 'validation';
  /** Lines behaviour may be learnt from: every line before each user's target. */
  train: { user: string; events: DatasetEvent[] }[];
  cases: Case[];
  /** Users with ≥ 3 lines whose target was a re-buy (skipped). */
  rebuys: number;
}

/** Dataset folders: every directory holding catalog.json and events.jsonl. */
export function discoverDatasets(dir = DATASETS_DIR): string[] {
  if (!existsSync(dir)) throw new Error(`eval:recs: no datasets folder at ${dir} (see ../shared/datasets/README.md)`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'catalog.json')) && existsSync(join(dir, e.name, 'events.jsonl')))
    .map((e) => e.name)
    .sort();
}

export function loadDataset(name: string, dir = DATASETS_DIR): Dataset {
  const folder = join(dir, name);
  const items = JSON.parse(readFileSync(join(folder, 'catalog.json'), 'utf8')) as DatasetItem[];
  const indexOf = new Map(items.map((item, i) => [item.id, i]));
  const byUser = new Map<string, DatasetEvent[]>();
  const lines = readFileSync(join(folder, 'events.jsonl'), 'utf8').split('\n');
  for (const [n, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const raw = JSON.parse(line) as { user: string; ts: string; event: string; product_id: string };
    const item = indexOf.get(raw.product_id);
    const ts = Date.parse(raw.ts);
    if (item === undefined || !Number.isFinite(ts)) throw new Error(`${name}/events.jsonl line ${n + 1}: unknown product or bad ts`);
    let events = byUser.get(raw.user);
    if (!events) byUser.set(raw.user, (events = []));
    events.push({ user: raw.user, ts, event: raw.event, item });
  }
  return { name, dir: folder, items, indexOf, users: [...byUser].map(([user, events]) => ({ user, events })) };
}

/** Leave-last-out over the given sequences (see the module comment). */
function leaveLastOut(name: Fold['name'], users: Dataset['users']): Fold {
  const train: Fold['train'] = [];
  const cases: Case[] = [];
  let rebuys = 0;
  for (const { user, events } of users) {
    if (events.length < 3) {
      train.push({ user, events });
      continue;
    }
    const history = events.slice(0, -1);
    const target = events[events.length - 1].item;
    train.push({ user, events: history });
    if (history.some((e) => e.item === target)) rebuys++;
    else cases.push({ user, history, target });
  }
  return { name, train, cases, rebuys };
}

/** The reported split: each user's last line. */
export function testFold(data: Dataset): Fold {
  return leaveLastOut('test', data.users);
}

/** The tuning split: the same protocol after dropping every test target (each user's second-to-last line). */
export function validationFold(data: Dataset): Fold {
  return leaveLastOut(
    'validation',
    data.users.map(({ user, events }) => ({ user, events: events.length >= 3 ? events.slice(0, -1) : events })),
  );
}

/** Interactions per item in the fold's training lines (the catalogue's `popularity` for that fold). */
export function trainingPopularity(fold: Fold, itemCount: number): Float64Array {
  const counts = new Float64Array(itemCount);
  for (const { events } of fold.train) for (const e of events) counts[e.item]++;
  return counts;
}
