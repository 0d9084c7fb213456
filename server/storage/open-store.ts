/** The store the configuration asks for: PostgreSQL when TACIT_DATABASE_URL is set, else the SQLite file. */
import type { ServerConfig } from '../config.ts';
import { describeUrl } from './postgres/database.ts';
import { openPostgresStore } from './postgres/postgres-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export async function openStore(config: Pick<ServerConfig, 'databaseUrl' | 'dbPath'>): Promise<{ store: Store; description: string }> {
  if (config.databaseUrl !== null) {
    return { store: await openPostgresStore(config.databaseUrl), description: describeUrl(config.databaseUrl) };
  }
  return { store: await openSqliteStore(config.dbPath), description: `SQLite ${config.dbPath}` };
}
