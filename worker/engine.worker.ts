// The Web Worker entry: exposes the engine to the main thread with comlink. Everything heavy
// (transformers.js, onnxruntime-web, the model) lives here, off the page's main thread.

import { expose } from 'comlink';
import type { StoredEvent } from '../core/types.ts';
import type { Taxonomy } from '../protocol/taxonomy.ts';
import { CONSENT_CHANNEL } from '../src/consent.ts';
import { createEmbedder, type EmbedderProgress } from './embedder.ts';
import { Engine, type EngineConfig, type EventSourceKind } from './engine.ts';

/** What the page lends the worker at init (comlink proxies back to the main thread). */
export interface PageCallbacks {
  progress(p: EmbedderProgress): void;
  warning(message: string): void;
  /** The page's events after `afterSeq`, while the page keeps them in memory. */
  events(afterSeq: number): Promise<StoredEvent[]>;
}

let page: PageCallbacks | null = null;

const engine = new Engine({
  createEmbedder,
  fetch: (input, init) => fetch(input, init),
  pageEvents: { events: async (afterSeq = 0) => (page ? page.events(afterSeq) : []) },
  onProgress: (p) => page?.progress(p),
  onWarning: (message) => page?.warning(message),
});

// Consent is one state for all tabs: a withdrawal or a forget() announced by any tab stops this engine
// reading and writing the shopper's data at once, before its own page has passed the news on.
try {
  new BroadcastChannel(CONSENT_CHANNEL).onmessage = (event: MessageEvent) => {
    const data = event.data as { state?: string; forgotten?: boolean } | null;
    if (data?.state !== 'granted' || data.forgotten) engine.setEventSource('none');
  };
} catch {
  // no BroadcastChannel here: the page tells the engine itself
}

export const workerApi = {
  init(config: EngineConfig, callbacks?: PageCallbacks) {
    page = callbacks ?? null;
    return engine.init(config);
  },
  setEventSource: (events: EventSourceKind) => engine.setEventSource(events),
  refresh: () => engine.refresh(),
  recommend: (options: Parameters<Engine['recommend']>[0]) => engine.recommend(options),
  setTaxonomy: (taxonomy: Taxonomy) => engine.setTaxonomy(taxonomy),
  segments: () => engine.segments(),
  inspect: () => engine.inspect(),
  forget: () => engine.forget(),
  /** For fault tests and the watchdog: answers as soon as the worker's event loop is free. */
  ping: () => 'pong' as const,
};

export type WorkerApi = typeof workerApi;

expose(workerApi);
