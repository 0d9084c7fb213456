// The SDK's worker for unit tests in Node, which has no Web Worker: the real worker API
// (worker/worker-api.ts, over fake-indexeddb) served on one end of a MessageChannel in this process, and
// the page's client (src/engine/client.ts) on the other, through the same rpc.ts both ends use in a
// browser. Messages are structured-cloned as between threads; only the thread itself is missing. Chromium
// tests run the real worker (test/**/*.browser.test.ts).
//
//   vi.stubGlobal('Worker', inProcessWorker());                      // no model: popularity ranking
//   vi.stubGlobal('Worker', inProcessWorker({ createEmbedder: fakeEmbedder }));

import { pageMessenger, serveRpc } from '../../worker/rpc.ts';
import { createWorkerApi, pageCallbacksOver, type WorkerApi, type WorkerDeps } from '../../worker/worker-api.ts';

/** Every in-process worker not yet ended. */
const running = new Set<{ terminate(): void }>();

/** Ends every worker a test left running, as closing its pages would: no timer of one test runs into the next. */
export function terminateWorkers(): void {
  for (const worker of running) worker.terminate();
}

const noModel: WorkerDeps['createEmbedder'] = async () => {
  throw new Error('no model in unit tests');
};

export function inProcessWorker(deps: Partial<WorkerDeps> = {}) {
  return class InProcessWorker {
    private readonly port: MessagePort;
    private readonly api: WorkerApi;
    private terminated = false;

    constructor() {
      const { port1, port2 } = new MessageChannel();
      const api = createWorkerApi({ createEmbedder: noModel, fetch: (input, init) => fetch(input, init), ...deps }, pageCallbacksOver(pageMessenger(port1)));
      serveRpc(api, port1);
      port1.start();
      port2.start();
      this.port = port2;
      this.api = api;
      running.add(this);
    }

    postMessage(message: unknown): void {
      if (!this.terminated) this.port.postMessage(message);
    }

    addEventListener(type: string, listener: (event: MessageEvent) => void): void {
      if (type === 'message') this.port.addEventListener('message', listener);
    }

    /** As a real terminate(): nothing more runs in it (its timers and connections stop with it). */
    terminate(): void {
      if (this.terminated) return;
      this.terminated = true;
      running.delete(this);
      this.api.forget();
      this.port.close();
    }
  };
}
