// What the worker's parts (the report sync, the experiment's arms) get: the settings the page resolved
// (its config, less the shop's onError function, which cannot cross to a worker) with the ranking and
// the experiment checked here (settings.ts), whether consent still holds, a way to warn and a way to
// tell the shop's listeners (both through the page), and the clock. Narrow on purpose, like the page's
// src/host.ts.

import type { DeviceExperiment } from '../core/experiment-definition.ts';
import type { ResolvedRanking } from '../core/ranking-config.ts';
import type { ResolvedConfig } from '../src/config.ts';
import type { ConsentState, TacitEventName } from '../src/types.ts';

/** The resolved config as the worker gets it from the page: plain data. */
export type WorkerSettings = Omit<ResolvedConfig, 'onError'>;

/** The settings once the worker has checked what only it uses (settings.ts). */
export type WorkerConfig = Omit<WorkerSettings, 'ranking'> & {
  /** Every ranking setting, resolved (core/ranking-config.ts holds their defaults and why). */
  ranking: ResolvedRanking;
  /** The A/B test this device takes part in (core/experiments.ts): the first valid entry of `experiments`, or null. */
  experiment: DeviceExperiment | null;
};

export interface WorkerHost {
  readonly config: Readonly<WorkerConfig>;
  consent(): ConsentState;
  warn(code: string, message: string): void;
  emit(name: TacitEventName, detail: unknown): void;
  now(): number;
}
