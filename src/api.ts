// The public object: every method of the SDK behind a guard, so nothing Tacit does can throw into the
// host page. Synchronous throws and rejections both become a warning and a safe resolved value.

import type { Tacit } from './sdk.ts';
import type { PublicTacit, TacitApi } from './types.ts';
import { VERSION } from './version.ts';
import { describe } from './warn.ts';

type Method = keyof TacitApi;

export const SAFE_VALUES: { [K in Method]: () => unknown } = {
  init: () => undefined,
  track: () => undefined,
  page: () => undefined,
  consent: () => 'pending',
  forget: () => undefined,
  export: () => null,
  recommend: () => ({ items: [], strategy: 'error' }),
  segments: () => [],
  sync: () => ({ sent: false, reason: 'error' }),
  inspect: () => ({}),
  on: () => () => {},
};

export const METHODS = Object.keys(SAFE_VALUES) as Method[];

export type { PublicTacit };

export function createApi(sdk: Tacit): PublicTacit {
  const api: Record<string, unknown> = { loaded: true, version: VERSION };
  for (const name of METHODS) {
    const method = (sdk[name] as (...args: unknown[]) => unknown).bind(sdk);
    api[name] = (...args: unknown[]) => {
      const fail = (error: unknown) => {
        sdk.warnings.report('internal', `${name}() failed: ${describe(error)}`);
        return SAFE_VALUES[name]();
      };
      try {
        const result = method(...args);
        sdk.debug.call(name, args, result);
        return result instanceof Promise ? result.catch(fail) : result;
      } catch (error) {
        const safe = fail(error);
        return name === 'on' ? safe : Promise.resolve(safe);
      }
    };
  }
  installLifecycle(sdk);
  return Object.freeze(api) as unknown as PublicTacit;
}

/**
 * Save what is buffered when the page is hidden: after that the browser may never run us again. The
 * worker hears of it too (it cannot see the page's lifecycle): a due report goes out while it still can.
 */
function installLifecycle(sdk: Tacit): void {
  if (typeof addEventListener !== 'function') return;
  const hide = (unloading: boolean) => {
    try {
      sdk.onPageHide(unloading);
    } catch {
      // never into the page
    }
  };
  addEventListener('pagehide', () => hide(true));
  addEventListener('visibilitychange', () => {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') hide(false);
  });
}
