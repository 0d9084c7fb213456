import type { FastifyInstance } from 'fastify';
import { writeReportBody } from '../../protocol/report.ts';
import { createApp, type AppOptions } from '../../server/app.ts';
import { makeConfig, type ServerConfig } from '../../server/config.ts';
import type { SqliteDatabase } from '../../server/storage/sqlite/database.ts';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../../server/storage/sqlite/sqlite-store.ts';

export const WEEK = 604_800;
/** A fixed instant inside epoch 3000 of one-week epochs (2027-07-…). */
export const T0 = 3000 * WEEK * 1000 + 12_345_000;
export const EPOCH0 = 3000;

export interface TestServer {
  app: FastifyInstance;
  store: SqliteStore;
  /** the store's connection, for reading rows */
  db: SqliteDatabase;
  config: ServerConfig;
  clock: { ms: number };
  close(): Promise<void>;
}

export async function makeTestServer(
  overrides: Partial<ServerConfig> = {},
  options: AppOptions = {},
  dbPath = ':memory:',
  storeOptions: SqliteStoreOptions = {},
): Promise<TestServer> {
  // Tests of counting, parsing and releases post reports directly: tokens off unless a test asks for
  // them (test/server/tokens.test.ts and poisoning.test.ts do; the device's own tests use them).
  const config = makeConfig({ dbPath, requireToken: false, ...overrides });
  const store = await openSqliteStore(dbPath, storeOptions);
  const clock = { ms: T0 };
  const app = await createApp(config, store, { now: () => clock.ms, ...options });
  return {
    app,
    store,
    db: store.database,
    config,
    clock,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** Every counter row (whatever the epoch length), for "nothing changed" assertions. */
export function counters(db: SqliteDatabase): unknown {
  return {
    reports: db.prepare('SELECT taxonomy, epoch, reports FROM epoch_reports ORDER BY taxonomy, epoch_seconds, epoch').all(),
    counts: db.prepare('SELECT taxonomy, epoch, value, count FROM epoch_counts ORDER BY taxonomy, epoch_seconds, epoch, value').all(),
  };
}

/** A valid report body, as the device writes it (with a fresh nonce: every call is a new report). */
export function reportBody(epoch: number, segments: number[], taxonomy = 1): string {
  return writeReportBody({ taxonomy, epoch, segments });
}

export async function postReport(app: FastifyInstance, payload: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/v1/reports', headers: { 'content-type': 'text/plain', ...headers }, payload });
}
