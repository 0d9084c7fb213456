// The Web Worker entry: the device's engine (worker-api.ts: storage, ranking, experiment arms, reports)
// served to the page (rpc.ts). Everything heavy (transformers.js, onnxruntime-web, the model, the
// Privacy Pass and OHTTP libraries) lives here, off the page's main thread.

import { createModelEmbedder } from './model-loader.ts';
import { pageMessenger, serveRpc } from './rpc.ts';
import { createWorkerApi } from './worker-api.ts';

const send = pageMessenger(self);
const api = createWorkerApi(
  { createEmbedder: createModelEmbedder, fetch: (input, init) => fetch(input, init) },
  {
    warn: (code, message) => send('warn', code, message),
    emit: (name, detail) => send('emit', name, detail),
    storage: (kind) => send('storage', kind),
  },
);
serveRpc(api, self);
