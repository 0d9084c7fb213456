// Builds what the browser tests load, once per run, and fails early with a clear message when Chromium
// is missing (npm test installs it; see scripts/test.js).

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export default function setup(): void {
  const root = resolve(__dirname, '../../..');
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) throw new Error(`Chromium not found at ${chromium}: run npm test (it installs Debian's chromium) or set CHROMIUM_PATH`);
  // The browser and package projects share this setup: build once per run.
  if (process.env.TACIT_SKIP_BUILD !== '1' && process.env.TACIT_BUILT_BY_SETUP !== '1') {
    process.env.TACIT_BUILT_BY_SETUP = '1';
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--config', 'demo/vite.config.ts'], { cwd: root, stdio: 'inherit' });
    // The npm packages' dist/ (test/packages/ serves and installs them).
    execFileSync('npx', ['tsx', 'scripts/build-packages.ts'], { cwd: root, stdio: 'inherit' });
  }
  // A tiny random-weight BERT for the engine tests (idempotent: skipped when already generated).
  execFileSync('npx', ['tsx', 'model/tiny-bert.ts', '--preset', 'tiny', '--out', 'test/fixtures/generated/tiny-bert'], { cwd: root, stdio: 'inherit' });
}
