// The load generator of the ingest benchmark, run in its own process (`tsx bench/ingest-load.ts JSON`):
// autocannon POSTs `amount` reports over `connections` keep-alive connections to `url` and prints
// its result as JSON. Every request carries its own report (protocol/report.ts: its own nonce), as
// real devices send.

import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { writeReportBody } from '../protocol/report.ts';
import { REPORTS_PATH } from '../protocol/paths.ts';

export interface LoadSpec {
  url: string;
  connections: number;
  amount: number;
  taxonomy: number;
  epoch: number;
  segments: number[];
}

const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
// Every body is written before the run (each with its own nonce, from one bulk draw of random bytes),
// so that the generator spends the run sending, not drawing random numbers on the server's cores.
const random = randomBytes(16 * spec.amount);
const bodies = Array.from({ length: spec.amount }, (_, i) =>
  writeReportBody({ taxonomy: spec.taxonomy, epoch: spec.epoch, segments: spec.segments, nonce: random.subarray(16 * i, 16 * i + 16).toString('base64url') }),
);
let next = 0;
const result = await autocannon({
  url: `${spec.url}${REPORTS_PATH}`,
  connections: spec.connections,
  amount: spec.amount,
  method: 'POST',
  headers: { 'content-type': 'text/plain' },
  requests: [
    {
      setupRequest: (request: Record<string, unknown>) => ({ ...request, body: bodies[next++ % bodies.length] }),
    },
  ],
});
process.stdout.write(JSON.stringify(result));
