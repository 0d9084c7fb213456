// The npm entry: the same API as the snippet's window.tacit, for shops that bundle their own code.
//
//   import { createTacit } from 'tacit';
//   const tacit = createTacit();
//   tacit.init({ catalog: '/catalog.json', consent: 'pending' });

import { createApi, type PublicTacit } from './api.ts';
import { Tacit, VERSION } from './sdk.ts';

export type * from './types.ts';
export type { PublicTacit } from './api.ts';
export { KNOWN_EVENTS } from '../core/event-kinds.ts';
export { VERSION };

export interface CreateOptions {
  /** Where Tacit's worker, ORT wasm files and models are served from. */
  baseUrl?: string;
}

export function createTacit(options: CreateOptions = {}): PublicTacit {
  return createApi(new Tacit({ baseUrl: options.baseUrl }));
}
