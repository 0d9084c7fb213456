// A report sync's surroundings in the worker without the rest of it: the resolved config (checked as
// the worker checks it), a consent state and the real device storage (over fake-indexeddb in unit
// tests). Each call is one "tab" (one page's worker).

import { resolveConfig } from '../../../src/config.ts';
import type { ConsentState, TacitConfig } from '../../../src/types.ts';
import { Warnings } from '../../../src/warn.ts';
import type { WorkerHost } from '../../../worker/host.ts';
import { ReportSync, type SyncDeps } from '../../../worker/reports/sync.ts';
import { checkSettings } from '../../../worker/settings.ts';
import { DeviceStorage } from '../../../worker/storage/device-storage.ts';

export function reportTab(server: string, options: { now: () => number; consent?: ConsentState; config?: TacitConfig } & Omit<SyncDeps, 'segments'> & Partial<Pick<SyncDeps, 'segments'>>) {
  const warnings = new Warnings();
  const warn = (code: string, message: string) => warnings.report(code, message);
  const { onError: _onError, ...settings } = resolveConfig({ ...options.config, server }, { pageUrl: 'http://shop.test/', warn });
  const { config } = checkSettings(settings);
  let consent: ConsentState = options.consent ?? 'granted';
  const host: WorkerHost = { config, consent: () => consent, warn, emit: () => {}, now: options.now };
  const storage = new DeviceStorage({ warn, mayWrite: () => consent === 'granted', now: options.now }, config.retention);
  const { now: _now, consent: _consent, config: _config, ...deps } = options;
  const sync = new ReportSync(host, storage, { segments: async () => [], ...deps });
  return { sync, storage, setConsent: (state: ConsentState) => (consent = state) };
}
