/**
 * The aggregation server's HTTP API (Fastify): this file only wires it together. Tests drive it
 * with `app.inject`; server/main.ts listens.
 *
 * Privacy rules enforced here: Fastify's logger is off (no access logs); no address, user agent or
 * raw report is stored; rate limiting is keyed by the socket object, not by address; the only thing
 * written is counters.
 *
 * Durability: a valid report is queued for the next group commit (group-commit.ts) and answered 202
 * only after the store has committed the batch holding it (storage/store.ts); if that commit fails,
 * 503 and nothing of its batch is counted.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { RandomSource } from '../core/random.ts';
import { epochOf } from '../protocol/epoch.ts';
import { reportRules } from '../protocol/params.ts';
import type { Taxonomy } from '../protocol/taxonomy.ts';
import type { ServerConfig } from './config.ts';
import { registerCors } from './cors.ts';
import { GroupCommitter } from './group-commit.ts';
import { describeFastifyError, errorBody } from './http-errors.ts';
import { ConnectionRateLimiter } from './rate-limit.ts';
import { ReleaseService } from './release-service.ts';
import { aggregatesRoutes } from './routes/aggregates.ts';
import { dashboardRoute } from './routes/dashboard.ts';
import { gatewayRoutes } from './routes/gateway.ts';
import { loadGatewayKeys } from './gateway/keys.ts';
import { experimentsRoute } from './routes/experiments.ts';
import { healthRoute } from './routes/health.ts';
import { paramsRoute } from './routes/params.ts';
import { reportsRoute } from './routes/reports.ts';
import { tokensRoutes } from './routes/tokens.ts';
import type { CountedReport, ReportOutcome, Store } from './storage/store.ts';
import { loadTaxonomy } from './taxonomy-file.ts';
import { TokenIssuer } from './tokens/issuer.ts';
import { loadTokenKeys } from './tokens/keys.ts';
import { TokenVerifier } from './tokens/verifier.ts';
import { TOKEN_REQUEST_LENGTH, TOKEN_REQUEST_MEDIA_TYPE } from '../protocol/token-params.ts';

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
}

/** How often the nonces and spent tokens of closed epochs are deleted. */
const SWEEP_INTERVAL_MS = 60_000;

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
    /** Starts a graceful shutdown: GET /health answers 503 from now on, so a load balancer takes this process out. */
    startDraining(): void;
  }
}

/**
 * The server on `store`. The store stays the caller's: closing the app commits what is queued,
 * then the caller closes the store.
 */
export async function createApp(config: ServerConfig, store: Store, options: AppOptions = {}): Promise<FastifyInstance> {
  const now = options.now ?? Date.now;
  const taxonomy = options.taxonomy ?? loadTaxonomy();
  const currentEpoch = (): number => epochOf(now(), config.epochSeconds);
  const committer = new GroupCommitter<CountedReport, ReportOutcome>({
    // A failed commit is answered 503 to each of its reports; the operator learns of it here (once
    // per batch, with the database's message only: no report content).
    commit: (reports) =>
      store.addReports(reports).catch((error: unknown) => {
        console.error(`tacit server: a commit of ${reports.length} report(s) failed; they were answered 503: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }),
    maxDelayMs: options.commitDelayMs,
    maxBatch: options.commitMaxBatch,
  });
  const tokenKeys = await loadTokenKeys(config);
  const gatewayKeys = await loadGatewayKeys(config);
  const releases = new ReleaseService({
    store,
    taxonomy,
    settings: config,
    flushQueuedReports: () => committer.flush(),
    random: options.releaseRandom,
  });

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

  let draining = false;
  app.decorate('startDraining', () => {
    draining = true;
  });
  app.decorate('reportQueue', {
    get pending() {
      return committer.pending;
    },
    get commits() {
      return committer.commits;
    },
  } satisfies ReportQueueStatus);

  // Reports are text/plain: a browser can POST them cross-origin without a preflight. Every other
  // type but the token request is 415. The bytes are kept as they are; the report route decodes
  // them as strict UTF-8, and each route checks that the type is its own.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('text/plain', { parseAs: 'buffer', bodyLimit: config.maxBody }, (_request, body, done) => {
    done(null, body);
  });
  // The one other type: a Privacy Pass token request (binary, fixed length), for POST /v1/tokens only.
  app.addContentTypeParser(TOKEN_REQUEST_MEDIA_TYPE, { parseAs: 'buffer', bodyLimit: TOKEN_REQUEST_LENGTH * 2 }, (_request, body, done) => {
    done(null, body);
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const { status, body } = describeFastifyError(error, config.maxBody);
    return reply.code(status).header('cache-control', 'no-store').send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
  registerCors(app, config.origins);

  paramsRoute(app, { params: { ...config, taxonomy }, token: tokenKeys?.params ?? null, currentEpoch });
  reportsRoute(app, {
    rules: reportRules({ taxonomy, slots: config.slots, experiment: config.experiment }),
    maxBody: config.maxBody,
    epochSeconds: config.epochSeconds,
    currentEpoch,
    committer,
    limiter: new ConnectionRateLimiter({ burst: config.rateBurst, perMinute: config.ratePerMinute, now }),
    tokens:
      tokenKeys === null
        ? null
        : { verifier: new TokenVerifier(tokenKeys, config.tokenIssuerName), keys: tokenKeys, issuerName: config.tokenIssuerName, required: config.requireToken },
  });
  if (tokenKeys?.privateKey) {
    const limits = { perAddress: config.tokensPerAddress, perMinute: config.tokensPerMinute, epochSeconds: config.epochSeconds, now };
    tokensRoutes(app, { issuer: new TokenIssuer({ ...tokenKeys, privateKey: tokenKeys.privateKey }, limits), keys: tokenKeys });
  }
  // Reports encapsulated for Oblivious HTTP, through a relay that hides the device's address (RFC 9458).
  if (gatewayKeys) gatewayRoutes(app, { keys: gatewayKeys, maxBody: config.maxBody });
  aggregatesRoutes(app, { releases, taxonomy, epochSeconds: config.epochSeconds, currentEpoch });
  const tokens = tokenKeys === null ? 'off' : config.requireToken ? 'required' : 'optional';
  const flushQueuedReports = () => committer.flush();
  dashboardRoute(app, { config, tokens, taxonomy, releases, store, currentEpoch, flushQueuedReports });
  experimentsRoute(app, { store, experiment: config.experiment, segmentEpsilon: config.epsilon, epochSeconds: config.epochSeconds, currentEpoch, flushQueuedReports });
  healthRoute(app, { store, draining: () => draining });

  // Nonces and spent tokens are kept only while their epoch takes reports.
  const sweep = setInterval(() => {
    store.sweep(Math.floor(now() / 1000)).catch((error: unknown) => console.error(`tacit server: sweeping closed epochs failed: ${error instanceof Error ? error.message : String(error)}`));
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  // Reports still queued when the server closes are committed (their requests are answered first).
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await committer.close();
  });

  await app.ready();
  // More connections than this are closed at once, unanswered (Node's own limit on the socket server).
  app.server.maxConnections = config.maxConnections;
  return app;
}
