import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventsByUser } from '../../cli/replay.ts';
import { itemText, validateCatalog } from '../../core/catalog.ts';
import { purchasedIds } from '../../core/interactions.ts';
import { applyEvent, createProfile } from '../../core/profile.ts';
import { rank } from '../../core/rank.ts';
import { cartItems } from '../../core/shelf.ts';
import { VectorMatrix, quantizeRow } from '../../core/vectors.ts';
import { DEFAULT_MODEL_ID, defaultModelDir } from '../../model/default.ts';
import { createEmbedder } from '../../worker/embedder.ts';
import { inProcess } from './run-cli.ts';

let scratch: string;
beforeAll(() => (scratch = mkdtempSync(join(tmpdir(), 'tacit-replay-'))));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const catalog = [
  { id: 'tent', title: 'Two-person backpacking tent', category: 'Camping', popularity: 5 },
  { id: 'stove', title: 'Camping stove with gas canister', category: 'Camping', popularity: 3 },
  { id: 'bag', title: 'Down sleeping bag', category: 'Camping', popularity: 2 },
  { id: 'shoe', title: 'Trail running shoe', category: 'Running', popularity: 9 },
  { id: 'sock', title: 'Running socks, merino', category: 'Running', popularity: 4 },
  { id: 'pan', title: 'Cast iron frying pan', category: 'Kitchen', popularity: 7 },
  { id: 'kettle', title: 'Stovetop kettle', category: 'Kitchen', popularity: 1 },
];
const line = (user: string, minute: number, event: string, product_id: string) =>
  JSON.stringify({ user, ts: `2026-03-01T10:${String(minute).padStart(2, '0')}:00Z`, event, product_id });
const log = [
  line('hiker', 1, 'Product Viewed', 'tent'),
  line('cook', 2, 'Product Viewed', 'pan'),
  line('hiker', 3, 'Order Completed', 'stove'),
  line('runner', 4, 'Product Added', 'shoe'),
  line('cook', 5, 'Product Viewed', 'kettle'),
  '{"user": "broken"}',
];

function files() {
  const cat = join(scratch, 'catalog.json');
  const events = join(scratch, 'events.jsonl');
  writeFileSync(cat, JSON.stringify(catalog));
  writeFileSync(events, log.join('\n'));
  return { cat, events };
}

/** The same question asked of core directly: the profile of the events, ranked with the engine's defaults. */
async function coreAnswer(events: ReturnType<typeof eventsByUser>[number]['events'], limit: number): Promise<string[]> {
  const { items } = validateCatalog(catalog);
  const embedder = await createEmbedder({ model: defaultModelDir(), dtype: 'q8' });
  const vectors = await embedder.embed(items.map(itemText));
  await embedder.dispose();
  const matrix = new VectorMatrix(embedder.dim, items.length);
  vectors.forEach((v, i) => {
    const { q, scale } = quantizeRow(v);
    matrix.setQuantized(i, q, scale);
  });
  const profile = createProfile(DEFAULT_MODEL_ID, embedder.dim);
  const row = new Float32Array(embedder.dim);
  for (const e of events) applyEvent(profile, e, (i) => matrix.row(items.findIndex((it) => it.id === i.itemId), row));
  const now = Math.max(...events.map((e) => e.ts));
  return rank({ matrix, items, profile, now, limit, purchased: purchasedIds(events), inCart: cartItems(events) }).items.map((r) => r.id);
}

describe('tacit replay', () => {
  it('answers each user, in order of first appearance, as the engine would after their last event', { timeout: 90_000 }, async () => {
    const { cat, events } = files();
    const run = await inProcess(['replay', '--catalog', cat, '--events', events, '--limit', '3']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/events\.jsonl:6: ts must be an ISO 8601 time; line skipped/);
    const lines = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { user: string; items: string[] });
    expect(lines.map((l) => l.user)).toEqual(['hiker', 'cook', 'runner']);
    for (const l of lines) expect(l.items).toHaveLength(3);
    expect(lines[0].items).not.toContain('stove'); // bought
    expect(lines[0].items.slice(0, 2).sort()).toEqual(['bag', 'tent']); // viewed, not bought: still on the shelf
    const users = eventsByUser(log.slice(0, 5).map((l) => {
      const raw = JSON.parse(l);
      return { user: raw.user, ts: Date.parse(raw.ts), event: raw.event, productId: raw.product_id };
    }));
    for (const [k, { events: userEvents }] of users.entries()) expect(lines[k].items).toEqual(await coreAnswer(userEvents, 3));
  });

  it('--exclude-seen leaves out what the user viewed too', { timeout: 90_000 }, async () => {
    const { cat, events } = files();
    const plain = await inProcess(['replay', '--catalog', cat, '--events', events, '--limit', '6']);
    const run = await inProcess(['replay', '--catalog', cat, '--events', events, '--limit', '6', '--exclude-seen']);
    expect(run.code).toBe(0);
    const [hiker, cook] = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).items as string[]);
    expect(hiker).not.toContain('tent');
    expect(cook).not.toContain('pan');
    expect(cook).not.toContain('kettle');
    expect(plain.stdout).toMatch(/"cook","items":\[[^\]]*"kettle"|"cook","items":\[[^\]]*"pan"/);
  });

  it('--arms: what each arm of an experiment answers, and each arm\'s coverage of the catalogue', { timeout: 90_000 }, async () => {
    const { cat, events } = files();
    const plain = await inProcess(['replay', '--catalog', cat, '--events', events, '--limit', '3']);
    const run = await inProcess(['replay', '--catalog', cat, '--events', events, '--limit', '3', '--arms', 'control,personal']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { user: string; arms: Record<string, string[]> });
    const personal = plain.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).items as string[]);
    expect(lines.map((l) => l.arms.personal)).toEqual(personal); // the personal arm is what replay answers without --arms
    // The control arm: popularity (shoe 9, pan 7, tent 5, …) under the same shelf rules: the hiker bought the stove.
    expect(lines.map((l) => l.arms.control)).toEqual([['shoe', 'pan', 'tent'], ['shoe', 'pan', 'tent'], ['pan', 'tent', 'sock']]);
    expect(run.stderr).toMatch(/replay: arm control: coverage 0\.571 \(4 of 7 catalogue items recommended to someone\)/);
    const covered = new Set(personal.flat()).size;
    expect(run.stderr).toContain(`replay: arm personal: coverage ${(covered / 7).toFixed(3)} (${covered} of 7`);
    const bad = await inProcess(['replay', '--catalog', cat, '--events', events, '--arms', 'control,popular']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--arms: arm "popular" must be 'control' or 'personal'/);
  });

  it('uses the shop\'s vector file and order log when given', { timeout: 90_000 }, async () => {
    const { cat, events } = files();
    const vec = join(scratch, 'catalog.vec');
    const orders = join(scratch, 'orders.jsonl');
    writeFileSync(orders, [line('a', 1, 'Order Completed', 'tent'), line('a', 2, 'Order Completed', 'bag'), line('b', 1, 'Order Completed', 'tent'), line('b', 2, 'Order Completed', 'bag')].join('\n'));
    expect((await inProcess(['embed-catalog', cat, '--out', vec])).code).toBe(0);
    const embedded = await inProcess(['replay', '--catalog', cat, '--events', events]);
    const fromFile = await inProcess(['replay', '--catalog', cat, '--events', events, '--vectors', vec]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toBe(embedded.stdout);
    for (const extra of [['--orders', orders], ['--orders', orders, '--vectors', vec]]) {
      const run = await inProcess(['replay', '--catalog', cat, '--events', events, ...extra]);
      expect(run.code).toBe(0);
      expect(run.stdout.trimEnd().split('\n')).toHaveLength(3);
    }
  });

  it('names missing or unreadable inputs', { timeout: 30_000 }, async () => {
    const { cat, events } = files();
    const cases = [
      [['replay', '--events', events], 2, /--catalog FILE is required/],
      [['replay', '--catalog', cat], 2, /--events FILE is required/],
      [['replay', '--catalog', cat, '--events', events, '--limit', '0'], 2, /--limit must be a positive integer/],
      [['replay', '--catalog', join(scratch, 'none.json'), '--events', events], 1, /^tacit-sdk replay: cannot read the catalogue .*none\.json: no such file or directory \(ENOENT\)\n$/],
      [['replay', '--catalog', cat, '--events', events, '--vectors', events], 1, /not a Tacit vector file/],
    ] as const;
    for (const [args, code, message] of cases) {
      const run = await inProcess([...args]);
      expect(run.code).toBe(code);
      expect(run.stderr).toMatch(message);
    }
  });
});
