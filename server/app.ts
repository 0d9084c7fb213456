/**
 * The aggregation server's HTTP API (Fastify). Tests drive it with
 * `app.inject`; server/main.ts listens.
 *
 * Privacy rules enforced here: Fastify's logger is off (no access logs); no
 * address, user agent or raw report is stored; rate limiting is keyed by the
 * socket object, not by address; the only thing written is counters.
 *
 * Durability: a valid report is queued for the next group commit (see
 * group-commit.ts) and answered 202 only after the transaction holding it is
 * on disk; if that commit fails, 503 and nothing of its batch is counted.
 * With a database file, commits run on a writer thread (sqlite-writer.ts) so
 * that their fsync does not stall the HTTP thread; reads stay on `db`.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { krrProbabilities } from '../core/randomized-response.ts';
import type { RandomSource } from '../core/random.ts';
import type { ServerConfig } from './config.ts';
import { renderDashboard } from './dashboard.ts';
import type { SqliteDatabase } from './db.ts';
import { acceptsReports, epochClosesAtMs, epochOf, epochStartMs, isClosed } from '../protocol/epoch.ts';
import { ConnectionRateLimiter } from './rate-limit.ts';
import { CommitError, CommitterClosedError, GroupCommitter } from './group-commit.ts';
import { computeRelease, type Release } from './release.ts';
import { paramsBody } from '../protocol/params.ts';
import { PARAMS_PATH, REPORTS_PATH } from '../protocol/paths.ts';
import { decodeReportBody, parseReport, ReportError, type ReportRules } from '../protocol/report.ts';
import { SqliteWriter } from './sqlite-writer.ts';
import { COUNT_STATEMENTS, createStore, reportWriteOps, type CountedReport } from './store.ts';
import { taxonomyDomain, type Taxonomy } from '../protocol/taxonomy.ts';
import { loadTaxonomy } from './taxonomy-file.ts';

export interface AppOptions {
  /** clock in Unix milliseconds (tests move it to close epochs) */
  now?: () => number;
  /** defaults to server/taxonomy.json */
  taxonomy?: Taxonomy;
  /** uniform source for release noise; crypto by default */
  releaseRandom?: RandomSource;
  /** group commit: longest wait before a queued report is committed; 0 (default) = end of the event-loop turn */
  commitDelayMs?: number;
  /** group commit: commit at once when this many reports are queued (default 1000) */
  commitMaxBatch?: number;
  /** commit on a writer thread (default true; an in-memory database always commits on this thread) */
  writerThread?: boolean;
}

/** The group-commit queue of POST /v1/reports, for diagnostics and tests. */
export interface ReportQueueStatus {
  /** reports validated and waiting for their commit */
  readonly pending: number;
  /** successful group commits since start */
  readonly commits: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly reportQueue: ReportQueueStatus;
  }
}

interface ErrorBody {
  ok: false;
  error: string;
  message: string;
  [extra: string]: unknown;
}

function errorBody(error: string, message: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { ok: false, error, message, ...extra };
}

/** Fastify's own 4xx errors, mapped to our stable codes and plainer messages. */
function describeFastifyError(error: FastifyError, config: ServerConfig): { status: number; body: ErrorBody } {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: errorBody('unsupported_media_type', 'send the report with Content-Type: text/plain') };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody('body_too_large', `the body is larger than ${config.maxBody} bytes`) };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: errorBody('invalid_body', error.message) };
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  return status === 500
    ? { status, body: errorBody('internal_error', 'internal server error') }
    : { status, body: errorBody('bad_request', error.message) };
}

/** The largest time a JavaScript Date can hold (new Date(ms).toISOString() throws beyond it). */
const MAX_DATE_MS = 8.64e15;

export async function createApp(config: ServerConfig, db: SqliteDatabase, options: AppOptions = {}): Promise<FastifyInstance> {
  const now = options.now ?? Date.now;
  const taxonomy = options.taxonomy ?? loadTaxonomy();
  const domain = taxonomyDomain(taxonomy);
  const rules: ReportRules = { taxonomyVersion: taxonomy.version, domain: new Set(domain), slots: config.slots };
  const { p, q } = krrProbabilities(domain.length, config.epsilon / config.slots);
  const store = createStore(db);
  let writer: SqliteWriter | null = null; // started last, once nothing else can fail
  // A failed commit is answered 503 to each of its reports; the operator learns of it here (once per batch,
  // with the database's message only: no report content).
  const logCommitFailure = (count: number, error: unknown): never => {
    console.error(`tacit server: a commit of ${count} report(s) failed; they were answered 503: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  };
  const commitReports = (reports: readonly CountedReport[]): void | Promise<void> => {
    if (writer) return writer.run(reportWriteOps(reports)).catch((error: unknown) => logCommitFailure(reports.length, error));
    try {
      store.addReports(reports);
    } catch (error) {
      logCommitFailure(reports.length, error);
    }
  };
  const committer = new GroupCommitter<CountedReport>({
    commit: commitReports,
    maxDelayMs: options.commitDelayMs,
    maxBatch: options.commitMaxBatch,
  });
  const allowedOrigins = new Set(config.origins);
  const limiter = new ConnectionRateLimiter({ burst: config.rateBurst, perMinute: config.ratePerMinute, now });
  const currentEpoch = (): number => epochOf(now(), config.epochSeconds);
  const iso = (ms: number): string => new Date(ms).toISOString();

  const app = Fastify({
    logger: false, // no access logs: nothing about who sent what is written anywhere
    bodyLimit: config.maxBody,
    trustProxy: false,
    // A whole request (headers and body) must arrive within requestTimeoutMs, or Node answers 408
    // and closes the connection: slowloris clients cannot hold sockets open by dribbling bytes.
    // Node checks these deadlines every connectionsCheckingInterval (default 30 s): check every second.
    requestTimeout: config.requestTimeoutMs,
    http: { connectionsCheckingInterval: 1000, headersTimeout: config.requestTimeoutMs },
    // A device sends one report per epoch: an idle keep-alive connection is not worth holding long.
    keepAliveTimeout: 5000,
  });

  app.decorate('reportQueue', {
    get pending() {
      return committer.pending;
    },
    get commits() {
      return committer.commits;
    },
  } satisfies ReportQueueStatus);

  // Only text/plain bodies exist in this API: a browser can POST them
  // cross-origin without a preflight. Everything else is 415. The bytes are
  // kept as they are; the handler decodes them as strict UTF-8.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('text/plain', { parseAs: 'buffer', bodyLimit: config.maxBody }, (_request, body, done) => {
    done(null, body);
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const { status, body } = describeFastifyError(error, config);
    return reply.code(status).header('cache-control', 'no-store').send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  // CORS allow-list for the API. Requests without Origin (curl, same-origin
  // navigations) pass; a browser request from an origin not on the list is
  // refused before its body is read and gets no Access-Control-Allow-Origin.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (!request.url.startsWith('/v1/')) return;
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (!allowedOrigins.has(origin)) {
      return reply.code(403).header('cache-control', 'no-store').send(errorBody('origin_not_allowed', 'this origin is not allowed to use this server (see TACIT_ORIGINS)'));
    }
    reply.header('access-control-allow-origin', origin);
    // A device must be able to read how long a 429 asks it to wait.
    reply.header('access-control-expose-headers', 'Retry-After');
  });

  // Preflight, for clients that send a non-simple request anyway.
  app.options('/v1/*', async (_request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST')
      .header('access-control-allow-headers', 'Content-Type')
      .header('access-control-max-age', '600')
      .send(),
  );

  app.get(PARAMS_PATH, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return paramsBody({ taxonomy, epsilon: config.epsilon, slots: config.slots, epochSeconds: config.epochSeconds, k: config.k, releaseEpsilon: config.releaseEpsilon }, currentEpoch());
  });

  const rateLimit = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const decision = limiter.take(request.raw.socket);
    if (decision.allowed) return undefined;
    return reply
      .code(429)
      .header('retry-after', String(decision.retryAfterSeconds))
      .header('cache-control', 'no-store')
      .send(errorBody('rate_limited', `too many requests on this connection; retry after ${decision.retryAfterSeconds} s`));
  };

  app.post(REPORTS_PATH, { onRequest: rateLimit, bodyLimit: config.maxBody }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (!Buffer.isBuffer(request.body)) {
      return reply.code(415).send(errorBody('unsupported_media_type', 'send the report as a body with Content-Type: text/plain'));
    }
    try {
      const report = parseReport(decodeReportBody(request.body), rules);
      const epoch = currentEpoch();
      if (!acceptsReports(report.epoch, epoch)) {
        const future = report.epoch > epoch;
        throw new ReportError(
          422,
          future ? 'epoch_in_future' : 'epoch_closed',
          future
            ? `epoch ${report.epoch} has not started; the current epoch is ${epoch}`
            : `epoch ${report.epoch} no longer accepts reports; send reports for epoch ${epoch} (or ${epoch - 1})`,
          );
      }
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

  // Reports still queued when the server closes are committed (their requests are answered first).
  app.addHook('onClose', async () => {
    await committer.close();
    await writer?.close();
  });

  /** The stored release of a closed epoch, computing and storing it on first use; null without reports. */
  const releaseJson = async (epoch: number): Promise<string | null> => {
    const stored = store.release(taxonomy.version, epoch);
    if (stored !== null) return stored;
    // A report for this epoch accepted just before it closed may still be queued: count it first,
    // or the stored release would miss it forever. (Reports validated from now on are refused.)
    await committer.flush();
    const counts = store.epochCounts(taxonomy.version, epoch);
    if (counts === null) return null;
    const release = computeRelease({
      taxonomy: taxonomy.version,
      epoch,
      epochSeconds: config.epochSeconds,
      segments: taxonomy.segments,
      counts: counts.counts,
      epsilon: config.epsilon,
      slots: config.slots,
      k: config.k,
      releaseEpsilon: config.releaseEpsilon,
      random: options.releaseRandom,
    });
    return store.saveReleaseOnce(taxonomy.version, epoch, JSON.stringify(release));
  };

  /** Releases every closed epoch that has reports (current taxonomy), newest first. */
  const releaseClosedEpochs = async (): Promise<Release[]> => {
    const closedBefore = currentEpoch() - 1; // epochs < current − 1 are closed
    await committer.flush(); // so that epochsBefore also sees an epoch whose only reports are queued
    const releases: Release[] = [];
    for (const summary of store.epochsBefore(closedBefore)) {
      if (summary.taxonomy !== taxonomy.version) continue;
      const json = await releaseJson(summary.epoch);
      if (json !== null) releases.push(JSON.parse(json) as Release);
    }
    return releases;
  };

  app.get('/v1/aggregates', async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    const epoch = currentEpoch();
    return {
      currentEpoch: epoch,
      epochs: (await releaseClosedEpochs()).map((release) => ({
        taxonomy: release.taxonomy,
        epoch: release.epoch,
        startsAt: release.startsAt,
        endsAt: release.endsAt,
        reports: release.reports,
        href: `/v1/aggregates/${release.epoch}`,
      })),
    };
  });

  app.get<{ Params: { epoch: string } }>('/v1/aggregates/:epoch', async (request, reply) => {
    const text = request.params.epoch;
    const epoch = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(epoch)) {
      return reply.code(400).send(errorBody('invalid_epoch', `epoch must be a non-negative integer (got "${text}")`));
    }
    const current = currentEpoch();
    if (!isClosed(epoch, current)) {
      const closesAtMs = epochClosesAtMs(epoch, config.epochSeconds);
      if (closesAtMs > MAX_DATE_MS) {
        return reply.code(400).send(errorBody('invalid_epoch', `epoch ${epoch} lies beyond the last representable date`));
      }
      const closesAt = iso(closesAtMs);
      return reply
        .code(409)
        .header('cache-control', 'no-store')
        .send(errorBody('epoch_open', `epoch ${epoch} still accepts reports until ${closesAt}; its aggregates are released after that`, { closesAt }));
    }
    const json = await releaseJson(epoch);
    if (json === null) return reply.code(404).send(errorBody('no_reports', `epoch ${epoch} received no reports`));
    return reply.header('cache-control', 'public, max-age=3600').type('application/json; charset=utf-8').send(json);
  });

  app.get('/', async (_request, reply) => {
    const epoch = currentEpoch();
    const html = renderDashboard({
      taxonomyVersion: taxonomy.version,
      segmentCount: taxonomy.segments.length,
      epsilon: config.epsilon,
      slots: config.slots,
      p,
      q,
      epochSeconds: config.epochSeconds,
      k: config.k,
      releaseEpsilon: config.releaseEpsilon,
      currentEpoch: epoch,
      currentEpochEndsAt: iso(epochStartMs(epoch + 1, config.epochSeconds)),
      releases: (await releaseClosedEpochs()).slice(0, 8),
    });
    return reply
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'")
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(html);
  });

  if (!db.memory && options.writerThread !== false) writer = await SqliteWriter.start(db.name, COUNT_STATEMENTS);
  try {
    await app.ready();
  } catch (error) {
    await writer?.close();
    throw error;
  }
  return app;
}
