/**
 * Who may call the API from a browser: the shops on TACIT_ORIGINS. Requests without Origin (curl,
 * same-origin navigations) pass; a browser request from an origin not on the list is refused before
 * its body is read and gets no Access-Control-Allow-Origin.
 */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../protocol/paths.ts';
import { errorBody } from './http-errors.ts';

export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  const allowed = new Set(origins);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (!request.url.startsWith(API_PREFIX)) return;
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (!allowed.has(origin)) {
      return reply.code(403).header('cache-control', 'no-store').send(errorBody('origin_not_allowed', 'this origin is not allowed to use this server (see TACIT_ORIGINS)'));
    }
    reply.header('access-control-allow-origin', origin);
    // A device must be able to read how long a 429 asks it to wait.
    reply.header('access-control-expose-headers', 'Retry-After');
  });

  // Preflight, for clients that send a non-simple request anyway.
  app.options(`${API_PREFIX}*`, async (_request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST')
      .header('access-control-allow-headers', 'Content-Type')
      .header('access-control-max-age', '600')
      .send(),
  );
}
