// `npm start`: the main job. Builds Tacit and the demo shop, then starts the aggregation server and the
// demo shop on localhost, on the embedded default model, with no network access needed.
// `npm start -- --no-build` serves what the last build left in dist/.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { startStaticServer } from './static-server.js';

const DEMO_PORT = Number(process.env.DEMO_PORT ?? 5173);
const SERVER_PORT = Number(process.env.PORT ?? 8787);
const HOST = process.env.HOST ?? '127.0.0.1';

const skipBuild = process.argv.includes('--no-build');
const build = (args) => execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', ...args], { stdio: 'inherit' });
const hasDemo = existsSync('demo/vite.config.ts');
if (!skipBuild) {
  console.log('Building Tacit…');
  build([]);
  if (hasDemo) {
    console.log('Building the demo shop…');
    build(['--config', 'demo/vite.config.ts']);
  }
}

// The server runs in one child process (node --import tsx, not npx → tsx → node): a signal sent to
// it reaches the server itself, and `stop` waits for it to exit, so none is left running as an orphan.
let server = null;
let site = null;
let stopping = false;
if (existsSync('server/main.ts')) {
  mkdirSync('.tacit-data', { recursive: true });
  server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    stdio: 'inherit',
    env: {
      TACIT_ORIGINS: `http://${HOST}:${DEMO_PORT},http://localhost:${DEMO_PORT}`,
      // Short epochs so a tester sees a report and an aggregate within minutes.
      TACIT_EPOCH_SECONDS: '300',
      TACIT_K: '1',
      ...process.env,
      PORT: String(SERVER_PORT),
    },
  });
  server.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`aggregation server exited (${code ?? signal})`);
    process.exit(code ?? 1);
  });
}

/** Stops the server (SIGTERM: it commits what is queued; SIGKILL after 10 s) and the demo site, then exits. */
const stop = () => {
  if (stopping) return;
  stopping = true;
  const serverStopped =
    server && server.exitCode === null && server.signalCode === null
      ? new Promise((resolve) => {
          server.once('exit', resolve);
          server.kill('SIGTERM');
          setTimeout(() => server.kill('SIGKILL'), 10_000).unref();
        })
      : Promise.resolve();
  Promise.all([serverStopped, site?.close()]).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

site = await startStaticServer({
  port: DEMO_PORT,
  host: HOST,
  isolated: true,
  mounts: [
    { prefix: '/tacit/', dir: 'dist/tacit' },
    { prefix: '/', dir: hasDemo ? 'dist/demo' : 'test/support/browser/fixtures' },
  ],
});
console.log(`\n  Demo shop:           ${site.url}/`);
if (server) console.log(`  Aggregation server:  http://${HOST}:${SERVER_PORT}/  (dashboard)\n`);
