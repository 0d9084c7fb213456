/**
 * POST /v1/reports: a device's randomized report. Validated strictly (protocol/report.ts), checked
 * against the epoch window, queued for the next group commit and answered 202 only after the
 * transaction holding it is committed; a failed commit is answered 503 and counts nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { acceptsReports } from '../../protocol/epoch.ts';
import { REPORTS_PATH } from '../../protocol/paths.ts';
import { decodeReportBody, parseReport, ReportError, type ReportRules } from '../../protocol/report.ts';
import { CommitError, CommitterClosedError, type GroupCommitter } from '../group-commit.ts';
import { errorBody } from '../http-errors.ts';
import type { ConnectionRateLimiter } from '../rate-limit.ts';
import type { CountedReport } from '../storage/store.ts';

export interface ReportsRouteOptions {
  rules: ReportRules;
  maxBody: number;
  currentEpoch(): number;
  committer: GroupCommitter<CountedReport>;
  limiter: ConnectionRateLimiter;
}

/** The epoch window: the current epoch and the one before it (see protocol/epoch.ts). */
function checkEpoch(epoch: number, current: number): void {
  if (acceptsReports(epoch, current)) return;
  if (epoch > current) throw new ReportError(422, 'epoch_in_future', `epoch ${epoch} has not started; the current epoch is ${current}`);
  throw new ReportError(422, 'epoch_closed', `epoch ${epoch} no longer accepts reports; send reports for epoch ${current} (or ${current - 1})`);
}

export function reportsRoute(app: FastifyInstance, options: ReportsRouteOptions): void {
  const { rules, committer, limiter } = options;

  const rateLimit = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const decision = limiter.take(request.raw.socket);
    if (decision.allowed) return undefined;
    return reply
      .code(429)
      .header('retry-after', String(decision.retryAfterSeconds))
      .header('cache-control', 'no-store')
      .send(errorBody('rate_limited', `too many requests on this connection; retry after ${decision.retryAfterSeconds} s`));
  };

  app.post(REPORTS_PATH, { onRequest: rateLimit, bodyLimit: options.maxBody }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (!Buffer.isBuffer(request.body)) {
      return reply.code(415).send(errorBody('unsupported_media_type', 'send the report as a body with Content-Type: text/plain'));
    }
    try {
      const report = parseReport(decodeReportBody(request.body), rules);
      checkEpoch(report.epoch, options.currentEpoch());
      await committer.add(report); // settles after the commit that holds it
      return reply.code(202).send({ ok: true, epoch: report.epoch });
    } catch (error) {
      if (error instanceof ReportError) return reply.code(error.statusCode).send(errorBody(error.code, error.message));
      if (error instanceof CommitError || error instanceof CommitterClosedError) {
        // Not stored: the device keeps its report and retries later.
        return reply
          .code(503)
          .header('retry-after', '60')
          .send(errorBody('storage_unavailable', 'the report could not be stored and was not counted; retry later'));
      }
      throw error;
    }
  });
}
