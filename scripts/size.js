// `npm run size`: builds, then prints the gzipped sizes in bytes as one JSON object.
import { execFileSync } from 'node:child_process';
import { measureBundle } from './sizes.js';

execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
const sizes = measureBundle();
const out = { snippet: sizes.snippet.gzip, sdk: sizes.sdk.gzip };
if (sizes.worker) out.worker = sizes.worker.gzip;
out.brotli = Object.fromEntries(Object.entries(sizes).filter(([, v]) => v).map(([k, v]) => [k, v.brotli]));
console.log(JSON.stringify(out));
