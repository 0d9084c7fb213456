// The page⇄worker contract, both ends in one small file (as comlink's protocol.ts, without the proxies):
// the page calls a method of the worker's API by name and gets a promise of its result; the worker tells
// the page about things (warnings, the shop's events, its storage) with one-way messages. Everything
// crosses by structured clone, so only plain data goes either way. A call whose worker is ended (crash,
// hang, stop) is rejected at once by close(), never left waiting.

/** Page → worker: call `method` with `args`; the answer carries the same id. */
export interface CallMessage {
  id: number;
  method: string;
  args: unknown[];
}

/** Worker → page: the answer to call `id`, or (`event`) a one-way message. */
export type WorkerMessage =
  | { id: number; result: unknown }
  | { id: number; error: { name: string; message: string } }
  | { event: string; args: unknown[] };

/** What a Worker, a MessagePort or a worker's global scope offer. */
export interface Endpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

type Method = (...args: never[]) => unknown;

/** The page's end: `call('append', events)` is the worker API's `append(events)`, as a promise. */
export class RpcClient<Api extends Record<string, Method>> {
  private next = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private closed: Error | null = null;

  constructor(
    private readonly endpoint: Endpoint,
    onEvent: (name: string, args: unknown[]) => void,
  ) {
    endpoint.addEventListener('message', (event) => {
      const data = event.data as WorkerMessage | null;
      if (!data || typeof data !== 'object') return;
      if ('event' in data) return onEvent(data.event, data.args);
      const call = this.waiting.get(data.id);
      if (!call) return;
      this.waiting.delete(data.id);
      if ('error' in data) call.reject(Object.assign(new Error(data.error.message), { name: data.error.name }));
      else call.resolve(data.result);
    });
  }

  call<K extends keyof Api & string>(method: K, ...args: Parameters<Api[K]>): Promise<Awaited<ReturnType<Api[K]>>> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.endpoint.postMessage({ id, method, args } satisfies CallMessage);
    });
  }

  /** The worker is gone: every call still waiting, and every later one, is rejected with `reason`. */
  close(reason: Error): void {
    this.closed = reason;
    for (const call of this.waiting.values()) call.reject(reason);
    this.waiting.clear();
  }
}

/** The worker's end: answers each call with `api[method](...args)`, a thrown error as an error. */
export function serveRpc(api: Record<string, Method>, endpoint: Endpoint): void {
  endpoint.addEventListener('message', async (event) => {
    const { id, method, args } = (event.data ?? {}) as Partial<CallMessage>;
    if (typeof id !== 'number' || typeof method !== 'string' || !Object.hasOwn(api, method)) return;
    try {
      const result = await (api[method] as (...a: unknown[]) => unknown)(...(Array.isArray(args) ? args : []));
      endpoint.postMessage({ id, result } satisfies WorkerMessage);
    } catch (error) {
      const { name = 'Error', message = String(error) } = error instanceof Error ? error : {};
      endpoint.postMessage({ id, error: { name, message } } satisfies WorkerMessage);
    }
  });
}

/** The worker's one-way messages to the page: `send('warn', code, message)`. */
export function pageMessenger(endpoint: Endpoint) {
  return (event: string, ...args: unknown[]): void => endpoint.postMessage({ event, args } satisfies WorkerMessage);
}
