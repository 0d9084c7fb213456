/**
 * GET /v1/experiments: the configured A/B test's results as JSON (server/experiments-view.ts).
 * `?lift=0.1&baseline=0.05` set the power calculator's relative lift and the baseline rate it assumes
 * where none is measured yet.
 */
import type { FastifyInstance } from 'fastify';
import { EXPERIMENTS_PATH } from '../../protocol/paths.ts';
import type { ServerExperiment } from '../config.ts';
import { experimentsView } from '../experiments-view.ts';
import { errorBody } from '../http-errors.ts';
import type { Store } from '../storage/store.ts';

export interface ExperimentsRouteOptions {
  store: Store;
  experiment: ServerExperiment | null;
  segmentEpsilon: number;
  epochSeconds: number;
  currentEpoch(): number;
  flushQueuedReports(): Promise<void>;
}

export const DEFAULT_POWER = { lift: 0.1, baseline: 0.05 };

/** A query number within (min, max), or the fallback when absent; null when present and bad. */
function queryNumber(value: unknown, fallback: number, min: number, max: number): number | null {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d*\.?\d+$/.test(value) ? Number(value) : Number.NaN;
  return n > min && n < max ? n : null;
}

export function experimentsRoute(app: FastifyInstance, options: ExperimentsRouteOptions): void {
  app.get<{ Querystring: Record<string, string | undefined> }>(EXPERIMENTS_PATH, async (request, reply) => {
    reply.header('cache-control', 'no-cache');
    const lift = queryNumber(request.query.lift, DEFAULT_POWER.lift, 0, 10);
    const baseline = queryNumber(request.query.baseline, DEFAULT_POWER.baseline, 0, 1);
    if (lift === null) return reply.code(400).send(errorBody('invalid_query', 'lift must be a relative lift between 0 and 10 (0.1 = 10%)'));
    if (baseline === null) return reply.code(400).send(errorBody('invalid_query', 'baseline must be a rate between 0 and 1 (exclusive)'));
    if (baseline * (1 + lift) >= 1) return reply.code(400).send(errorBody('invalid_query', 'baseline × (1 + lift) must stay below 1'));
    return experimentsView({ ...options, currentEpoch: options.currentEpoch(), lift, baseline });
  });
}
