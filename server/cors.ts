/**
 * Request rules that hold before any route is chosen, so that no spelling of a path escapes them:
 *  - an absolute-form request target (`POST http://x/v1/reports`) is refused (400): a browser never
 *    sends one to an origin server, and routing it would skip any rule keyed on the path;
 *  - the Origin allow-list (TACIT_ORIGINS) applies to every request, whatever its path or percent-
 *    encoding (`/%76%31/reports` is routed to /v1/reports): a browser request from an origin not on
 *    the list is refused before its body is read and gets no Access-Control-Allow-Origin. Requests
 *    without Origin (curl, same-origin navigations) pass.
 */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../protocol/paths.ts';
import { errorBody } from './http-errors.ts';

export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  const allowed = new Set(origins);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('vary', 'Origin');
    if (!request.url.startsWith('/')) {
      return reply
        .code(400)
        .header('cache-control', 'no-store')
        .send(errorBody('absolute_form_target', 'send the request with a path (origin-form), not an absolute URL'));
    }
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (!allowed.has(origin)) {
      return reply.code(403).header('cache-control', 'no-store').send(errorBody('origin_not_allowed', 'this origin is not allowed to use this server (see TACIT_ORIGINS)'));
    }
    reply.header('access-control-allow-origin', origin);
    // A device must be able to read how long a 429 asks it to wait, and a 401's token challenge.
    reply.header('access-control-expose-headers', 'Retry-After, WWW-Authenticate');
  });

  // Preflight, for the token request (its media type is not a simple one) and other non-simple requests.
  app.options(`${API_PREFIX}*`, async (_request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST')
      .header('access-control-allow-headers', 'Content-Type')
      .header('access-control-max-age', '600')
      .send(),
  );
}
