import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTinyBert } from '../../model/tiny-bert.ts';
import { CO_OCCURRENCE_DEFAULTS } from '../../core/co-occurrence.ts';
import { NEIGHBOURS_SECTION, decodeNeighbours } from '../../core/neighbours.ts';
import { decodeVecFile } from '../../core/vecfile.ts';
import { inProcess } from './run-cli.ts';

const MODEL = join(import.meta.dirname, '../fixtures/generated/tiny-bert-orders');
let scratch: string;

beforeAll(() => {
  generateTinyBert({ preset: 'tiny', out: MODEL });
  scratch = mkdtempSync(join(tmpdir(), 'tacit-orders-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const catalog = [
  { id: 'tent', title: 'Two-person tent' },
  { id: 'stove', title: 'Camping stove' },
  { id: 'mat', title: 'Sleeping mat' },
  { id: 'pan', title: 'Frying pan' },
];
const line = (user: string, day: number, product_id: string) =>
  JSON.stringify({ user, ts: `2026-01-${String(day).padStart(2, '0')}T10:00:00Z`, event: 'Order Completed', product_id });

function files(orderLines: string[]) {
  const cat = join(scratch, 'catalog.json');
  const orders = join(scratch, 'orders.jsonl');
  writeFileSync(cat, JSON.stringify(catalog));
  writeFileSync(orders, orderLines.join('\n') + '\n');
  return { cat, orders, out: join(scratch, 'catalog.vec') };
}

const neighboursOf = (path: string) => {
  const file = decodeVecFile(readFileSync(path));
  const n = decodeNeighbours(file.sections!.find((s) => s.kind === NEIGHBOURS_SECTION)!.payload, file.count);
  return { file, n, of: (id: string) => Array.from(n.rows[file.ids.indexOf(id)], (r) => file.ids[r]) };
};

describe('tacit embed-catalog --orders', () => {
  const orders = [
    line('a', 1, 'tent'),
    line('a', 2, 'stove'),
    line('b', 3, 'tent'),
    line('b', 4, 'stove'),
    '{"user": "c", "ts": "yesterday", "event": "Order Completed", "product_id": "pan"}',
    line('c', 5, 'mat'),
    line('c', 6, 'pan'),
    'not json',
  ];

  it('ships neighbours only for pairs of at least k customers, and reports bad log lines', { timeout: 90_000 }, async () => {
    const { cat, orders: log, out } = files(orders);
    const run = await inProcess(['embed-catalog', cat, '--out', out, '--model', MODEL, '--orders', log]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/orders\.jsonl:5: ts must be an ISO 8601 time; line skipped/);
    expect(run.stderr).toMatch(/orders\.jsonl:8: not JSON/);
    expect(run.stderr).toMatch(/1 item pair\(s\) from 3 customer\(s\) .*\(support ≥ 2 customers\)/);
    const { n, of } = neighboursOf(out);
    expect(of('tent')).toEqual(['stove']);
    expect(of('stove')).toEqual(['tent']);
    expect(of('mat')).toEqual([]); // mat–pan: one customer only
    expect(n.meta).toMatchObject({ ...CO_OCCURRENCE_DEFAULTS, delta: null, epsilon: null, customers: 3, pairs: 1 });

    const loose = await inProcess(['embed-catalog', cat, '--out', out, '--model', MODEL, '--orders', log, '--min-customers', '1']);
    expect(loose.code).toBe(0);
    expect(neighboursOf(out).of('mat')).toEqual(['pan']);

    const noisy = await inProcess(['embed-catalog', cat, '--out', out, '--model', MODEL, '--orders', log, '--epsilon', '1']);
    expect(noisy.code).toBe(0);
    expect(noisy.stderr).toMatch(/0 item pair\(s\) .* ε = 1/);
    expect(neighboursOf(out).n.meta).toMatchObject({ epsilon: 1, delta: 1e-6, pairs: 0 });
  });

  it('writes no section without --orders, and fails before embedding on a missing log or bad options', { timeout: 90_000 }, async () => {
    const { cat, out } = files(orders);
    expect((await inProcess(['embed-catalog', cat, '--out', out, '--model', MODEL])).code).toBe(0);
    expect(decodeVecFile(readFileSync(out)).sections).toBeUndefined();
    rmSync(out);

    const missing = await inProcess(['embed-catalog', cat, '--out', out, '--model', MODEL, '--orders', join(scratch, 'none.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^tacit-sdk embed-catalog: cannot read .*none\.jsonl: no such file or directory \(ENOENT\)\n$/);
    expect(existsSync(out)).toBe(false);
    const usage = [
      [['--delta', '0.001'], /--delta needs --epsilon/],
      [['--epsilon', '0'], /--epsilon must be a positive number/],
      [['--min-customers', '0'], /--min-customers must be a positive integer/],
    ] as const;
    for (const [extra, message] of usage) {
      const run = await inProcess(['embed-catalog', cat, '--out', out, '--model', MODEL, ...extra]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});
