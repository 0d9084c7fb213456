// The script the snippet loads. It replaces the queue stub on window.tacit with the real SDK and
// replays the calls the page made before it arrived, in order, resolving the promises the stub handed out.

import { createApi, type PublicTacit } from './api.ts';
import { Tacit, type TrustedUrlPolicy } from './sdk.ts';

type QueuedCall = [method: string, args: unknown[], resolve?: (value: unknown) => void];

const host = window as unknown as { tacit?: unknown };
const existing = host.tacit as { loaded?: boolean } | QueuedCall[] | undefined;

if (!(existing && (existing as { loaded?: boolean }).loaded)) {
  // Tacit's own files (worker, ORT, models) live next to this script. (Not `new URL('./',
  // import.meta.url)`: Vite would rewrite that literal pattern into an asset reference.)
  const scriptUrl = import.meta.url;
  // The snippet's Trusted Types policy, if the page enforces them (the worker URL needs it too).
  const policy = (existing as { p?: TrustedUrlPolicy } | undefined)?.p;
  const sdk = new Tacit({ baseUrl: new URL('./', scriptUrl).href, trustedTypesPolicy: policy ?? undefined });
  const api = createApi(sdk);
  host.tacit = api;
  if (Array.isArray(existing)) replay(existing, api);
}

function replay(queue: QueuedCall[], api: PublicTacit): void {
  // Array.from: the host page may have patched Array.prototype methods; a plain index loop is safest.
  for (let i = 0; i < queue.length; i++) {
    const call = queue[i];
    if (!Array.isArray(call) || typeof call[0] !== 'string') continue;
    const [method, args, resolve] = call;
    const fn = (api as unknown as Record<string, unknown>)[method];
    const result = typeof fn === 'function' ? (fn as (...a: unknown[]) => unknown)(...(Array.isArray(args) ? args : [])) : undefined;
    if (typeof resolve === 'function') Promise.resolve(result).then(resolve, () => resolve(undefined));
  }
  queue.length = 0;
}
