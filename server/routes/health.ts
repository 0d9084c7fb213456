/**
 * GET /health, for load balancers: 200 while this process takes reports; 503 once it is draining
 * (SIGTERM received: take it out of rotation) or when its database does not answer.
 */
import type { FastifyInstance } from 'fastify';
import { HEALTH_PATH } from '../../protocol/paths.ts';
import { errorBody } from '../http-errors.ts';
import type { Store } from '../storage/store.ts';

export interface HealthRouteOptions {
  store: Store;
  draining(): boolean;
}

export function healthRoute(app: FastifyInstance, { store, draining }: HealthRouteOptions): void {
  app.get(HEALTH_PATH, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    if (draining()) return reply.code(503).send(errorBody('draining', 'this process is shutting down'));
    try {
      await store.check();
    } catch {
      return reply.code(503).send(errorBody('storage_unavailable', 'the database does not answer'));
    }
    return { ok: true };
  });
}
