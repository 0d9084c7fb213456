// GET /v1/experiments and the dashboard's experiment section, from the real store's counters: closed
// epochs only, debiased per-arm rates with intervals, the lift, the warnings, the power calculator.
import { afterEach, describe, expect, it } from 'vitest';
import { drawArm, randomizeExperiment } from '../../core/experiments.ts';
import { mulberry32 } from '../../core/random.ts';
import type { ServerExperiment } from '../../server/config.ts';
import type { CountedReport } from '../../server/storage/store.ts';
import { EPOCH0, makeTestServer, WEEK, type TestServer } from './helpers.ts';

const EXPERIMENT: ServerExperiment = {
  id: 'shelf-1',
  arms: ['control', 'personal'],
  outcomes: ['impression', 'click', 'cart', 'order', 'revenue'],
  revenueBuckets: [25, 100, 250],
  epsilon: 2,
  split: [0.5, 0.5],
};

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

let nonce = 0;
/** `devices` reports of epoch `epoch`, each device's true outcomes from its arm's click rate. */
function reports(epoch: number, devices: number, clickRate: [number, number], seed: number, split = [0.5, 0.5]): CountedReport[] {
  const random = mulberry32(seed);
  return Array.from({ length: devices }, () => {
    const arm = drawArm(split, random);
    const click = random() < clickRate[arm] ? 1 : 0;
    const values = [1, click, 0, 0, 0];
    const part = randomizeExperiment(EXPERIMENT, arm, values, EXPERIMENT.epsilon, random);
    return { taxonomy: 1, epochSeconds: WEEK, epoch, segments: [0, 0, 0], nonce: `n-${nonce++}`, tokenId: null, experiment: part };
  });
}

/** Added as the group committer would: in batches (of at most 1000 by default). */
async function add(batch: CountedReport[]): Promise<void> {
  for (let i = 0; i < batch.length; i += 1000) await server.store.addReports(batch.slice(i, i + 1000));
}

const get = async (url = '/v1/experiments') => server.app.inject({ url });

describe('GET /v1/experiments', () => {
  it('says there is no experiment when none is configured', async () => {
    server = await makeTestServer();
    const response = await get();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ experiment: null, pooled: null, warnings: ['no experiment configured (TACIT_EXPERIMENT)'] });
    expect((await get('/')).body).not.toContain('Experiment "');
  });

  it('shows closed epochs only: per-arm rates with intervals, the lift, reports per epoch, power', async () => {
    server = await makeTestServer({ experiment: EXPERIMENT, epsilon: 2 });
    await add(reports(EPOCH0, 20_000, [0.2, 0.3], 1));
    const open = (await get()).json();
    expect(open.pooled).toBeNull(); // epoch EPOCH0 still takes reports
    expect(open.warnings).toContain('no closed epoch has experiment reports yet');
    server.clock.ms += 2 * WEEK * 1000;
    const body = (await get()).json();
    expect(body.experiment).toMatchObject({ id: 'shelf-1', epsilon: 2 });
    expect(body.reportEpsilon).toBe(4);
    expect(body.closedThrough).toBe(EPOCH0);
    expect(body.epochs).toHaveLength(1);
    expect(body.epochs[0]).toMatchObject({ epoch: EPOCH0, outcomesTo: new Date(EPOCH0 * WEEK * 1000).toISOString() });
    expect(body.epochs[0].reports.control + body.epochs[0].reports.personal).toBe(20_000);
    const click = body.pooled.outcomes.find((o: { outcome: string }) => o.outcome === 'click');
    const [control, personal] = click.arms;
    expect(control.low).toBeLessThan(0.2);
    expect(control.high).toBeGreaterThan(0.2);
    expect(personal.low).toBeLessThan(0.3);
    expect(personal.high).toBeGreaterThan(0.3);
    expect(click.lifts[0]).toMatchObject({ arm: 'personal', versus: 'control', significant: true });
    expect(click.lifts[0].relative.low).toBeLessThan(0.5);
    expect(click.lifts[0].relative.high).toBeGreaterThan(0.5);
    const impression = body.pooled.outcomes[0];
    expect(impression.arms[0].estimate).toBeGreaterThan(0.9); // every device saw a shelf
    expect(body.pooled.outcomes[4].buckets).toHaveLength(2); // revenue: each bucket's share per arm
    expect(body.pooled.warnings).toEqual([]);
    expect(body.power.rows.map((r: { outcome: string }) => r.outcome)).toEqual(['impression', 'click', 'cart', 'order']);
    const clickPower = body.power.rows[1];
    expect(clickPower.baseline).toBeGreaterThan(0.15); // the measured baseline, not the default 5%
    expect(clickPower.devices).toBeGreaterThan(clickPower.nonPrivateDevices);
  });

  it('warns about a small sample, a split the arms do not follow, and a total ε above the default cap', async () => {
    server = await makeTestServer({ experiment: EXPERIMENT, epsilon: 3 });
    await add(reports(EPOCH0, 600, [0.2, 0.2], 2, [0.8, 0.2]));
    server.clock.ms += 2 * WEEK * 1000;
    const body = (await get()).json();
    expect(body.warnings.some((w: string) => /spends ε = 5 .* above the devices' default cap of 4/.test(w))).toBe(true);
    expect(body.warnings.some((w: string) => /arm "personal" has \d+ reports, fewer than 1000/.test(w))).toBe(true);
    expect(body.warnings.some((w: string) => /sample ratio mismatch/.test(w))).toBe(true);
  });

  it('the power calculator takes a lift and a baseline, and refuses nonsense', async () => {
    server = await makeTestServer({ experiment: EXPERIMENT, epsilon: 2 });
    const body = (await get('/v1/experiments?lift=0.2&baseline=0.1')).json();
    expect(body.power).toMatchObject({ lift: 0.2, baseline: 0.1 });
    expect(body.power.rows[0].baseline).toBe(0.1); // nothing measured yet
    for (const query of ['lift=abc', 'lift=0', 'baseline=1', 'baseline=0.9&lift=0.5']) {
      const response = await get(`/v1/experiments?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error).toBe('invalid_query');
    }
  });

  it('the dashboard draws each outcome per arm with its interval and the lift in words', async () => {
    server = await makeTestServer({ experiment: { ...EXPERIMENT, id: 'a<b' as string }, epsilon: 2 });
    const page = (await get('/')).body;
    expect(page).toContain('Experiment "a&#60;b"');
    await server.close();
    server = await makeTestServer({ experiment: EXPERIMENT, epsilon: 2 });
    await add(reports(EPOCH0, 5000, [0.2, 0.3], 3));
    server.clock.ms += 2 * WEEK * 1000;
    const html = (await get('/')).body;
    expect(html).toContain('Experiment "shelf-1"');
    expect(html).toContain('share of devices that clicked a recommended item');
    expect(html).toMatch(/personal vs control: lift -?\d+\.\d%, 95% interval/);
    expect(html).toMatch(/To detect a 10% lift/);
    expect(html).toContain('aria-label="share of devices that clicked a recommended item per arm, with 95% intervals"');
  });
});
