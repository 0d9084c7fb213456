#!/usr/bin/env node
// The `tacit-sdk` command: the CLI compiled to JavaScript (dist/cli.js, written by `npm run build`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('tacit-sdk: dist/cli.js is missing: this copy of tacit-sdk was not built (in the Tacit repository, run npm run build)');
  process.exit(1);
}
await import(cli.href);
