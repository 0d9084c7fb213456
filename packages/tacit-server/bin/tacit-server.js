#!/usr/bin/env node
// The `tacit-server` command: the aggregation server compiled to JavaScript (dist/main.js, written by
// `npm run build`). Settings come from the environment (TACIT_* variables, see the package's README).
import { existsSync } from 'node:fs';

const server = new URL('../dist/main.js', import.meta.url);
if (!existsSync(server)) {
  console.error('tacit-server: dist/main.js is missing: this copy of tacit-server was not built (in the Tacit repository, run npm run build)');
  process.exit(1);
}
await import(server.href);
