/** GET /: the HTML dashboard (dashboard-page.ts renders it; no scripts, no external assets). */
import type { FastifyInstance } from 'fastify';
import { krrProbabilities } from '../../core/randomized-response.ts';
import { epochStartMs } from '../../protocol/epoch.ts';
import { taxonomyDomain, type Taxonomy } from '../../protocol/taxonomy.ts';
import type { ServerConfig } from '../config.ts';
import { renderDashboard } from '../dashboard-page.ts';
import type { ReleaseService } from '../release-service.ts';
import { experimentsView } from '../experiments-view.ts';
import { DEFAULT_POWER } from './experiments.ts';
import type { Store } from '../storage/store.ts';

export interface DashboardRouteOptions {
  config: ServerConfig;
  /** whether the server takes report tokens */
  tokens: 'required' | 'optional' | 'off';
  taxonomy: Taxonomy;
  releases: ReleaseService;
  store: Store;
  currentEpoch(): number;
  flushQueuedReports(): Promise<void>;
}

/** How many released epochs the page shows (and charts). */
const SHOWN_RELEASES = 24;

export function dashboardRoute(app: FastifyInstance, { config, tokens, taxonomy, releases, store, currentEpoch, flushQueuedReports }: DashboardRouteOptions): void {
  const { p, q } = krrProbabilities(taxonomyDomain(taxonomy).length, config.epsilon / config.slots);
  app.get('/', async (_request, reply) => {
    const epoch = currentEpoch();
    const reportsIn = async (e: number): Promise<number> =>
      (await store.epochCounts({ taxonomy: taxonomy.version, epochSeconds: config.epochSeconds, epoch: e }))?.reports ?? 0;
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
      tokens,
      currentEpoch: epoch,
      currentEpochEndsAt: new Date(epochStartMs(epoch + 1, config.epochSeconds)).toISOString(),
      currentReports: await reportsIn(epoch),
      previousReports: await reportsIn(epoch - 1),
      releases: await releases.latestReleases(epoch, SHOWN_RELEASES),
      experiment:
        config.experiment === null
          ? undefined
          : await experimentsView({
              store,
              experiment: config.experiment,
              segmentEpsilon: config.epsilon,
              epochSeconds: config.epochSeconds,
              currentEpoch: epoch,
              flushQueuedReports,
              ...DEFAULT_POWER,
            }),
    });
    return reply
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'")
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(html);
  });
}
