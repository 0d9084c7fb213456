// The Web Worker entry: the device's engine (worker-api.ts: storage, ranking, experiment arms, reports)
// served to the page (rpc.ts). Everything heavy (transformers.js, onnxruntime-web, the model, the
// Privacy Pass and OHTTP libraries) lives here, off the page's main thread.

import { createModelEmbedder } from './model-loader.ts';
import { pageMessenger, serveRpc } from './rpc.ts';
import { createWorkerApi, pageCallbacksOver } from './worker-api.ts';

const api = createWorkerApi({ createEmbedder: createModelEmbedder, fetch: (input, init) => fetch(input, init) }, pageCallbacksOver(pageMessenger(self)));
serveRpc(api, self);
