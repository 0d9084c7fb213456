/** The store the configuration asks for: PostgreSQL when TACIT_DATABASE_URL is set, else the SQLite file. */
import type { ServerConfig } from '../config.ts';
import { describeUrl } from './postgres/database.ts';
import { openPostgresStore } from './postgres/postgres-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export async function openStore(config: Pick<ServerConfig, 'databaseUrl' | 'dbPath' | 'epochSeconds'>): Promise<{ store: Store; description: string }> {
  // The epoch length is for migrating rows written before counters were keyed by it.
  const context = { epochSeconds: config.epochSeconds };
  if (config.databaseUrl !== null) {
    return { store: await openPostgresStore(config.databaseUrl, context), description: describeUrl(config.databaseUrl) };
  }
  return { store: await openSqliteStore(config.dbPath, context), description: `SQLite ${config.dbPath}` };
}
