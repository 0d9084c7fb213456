/**
 * GET /v1/params: the taxonomy and the privacy parameters devices report under, and how to get
 * report tokens. Cacheable for an hour by the browser and any proxy, with an ETag to revalidate:
 * devices need not ask on every page view (nothing in it is about them).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { paramsBody, type ReportParams } from '../../protocol/params.ts';
import { PARAMS_PATH } from '../../protocol/paths.ts';
import type { TokenParams } from '../../protocol/token-params.ts';

export interface ParamsRouteOptions {
  params: ReportParams;
  token: TokenParams | null;
  currentEpoch(): number;
}

/** At least an hour (issue 15): the body changes only with the epoch, and devices compute the epoch themselves. */
export const PARAMS_MAX_AGE_SECONDS = 3600;
const CACHE_CONTROL = `public, max-age=${PARAMS_MAX_AGE_SECONDS}`;

export function paramsRoute(app: FastifyInstance, { params, token, currentEpoch }: ParamsRouteOptions): void {
  let cached: { epoch: number; json: string; etag: string } | null = null;
  app.get(PARAMS_PATH, async (request, reply) => {
    const epoch = currentEpoch();
    if (cached?.epoch !== epoch) {
      const json = JSON.stringify(paramsBody(params, epoch, token));
      cached = { epoch, json, etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"` };
    }
    reply.header('cache-control', CACHE_CONTROL).header('etag', cached.etag);
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === cached!.etag)) {
      return reply.code(304).send();
    }
    return reply.type('application/json; charset=utf-8').send(cached.json);
  });
}
