// Benchmark: what sending reports through an Oblivious HTTP relay costs (privacy.ohttp, RFC 9458).
//   - on the server: one encapsulated report through POST /v1/gateway (decrypt, the report route by
//     inject, encrypt the answer), against the same report posted to POST /v1/reports, both by inject
//     into the real app (SQLite in memory, tokens off), in the same run;
//   - on the device (Node's WebCrypto, as in Chromium): writing and encrypting the request, opening
//     the answer;
//   - the bytes that leave the device: the encapsulated request against the report body itself.

import { makeConfig } from '../server/config.ts';
import { createApp } from '../server/app.ts';
import { openSqliteStore } from '../server/storage/sqlite/sqlite-store.ts';
import { decodeResponse, encodeRequest } from '../protocol/binary-http.ts';
import { decodeKeyConfig, encapsulateRequest, OHTTP_PAD_TO } from '../protocol/ohttp.ts';
import { writeReportBody } from '../protocol/report.ts';
import { epochOf } from '../protocol/epoch.ts';
import { decodeBase64Url } from '../protocol/token-params.ts';
import { compared, timing, type BenchResult } from './lib/results.ts';
import { spread } from './lib/stats.ts';

const ROUNDS = 7;
const PER_ROUND = 200;

export async function benchOhttp(): Promise<BenchResult[]> {
  const store = await openSqliteStore(':memory:');
  const config = makeConfig({ dbPath: ':memory:', requireToken: false, ohttpGateway: true, rateBurst: 1e6, ratePerMinute: 1e6 });
  const app = await createApp(config, store);
  try {
    const keyConfig = decodeKeyConfig(decodeBase64Url(app.ohttpKeyConfig!));
    const epoch = epochOf(Date.now(), config.epochSeconds);
    const body = () => writeReportBody({ taxonomy: 1, epoch, segments: [3, 0, 17] });
    const message = (text: string) =>
      encodeRequest({ method: 'POST', scheme: 'https', authority: 'stats.shop.example', path: '/v1/reports', headers: [['content-type', 'text/plain']], content: new TextEncoder().encode(text) }, OHTTP_PAD_TO);

    const direct: number[] = [];
    const gateway: number[] = [];
    const device: number[] = [];
    let requestBytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Encapsulations made ahead, so the gateway's time is the server's alone.
      const sent = await Promise.all(Array.from({ length: PER_ROUND }, () => encapsulateRequest(keyConfig, message(body()))));
      requestBytes = sent[0].encapsulated.length;
      let start = performance.now();
      for (let i = 0; i < PER_ROUND; i++) await app.inject({ method: 'POST', url: '/v1/reports', headers: { 'content-type': 'text/plain' }, payload: body() });
      direct.push((performance.now() - start) / PER_ROUND);
      const answers: Buffer[] = [];
      start = performance.now();
      for (const s of sent) answers.push((await app.inject({ method: 'POST', url: '/v1/gateway', headers: { 'content-type': 'message/ohttp-req' }, payload: Buffer.from(s.encapsulated) })).rawPayload);
      gateway.push((performance.now() - start) / PER_ROUND);
      start = performance.now();
      for (let i = 0; i < PER_ROUND; i++) {
        const again = await encapsulateRequest(keyConfig, message(body()));
        void again;
        const status = decodeResponse(await sent[i].openResponse(new Uint8Array(answers[i]))).status;
        if (status !== 202) throw new Error(`the gateway answered ${status} inside`);
      }
      device.push((performance.now() - start) / PER_ROUND);
    }
    const reportBytes = new TextEncoder().encode(body()).length;
    return [
      compared(timing('OHTTP: one report through POST /v1/gateway (server)', 'ms', spread(gateway), { note: `${PER_ROUND} reports a run, inject, SQLite in memory` }), 'the same report to POST /v1/reports', spread(direct).value),
      timing('OHTTP: encapsulate a report and open the answer (device, WebCrypto X25519)', 'ms', spread(device), { note: 'Node 20 WebCrypto, as Chromium' }),
      compared({ name: 'OHTTP: bytes posted to the relay (padded to 1 KiB)', unit: 'B', value: requestBytes }, 'the report body without a token', reportBytes),
    ];
  } finally {
    await app.close();
    await store.close();
  }
}
