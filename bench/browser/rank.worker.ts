// The ranking benchmark's Web Worker: the engine's VectorMatrix and rank() timed inside a module worker,
// where Tacit's engine runs them. Built by bench/rank.ts with vite into bench/results/tmp/rank-worker/.
//
// Protocol: the page posts { shapes: [count, dim][] } and gets { bandwidth, times } or { error }.

import { copyBandwidth, timeRank } from '../lib/rank-measure.ts';

self.onmessage = (event: MessageEvent<{ shapes: [number, number][] }>) => {
  try {
    const bandwidth = copyBandwidth();
    const times = event.data.shapes.map(([count, dim]) => timeRank(count, dim, count + dim));
    self.postMessage({ bandwidth, times, isolated: (self as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated });
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
