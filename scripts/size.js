// `npm run size`: builds, then prints the gzipped sizes in bytes as one JSON object (brotli beside them).
import { execFileSync } from 'node:child_process';
import { measureBundle } from './sizes.js';

execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
const sizes = measureBundle();
const pick = (kind) => Object.fromEntries(Object.entries(sizes).filter(([, v]) => v).map(([k, v]) => [k, v[kind]]));
console.log(JSON.stringify({ ...pick('gzip'), brotli: pick('brotli') }));
