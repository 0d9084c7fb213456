// What the worker's parts (the report sync, the experiment's arms) get: the settings the page resolved
// (its config, less the shop's onError function, which cannot cross to a worker), whether consent still
// holds, a way to warn and a way to tell the shop's listeners (both through the page), and the clock.
// Narrow on purpose, like the page's src/host.ts.

import type { ResolvedConfig } from '../src/config.ts';
import type { ConsentState, TacitEventName } from '../src/types.ts';

/** The resolved config as the worker gets it: plain data. */
export type WorkerSettings = Omit<ResolvedConfig, 'onError'>;

export interface WorkerHost {
  readonly config: Readonly<WorkerSettings>;
  consent(): ConsentState;
  warn(code: string, message: string): void;
  emit(name: TacitEventName, detail: unknown): void;
  now(): number;
}
