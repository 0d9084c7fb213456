/**
 * Starts the aggregation server: `npm run server` (tsx server/main.ts).
 * Settings come from the environment (see server/config.ts).
 */
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openSqliteStore } from './storage/sqlite/sqlite-store.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const store = await openSqliteStore(config.dbPath);
  const app = await createApp(config, store);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app
      .close()
      .then(() => store.close())
      .catch((error: unknown) => console.error('tacit server: error while closing:', error))
      .finally(() => {
        console.log(`tacit server: stopped (${signal})`);
        process.exit(0);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  console.log(`tacit server: listening on http://${host}:${address.port} (database ${config.dbPath})`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`tacit server: configuration error: ${error.message}`);
  else console.error('tacit server: failed to start:', error);
  process.exit(1);
});
