/** GET /v1/params: the taxonomy and the privacy parameters devices report under. */
import type { FastifyInstance } from 'fastify';
import { paramsBody, type ReportParams } from '../../protocol/params.ts';
import { PARAMS_PATH } from '../../protocol/paths.ts';

export interface ParamsRouteOptions {
  params: ReportParams;
  currentEpoch(): number;
}

export function paramsRoute(app: FastifyInstance, { params, currentEpoch }: ParamsRouteOptions): void {
  app.get(PARAMS_PATH, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return paramsBody(params, currentEpoch());
  });
}
