// The load generator of the ingest benchmark, run in its own process (`tsx bench/ingest-load.ts JSON`):
// autocannon POSTs `amount` reports over `connections` keep-alive connections to `url` and prints
// its result as JSON. Every request carries a freshly written report body (protocol/report.ts), as
// real devices would send.

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
const result = await autocannon({
  url: `${spec.url}${REPORTS_PATH}`,
  connections: spec.connections,
  amount: spec.amount,
  method: 'POST',
  headers: { 'content-type': 'text/plain' },
  requests: [
    {
      setupRequest: (request: Record<string, unknown>) => ({
        ...request,
        body: writeReportBody({ taxonomy: spec.taxonomy, epoch: spec.epoch, segments: spec.segments }),
      }),
    },
  ],
});
process.stdout.write(JSON.stringify(result));
