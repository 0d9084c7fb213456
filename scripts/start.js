// `npm start`: the main job. Builds Tacit and the demo shop, then starts the aggregation server and the
// demo shop on localhost, on the embedded default model, with no network access needed.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { startStaticServer } from './static-server.js';

const DEMO_PORT = Number(process.env.DEMO_PORT ?? 5173);
const SERVER_PORT = Number(process.env.PORT ?? 8787);
const HOST = process.env.HOST ?? '127.0.0.1';

const build = (args) => execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', ...args], { stdio: 'inherit' });
console.log('Building Tacit…');
build([]);
const hasDemo = existsSync('demo/vite.config.ts');
if (hasDemo) {
  console.log('Building the demo shop…');
  build(['--config', 'demo/vite.config.ts']);
}

let server = null;
if (existsSync('server/main.ts')) {
  mkdirSync('.tacit-data', { recursive: true });
  server = spawn('npx', ['tsx', 'server/main.ts'], {
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
  server.on('exit', (code) => {
    console.error(`aggregation server exited (${code})`);
    process.exit(code ?? 1);
  });
}

const site = await startStaticServer({
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

const stop = () => {
  server?.kill('SIGTERM');
  site.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
