/**
 * GET /v1/aggregates (the released epochs), GET /v1/aggregates/:epoch (one epoch's release), and
 * the releases as one export, GET /v1/aggregates.csv and GET /v1/aggregates.json.
 * An epoch is released only once it is closed (protocol/epoch.ts); open epochs answer 409. Whether an
 * epoch had reports shows nowhere: see release-service.ts.
 */
import type { FastifyInstance } from 'fastify';
import { epochClosesAtMs, isClosed } from '../../protocol/epoch.ts';
import { AGGREGATES_CSV_PATH, AGGREGATES_JSON_PATH, AGGREGATES_PATH } from '../../protocol/paths.ts';
import type { Taxonomy } from '../../protocol/taxonomy.ts';
import { releasesCsv } from '../aggregates-export.ts';
import { errorBody } from '../http-errors.ts';
import type { ReleaseService } from '../release-service.ts';

export interface AggregatesRouteOptions {
  releases: ReleaseService;
  taxonomy: Taxonomy;
  epochSeconds: number;
  currentEpoch(): number;
}

/** The largest time a JavaScript Date can hold (new Date(ms).toISOString() throws beyond it). */
const MAX_DATE_MS = 8.64e15;

/** The most releases a list or an export holds. */
const MAX_LISTED = 10_000;

export function aggregatesRoutes(app: FastifyInstance, { releases, taxonomy, epochSeconds, currentEpoch }: AggregatesRouteOptions): void {
  app.get(AGGREGATES_CSV_PATH, async (_request, reply) => {
    const csv = releasesCsv(await releases.latestReleases(currentEpoch(), MAX_LISTED));
    return reply
      .header('cache-control', 'no-cache')
      .header('content-disposition', `attachment; filename="tacit-aggregates-${taxonomy.version}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(csv);
  });

  app.get(AGGREGATES_JSON_PATH, async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    return { taxonomy, epochSeconds, releases: await releases.latestReleases(currentEpoch(), MAX_LISTED) };
  });

  app.get(AGGREGATES_PATH, async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    const epoch = currentEpoch();
    return {
      currentEpoch: epoch,
      epochs: (await releases.latestReleases(epoch, MAX_LISTED)).map((release) => ({
        taxonomy: release.taxonomy,
        epoch: release.epoch,
        startsAt: release.startsAt,
        endsAt: release.endsAt,
        reports: release.reports,
        href: `${AGGREGATES_PATH}/${release.epoch}`,
      })),
    };
  });

  app.get<{ Params: { epoch: string } }>(`${AGGREGATES_PATH}/:epoch`, async (request, reply) => {
    const text = request.params.epoch;
    const epoch = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(epoch)) {
      return reply.code(400).send(errorBody('invalid_epoch', `epoch must be a non-negative integer (got "${text}")`));
    }
    const current = currentEpoch();
    if (!isClosed(epoch, current)) {
      const closesAtMs = epochClosesAtMs(epoch, epochSeconds);
      if (closesAtMs > MAX_DATE_MS) {
        return reply.code(400).send(errorBody('invalid_epoch', `epoch ${epoch} lies beyond the last representable date`));
      }
      const closesAt = new Date(closesAtMs).toISOString();
      return reply
        .code(409)
        .header('cache-control', 'no-store')
        .send(errorBody('epoch_open', `epoch ${epoch} still accepts reports until ${closesAt}; its aggregates are released after that`, { closesAt }));
    }
    const json = await releases.releaseJson(epoch, current);
    if (json === null) return reply.code(404).send(errorBody('not_released', `nothing is released for epoch ${epoch}: it is older than the first epoch with reports`));
    return reply.header('cache-control', 'public, max-age=3600').type('application/json; charset=utf-8').send(json);
  });
}
