// The settings the worker checks itself: the shop's ranking settings and its experiments. Only the
// worker uses them (the page's popularity fallback ranks without them, and no device has an arm before
// consent, when there is no worker), so their checks are not in the page's tacit.js: the page passes
// them on as given (src/config.ts) and the worker checks them when it starts. Each bad value is worded
// here, one message per problem, and the page reports them through its own warn/onError/on('error').

import { checkDeviceExperiment, type DeviceExperiment } from '../core/experiment-definition.ts';
import { DEFAULT_RANKING, resolveRanking, type RankingConfig, type ResolvedRanking } from '../core/ranking-config.ts';
import type { WorkerConfig, WorkerSettings } from './host.ts';

/** The page's settings with the ranking resolved and the experiment chosen; problems are the warnings to give. */
export function checkSettings(settings: WorkerSettings): { config: WorkerConfig; problems: string[] } {
  const problems: string[] = [];
  const config = { ...settings, ranking: checkRanking(settings.ranking, problems), experiment: checkExperiments(settings.experiments, problems) };
  return { config, problems };
}

/** A bad ranking setting is reported by name and left at its default; the others still apply. */
function checkRanking(input: Readonly<Record<string, unknown>>, problems: string[]): ResolvedRanking {
  const ranking: Record<string, unknown> = { ...input };
  for (;;) {
    try {
      return resolveRanking(ranking as RankingConfig);
    } catch (error) {
      const message = (error as Error).message;
      const key = /ranking\.(\w+)|weight "(\w+)"/.exec(message);
      const name = key?.[1] ?? (key?.[2] ? 'weights' : undefined);
      problems.push(`init(config): ${message}; using the default`);
      if (!name || !(name in ranking)) return DEFAULT_RANKING;
      delete ranking[name];
    }
  }
}

/** The experiment to run: the first valid entry; each bad or extra entry is reported and ignored. */
function checkExperiments(entries: readonly unknown[], problems: string[]): DeviceExperiment | null {
  let chosen: DeviceExperiment | null = null;
  entries.forEach((entry, i) => {
    const checked = checkDeviceExperiment(entry);
    const name = `experiments[${i}]${checked.ok ? ` ("${checked.value.id}")` : ''}`;
    if (!checked.ok) problems.push(`init(config): ${name} ${checked.error}; it is ignored`);
    else if (chosen !== null) problems.push(`init(config): ${name}: one experiment runs at a time ("${chosen.id}"); it is ignored`);
    else chosen = checked.value;
  });
  return chosen;
}
