// `npm run bench:experiments`: what a private A/B test can tell a shop, measured.
//   1. Coverage: 200 seeded runs of 20,000 devices with a known true lift (simulation.ts): how often the
//      95% interval of each outcome's lift holds the truth, and how often the lift is detected; at the
//      experiment's ε = 4 and at the default ε = 2.
//   2. Sample sizes: reporting devices needed to detect a 10% relative lift (5% level, 80% power) by
//      baseline rate and ε, with every outcome reported (5, one per report) or one, against a
//      non-private test; and what splitting ε over all five outcomes in every report would need instead.
//   3. Coverage of the catalogue per arm: `tacit replay --arms control,personal --exclude-seen` on every
//      dataset of ../shared/datasets/ (read at run time; skipped when absent or with --no-replay).
// Writes bench/results/experiments.{json,md} and prints the markdown. About a minute on 2 cores.

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReplayEngine, eventsByUser } from '../../cli/replay.ts';
import { readLogLines } from '../../cli/event-log.ts';
import { processIO } from '../../cli/io.ts';
import { resolveModel } from '../../cli/model-option.ts';
import { devicesNeeded } from '../../core/experiment-stats.ts';
import { RESULTS_DIR, ROOT } from '../lib/paths.ts';
import { coverage, simulateRun, SCENARIO, trueMetrics, type Coverage } from './simulation.ts';

const RUNS = 200;
const started = performance.now();
const skipReplay = process.argv.includes('--no-replay');

// 1. Coverage and detection.
interface CoverageRow extends Coverage {
  epsilon: number;
  devices: number;
  trueLift: Record<string, number>;
  detected: Record<string, number>;
}
const coverageRows: CoverageRow[] = [];
for (const epsilon of [4, 2]) {
  const scenario = { ...SCENARIO, epsilon };
  const result = coverage(scenario, RUNS);
  const truth = scenario.funnels.map((f) => trueMetrics(f, scenario.definition));
  const detected = new Array<number>(scenario.definition.outcomes.length).fill(0);
  for (let run = 0; run < RUNS; run++) {
    simulateRun(scenario, 1 + run).outcomes.forEach((o, j) => (detected[j] += o.lifts[0].significant ? 1 : 0));
  }
  const byOutcome = (f: (j: number) => number) => Object.fromEntries(scenario.definition.outcomes.map((o, j) => [o, f(j)]));
  coverageRows.push({
    ...result,
    epsilon,
    devices: scenario.devices,
    trueLift: byOutcome((j) => truth[1][j] / truth[0][j] - 1),
    detected: byOutcome((j) => detected[j] / RUNS),
  });
  console.error(`bench:experiments: coverage at ε = ${epsilon} done`);
}

// 2. Sample sizes.
const BASELINES = [0.02, 0.05, 0.1, 0.2];
const EPSILONS = [1, 2, 4];
const LIFT = 0.1;
const half = [0.5, 0.5] as const;
const sampleSizes = BASELINES.map((baseline) => ({
  baseline,
  nonPrivate: devicesNeeded({ baseline, lift: LIFT, epsilon: Number.POSITIVE_INFINITY, outcomes: 1, shares: half }),
  byEpsilon: EPSILONS.map((epsilon) => ({
    epsilon,
    fiveOutcomes: devicesNeeded({ baseline, lift: LIFT, epsilon, outcomes: 5, shares: half }),
    oneOutcome: devicesNeeded({ baseline, lift: LIFT, epsilon, outcomes: 1, shares: half }),
    // Every report carrying all five outcomes, each with ε/5 (sequential composition), instead of one with ε.
    fiveSplit: devicesNeeded({ baseline, lift: LIFT, epsilon: epsilon / 5, outcomes: 1, shares: half }),
  })),
}));

// 3. Catalogue coverage per arm in replays.
interface ReplayRow {
  dataset: string;
  items: number;
  users: number;
  coverage: Record<string, number>;
}
const replays: ReplayRow[] = [];
const datasets = join(ROOT, '../shared/datasets');
if (!skipReplay && existsSync(datasets)) {
  const model = (await resolveModel(undefined)).embedder;
  for (const name of readdirSync(datasets).filter((d) => existsSync(join(datasets, d, 'catalog.json'))).sort()) {
    const catalog = JSON.parse(readFileSync(join(datasets, name, 'catalog.json'), 'utf8'));
    const users = eventsByUser(await readLogLines('bench', join(datasets, name, 'events.jsonl'), processIO));
    const replay = await ReplayEngine.create(catalog, null, { ...model, dtype: 'q8' });
    const seen = { control: new Set<string>(), personal: new Set<string>() };
    for (const { events } of users) {
      for (const arm of ['control', 'personal'] as const) {
        for (const id of await replay.replayUser(events, { limit: 10, excludeSeen: true, strategy: arm })) seen[arm].add(id);
      }
    }
    const items = replay.engine.info.catalog.items;
    replays.push({ dataset: name, items, users: users.length, coverage: { control: seen.control.size / items, personal: seen.personal.size / items } });
    console.error(`bench:experiments: replay of ${name} done`);
  }
}

const seconds = (performance.now() - started) / 1000;
const meta = { command: `npm run bench:experiments${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`, date: new Date().toISOString().slice(0, 10), seconds };
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(join(RESULTS_DIR, 'experiments.json'), JSON.stringify({ ...meta, scenario: SCENARIO, coverage: coverageRows, lift: LIFT, sampleSizes, replays }, null, 2) + '\n');

const f3 = (x: number) => x.toFixed(3);
const n = (x: number) => x.toLocaleString('en-US');
const md: string[] = [
  '# Private A/B tests: what they can tell (`npm run bench:experiments`)',
  '',
  `\`${meta.command}\` — ${meta.date}, ${Math.round(seconds)} s on this machine.`,
  '',
  '## Coverage of the 95% interval: 200 seeded runs of 20,000 devices',
  '',
  'Each device draws its arm (50/50), gets true outcomes from its arm\'s funnel (shelf shown 60%; click given shown 15% in control,',
  '18% in personal; cart given click 40%; order given cart 50%; revenue buckets among orders 20/50/20/10%), and sends the',
  "experiment part exactly as the device does (one outcome drawn uniformly, k-RR with the experiment's ε); the server's summary",
  '(server/experiment-results.ts) is computed from the counts. "covered": the interval holds the true lift; "detected": the',
  "difference's interval excludes 0. A relative interval that is unbounded (the baseline cannot be told from 0) counts as not covered.",
  '',
  '| ε | outcome | true lift | relative interval covers | unbounded | difference interval covers | lift detected |',
  '|---:|---|---:|---:|---:|---:|---:|',
];
for (const row of coverageRows) {
  for (const outcome of Object.keys(row.relative)) {
    md.push(`| ${row.epsilon} | ${outcome} | ${(100 * row.trueLift[outcome]).toFixed(0)}% | ${f3(row.relative[outcome])} | ${f3(row.unbounded[outcome])} | ${f3(row.absolute[outcome])} | ${f3(row.detected[outcome])} |`);
  }
}
md.push(
  '',
  `## Devices needed to detect a ${100 * LIFT}% lift (5% level, 80% power, 50/50 split)`,
  '',
  'Reporting devices, both arms together. "5 outcomes": the default, each report carries one of five outcomes with the whole ε;',
  '"1 outcome": the experiment reports only this one; "5 split": every report carrying all five with ε/5 each (not what Tacit does).',
  '',
  `| baseline rate | non-private | ${EPSILONS.map((e) => `ε ${e}: 5 outcomes | ε ${e}: 1 outcome | ε ${e}: 5 split`).join(' | ')} |`,
  `|---:|---:|${EPSILONS.map(() => '---:|---:|---:').join('|')}|`,
);
for (const row of sampleSizes) {
  md.push(`| ${100 * row.baseline}% | ${n(row.nonPrivate)} | ${row.byEpsilon.map((c) => `${n(c.fiveOutcomes)} | ${n(c.oneOutcome)} | ${n(c.fiveSplit)}`).join(' | ')} |`);
}
if (replays.length > 0) {
  md.push(
    '',
    '## Coverage of the catalogue per arm (`tacit replay --arms control,personal --exclude-seen`)',
    '',
    'Share of the catalogue recommended (top 10) to at least one user, right after each user\'s last event, no order log.',
    '',
    '| dataset | items | users | control | personal |',
    '|---|---:|---:|---:|---:|',
    ...replays.map((r) => `| ${r.dataset} | ${n(r.items)} | ${n(r.users)} | ${f3(r.coverage.control)} | ${f3(r.coverage.personal)} |`),
  );
}
const text = md.join('\n') + '\n';
writeFileSync(join(RESULTS_DIR, 'experiments.md'), text);
console.log(text);
