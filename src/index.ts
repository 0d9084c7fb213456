// The npm entry (package tacit-sdk): the same API as the snippet's window.tacit, for shops that bundle
// their own code. Tacit's own files (worker, models) are still served by the shop, under baseUrl.
//
//   import { createTacit } from 'tacit-sdk';
//   const tacit = createTacit({ baseUrl: '/tacit/' });
//   tacit.init({ catalog: '/catalog.json', consent: 'pending' });
//
// Only types.ts, version.ts and the event table are part of the published declarations: nothing here
// names the SDK's internals, so a shop's type-check reads a few small .d.ts files.

import { createApi } from './api.ts';
import { Tacit } from './sdk.ts';
import type { PublicTacit } from './types.ts';

export type * from './types.ts';
export { KNOWN_EVENTS } from '../core/event-kinds.ts';
export { VERSION } from './version.ts';

export interface CreateOptions {
  /** Where Tacit's worker and models are served from (the copied dist/tacit/ folder). Default '/tacit/'. */
  baseUrl?: string;
}

export function createTacit(options: CreateOptions = {}): PublicTacit {
  return createApi(new Tacit({ baseUrl: options.baseUrl }));
}
