/**
 * POST /v1/reports: a device's randomized report. Validated strictly (protocol/report.ts), checked
 * against the epoch window and, where the server takes tokens, for a valid token of its epoch; then
 * queued for the next group commit and answered 202 only after the transaction holding it is
 * committed. A resend (same nonce) is answered 202 and not counted again; a token already spent on
 * another report is 403; a failed commit is 503 and counts nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { acceptsReports } from '../../protocol/epoch.ts';
import { REPORTS_PATH } from '../../protocol/paths.ts';
import { decodeReportBody, parseReport, ReportError, type ReportRules } from '../../protocol/report.ts';
import { reportTokenChallenge } from '../../protocol/token.ts';
import { encodeBase64Url } from '../../protocol/token-params.ts';
import { CommitError, CommitterClosedError, type GroupCommitter } from '../group-commit.ts';
import { errorBody } from '../http-errors.ts';
import type { ConnectionRateLimiter } from '../rate-limit.ts';
import type { CountedReport, ReportOutcome } from '../storage/store.ts';
import type { TokenKeys } from '../tokens/keys.ts';
import type { TokenVerifier } from '../tokens/verifier.ts';

export interface ReportsRouteOptions {
  rules: ReportRules;
  maxBody: number;
  epochSeconds: number;
  currentEpoch(): number;
  committer: GroupCommitter<CountedReport, ReportOutcome>;
  limiter: ConnectionRateLimiter;
  /** present when the server takes tokens */
  tokens: { verifier: TokenVerifier; keys: TokenKeys; issuerName: string; required: boolean } | null;
}

/** The epoch window: the current epoch and the one before it (see protocol/epoch.ts). */
function checkEpoch(epoch: number, current: number): void {
  if (acceptsReports(epoch, current)) return;
  if (epoch > current) throw new ReportError(422, 'epoch_in_future', `epoch ${epoch} has not started; the current epoch is ${current}`);
  throw new ReportError(422, 'epoch_closed', `epoch ${epoch} no longer accepts reports; send reports for epoch ${current} (or ${current - 1})`);
}

/** The media type without parameters, lower case ("text/plain;charset=UTF-8" → "text/plain"). */
export const mediaType = (header: string | undefined): string => (header ?? '').split(';')[0].trim().toLowerCase();

export function reportsRoute(app: FastifyInstance, options: ReportsRouteOptions): void {
  const { rules, committer, limiter, tokens, epochSeconds } = options;

  const rateLimit = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const decision = limiter.take(request.raw.socket);
    if (decision.allowed) return undefined;
    return reply
      .code(429)
      .header('retry-after', String(decision.retryAfterSeconds))
      .header('cache-control', 'no-store')
      .send(errorBody('rate_limited', `too many requests on this connection; retry after ${decision.retryAfterSeconds} s`));
  };

  /** RFC 9577's challenge for a report of this epoch, so that a client can see what token to get. */
  const authenticate = async (epoch: number): Promise<string> => {
    const challenge = await reportTokenChallenge(tokens!.issuerName, epochSeconds, epoch);
    return `PrivateToken challenge="${encodeBase64Url(challenge.serialize())}", token-key="${encodeBase64Url(tokens!.keys.tokenKey)}"`;
  };

  app.post(REPORTS_PATH, { onRequest: rateLimit, bodyLimit: options.maxBody }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (mediaType(request.headers['content-type']) !== 'text/plain' || !Buffer.isBuffer(request.body)) {
      return reply.code(415).send(errorBody('unsupported_media_type', 'send the report as a body with Content-Type: text/plain'));
    }
    let epoch: number | null = null;
    try {
      const report = parseReport(decodeReportBody(request.body), rules);
      epoch = report.epoch;
      checkEpoch(report.epoch, options.currentEpoch());
      let tokenId: string | null = null;
      if (tokens !== null && report.token !== undefined) tokenId = await tokens.verifier.verify(report.token, epochSeconds, report.epoch);
      else if (tokens?.required) throw new ReportError(401, 'token_required', 'this server counts only reports with a token (see GET /v1/params "token")');
      const outcome = await committer.add({
        taxonomy: report.taxonomy,
        epochSeconds,
        epoch: report.epoch,
        segments: report.segments,
        nonce: report.nonce,
        tokenId,
        experiment: report.experiment ?? null,
      }); // settles after the commit that holds it
      if (outcome === 'token_spent') throw new ReportError(403, 'token_spent', 'this token was already spent on another report this epoch; get a new one');
      return reply.code(202).send({ ok: true, epoch: report.epoch }); // 'counted', or 'duplicate': a resend counted before
    } catch (error) {
      if (error instanceof ReportError) {
        if (error.statusCode === 401 && epoch !== null) reply.header('www-authenticate', await authenticate(epoch));
        return reply.code(error.statusCode).send(errorBody(error.code, error.message));
      }
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
