#!/usr/bin/env node
// The `tacit` command. The CLI is written in TypeScript (cli/*.ts, sharing worker/core with the
// browser worker), so this launcher registers tsx's loader and then runs cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../cli/main.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
