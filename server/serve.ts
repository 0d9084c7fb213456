/**
 * The server process: configuration, taxonomy, store, HTTP, and a graceful shutdown.
 *
 * On SIGTERM or SIGINT: the health check turns 503 (a load balancer stops sending new requests),
 * after TACIT_SHUTDOWN_DRAIN_MS the server stops accepting connections, answers the requests in
 * flight, commits every queued report (their 202s go out only after that), and closes the database.
 */
import type { AddressInfo } from 'node:net';
import { DEFAULT_MAX_EPSILON } from '../core/privacy-accountant.ts';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { openStore } from './storage/open-store.ts';
import { loadTaxonomy, loadTaxonomyFile } from './taxonomy-file.ts';

export interface ServeOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** clock in Unix milliseconds (tests run a process in another epoch) */
  now?: () => number;
}

export async function serve(options: ServeOptions = {}): Promise<void> {
  const config = loadConfig(options.env);
  const taxonomy = config.taxonomyPath === null ? loadTaxonomy() : loadTaxonomyFile(config.taxonomyPath);
  const { store, description } = await openStore(config);
  const app = await createApp(config, store, { taxonomy, now: options.now }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app.startDraining();
    new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs))
      .then(() => app.close())
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
  const segments = `taxonomy version ${taxonomy.version}, ${taxonomy.segments.length} segments`;
  console.log(`tacit server: listening on http://${host}:${address.port} (database ${description}; ${segments})`);
  if (config.experiment !== null) {
    const { id, arms, epsilon } = config.experiment;
    const total = config.epsilon + epsilon;
    const cap = total > DEFAULT_MAX_EPSILON + 1e-9 ? `; above the devices' default cap of ${DEFAULT_MAX_EPSILON}, so devices with default settings leave the experiment part out` : '';
    console.log(`tacit server: experiment "${id}" (${arms.join(' / ')}): a report with it spends ε = ${total} (segments ${config.epsilon} + experiment ${epsilon})${cap}`);
  }
  if (config.requireToken && config.tokenKeyPath === null && config.tokenPublicKeyPath === null) {
    console.log('tacit server: report tokens required, with an issuer key made for this process only (set TACIT_TOKEN_KEY to keep one across restarts)');
  }
  if (app.ohttpKeyConfig !== undefined) {
    const made = config.ohttpKeyPaths.length === 0 ? ', made for this process only (set TACIT_OHTTP_KEY to keep one)' : '';
    console.log(`tacit server: OHTTP gateway on; devices' privacy.ohttp.keyConfig: ${app.ohttpKeyConfig}${made}`);
  }
}
