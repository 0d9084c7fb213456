// What the lazily loaded parts of the SDK (the worker's client, the popularity fallback) get from the
// facade: the resolved config, the consent state, a way to warn and a way to tell the shop's listeners.
// Narrow on purpose: they never reach into the facade, so nothing imports sdk.ts back. (The worker's own
// parts get worker/host.ts.)

import type { ResolvedConfig } from './config.ts';
import type { ConsentState, TacitEventName } from './types.ts';

export interface Host {
  readonly config: Readonly<ResolvedConfig>;
  consent(): ConsentState;
  warn(code: string, message: string): void;
  emit(name: TacitEventName, detail: unknown): void;
  now(): number;
}
