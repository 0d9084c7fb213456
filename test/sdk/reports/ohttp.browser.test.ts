// Reports through an Oblivious HTTP relay, in Chromium against the real server (in process, as the
// gateway) and the test relay: the shop's config names the relay and the server's key configuration;
// the device's report (with its Privacy Pass token) leaves the page only as an encrypted message to the
// relay; the server counts it and sees the relay's connection (127.0.0.2), never the page's
// (127.0.0.1) for it. When the relay fails, the report waits: it never goes straight to the server.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Request } from 'playwright-core';
import { launchBrowser, newContext, ROOT } from '../../support/browser/harness.ts';
import {
  clockBeforeServerEpoch,
  isDocumentedReport,
  openShop,
  reportDue,
  serveFaultSite,
  startStatsServer,
  STATS_EPOCH_SECONDS,
  syncReady,
  tacit,
  tacitWarnings,
  type FaultSite,
  type StatsServer,
} from '../../support/browser/fault-support.ts';
import { startTestRelay, type TestRelay } from '../../support/ohttp-relay.ts';
import { OHTTP_PAD_TO } from '../../../protocol/ohttp.ts';

let browser: Browser;
let site: FaultSite;
let stats: StatsServer;
let relay: TestRelay;
let baseline = 0;
/** What reached the stats server over its sockets: method, path, and the connection's peer address. */
const serverSaw: { method: string; path: string; from: string | undefined }[] = [];

beforeAll(async () => {
  site = await serveFaultSite();
  stats = await startStatsServer(site.url, STATS_EPOCH_SECONDS, { ohttpGateway: true });
  stats.app.server.on('request', (req) => serverSaw.push({ method: req.method!, path: req.url!, from: req.socket.remoteAddress }));
  // The relay's connections to the server leave from another loopback address than the browser's.
  relay = await startTestRelay({ gateway: `${stats.url}/v1/gateway`, localAddress: '127.0.0.2' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await relay?.close();
  await site?.close();
  await stats?.close();
});
beforeEach(() => {
  baseline = stats.reports();
  serverSaw.length = 0;
  relay.exchanges.length = 0;
  relay.failWith(null);
});

type SyncResult = { sent: boolean; status?: number | string; reason?: string; ack?: unknown };

/** Every non-GET request the page makes, with the bytes it carries. */
function watchPosts(context: BrowserContext) {
  const posts: { url: string; type: string | undefined; referer: string | undefined; cookie: string | undefined; bytes: Buffer }[] = [];
  context.on('request', (r: Request) => {
    if (r.method() === 'GET' || r.method() === 'OPTIONS') return;
    const headers = r.headers();
    posts.push({ url: r.url(), type: headers['content-type'], referer: headers.referer, cookie: headers.cookie, bytes: r.postDataBuffer() ?? Buffer.alloc(0) });
  });
  return posts;
}

async function shopWithRelay(context: BrowserContext) {
  const posts = watchPosts(context);
  await clockBeforeServerEpoch(context);
  const init = {
    consent: 'granted',
    catalog: '/catalog.json',
    model: { id: 'no-such-model' },
    server: stats.url,
    privacy: { ohttp: { relay: relay.url, keyConfig: stats.app.ohttpKeyConfig } },
  };
  const { page, seen } = await openShop(context, site, { init });
  await syncReady(page);
  await reportDue(page);
  return { page, seen, posts };
}

describe('reports through an OHTTP relay (privacy.ohttp)', () => {
  it('the report goes to the relay encrypted; the server counts it and sees the relay\'s connection, not the page\'s', async () => {
    const context = await newContext(browser);
    const chunks: string[] = [];
    context.on('request', (r) => void (new URL(r.url()).pathname.startsWith('/tacit/chunks/') && chunks.push(new URL(r.url()).pathname)));
    const { page, seen, posts } = await shopWithRelay(context);
    expect(await tacit<SyncResult>(page, 'sync')).toMatchObject({ sent: true, status: 202, ack: { ok: true } });
    expect(stats.reports()).toBe(baseline + 1);
    // The OHTTP code came with the report, on Chromium's own X25519: the pure-JavaScript curve
    // (noble's getSharedSecret, in its own chunk) was never downloaded.
    expect(chunks.filter((c) => c.includes('ohttp-transport'))).toHaveLength(1);
    expect(chunks.filter((c) => readFileSync(resolve(ROOT, 'dist', c.slice(1)), 'utf8').includes('getSharedSecret'))).toEqual([]);

    // The page: one token request to the server, one opaque message to the relay, no report in the clear.
    const info = await tacit<{ lastReport: { body: string; status: number }; privacy: { relay: string } }>(page, 'inspect');
    expect(isDocumentedReport(info.lastReport.body)).toBe(true); // with its Privacy Pass token
    expect(info.privacy.relay).toBe(relay.url);
    const report = JSON.parse(info.lastReport.body) as { nonce: string; token: string };
    expect(posts.map((p) => [new URL(p.url).pathname, p.type])).toEqual([
      ['/v1/tokens', 'application/private-token-request'],
      ['/relay', 'message/ohttp-req'],
    ]);
    const toRelay = posts[1];
    expect(toRelay.bytes.length).toBe(7 + 32 + OHTTP_PAD_TO + 16);
    for (const clear of ['segments', report.nonce, report.token.slice(0, 40)]) expect(toRelay.bytes.includes(clear)).toBe(false);
    expect([toRelay.referer || null, toRelay.cookie || null]).toEqual([null, null]); // no-referrer, credentials omitted

    // The relay saw the page's address; the server saw the report only from the relay's connection.
    expect(relay.exchanges).toEqual([{ client: '127.0.0.1', contentType: 'message/ohttp-req', bytes: 7 + 32 + OHTTP_PAD_TO + 16, status: 200 }]);
    expect(serverSaw.filter((r) => r.method === 'POST')).toEqual([
      { method: 'POST', path: '/v1/tokens', from: '127.0.0.1' },
      { method: 'POST', path: '/v1/gateway', from: '127.0.0.2' },
    ]);
    expect(serverSaw.filter((r) => r.from === '127.0.0.2')).toHaveLength(1);

    expect(seen.uncaught).toEqual([]);
    expect(tacitWarnings(seen.warnings, /report|relay|ohttp|server|token/)).toEqual([]);
    await context.close();
  });

  it('a failing relay: the report waits in IndexedDB, never goes straight to the server, and goes through once the relay is back', async () => {
    const context = await newContext(browser);
    const { page, seen, posts } = await shopWithRelay(context);
    relay.failWith(502);
    expect(await tacit<SyncResult>(page, 'sync')).toMatchObject({ sent: false, status: 'network-error' });
    expect(stats.reports()).toBe(baseline);
    expect((await tacit<{ pendingReport: { attempts: number } | null }>(page, 'inspect')).pendingReport).toMatchObject({ attempts: 1 });
    relay.failWith(null);
    expect(await tacit<SyncResult>(page, 'sync')).toMatchObject({ sent: true, status: 202 }); // sync() sends a pending report now
    expect(stats.reports()).toBe(baseline + 1);
    expect(relay.exchanges.map((e) => e.status)).toEqual([502, 200]);
    expect(posts.filter((p) => new URL(p.url).pathname === '/v1/reports')).toEqual([]);
    expect(serverSaw.filter((r) => r.path === '/v1/reports')).toEqual([]);
    expect(seen.uncaught).toEqual([]);
    await context.close();
  });

  it('a browser without WebCrypto X25519 loads the pure-JavaScript curve and sends the same way', async () => {
    const context = await newContext(browser);
    // What an older browser does (Safari 16, Firefox 129): X25519 is not a WebCrypto algorithm there, on
    // the page nor in the worker, which encrypts the report (harness.ts workerFollowsPage).
    await context.addInitScript(() => {
      (window as { tacitTestWorker?: Record<string, string> }).tacitTestWorker = { x25519: 'none' };
      const importKey = SubtleCrypto.prototype.importKey;
      SubtleCrypto.prototype.importKey = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['importKey']>) {
        const algorithm = args[2] as { name?: string } | string;
        if ((typeof algorithm === 'string' ? algorithm : algorithm?.name) === 'X25519') return Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'));
        return importKey.apply(this, args) as Promise<CryptoKey>;
      } as SubtleCrypto['importKey'];
    });
    const chunks: string[] = [];
    context.on('request', (r) => void (new URL(r.url()).pathname.startsWith('/tacit/chunks/') && chunks.push(new URL(r.url()).pathname)));
    const { page, seen } = await shopWithRelay(context);
    expect(await tacit<SyncResult>(page, 'sync')).toMatchObject({ sent: true, status: 202 });
    expect(stats.reports()).toBe(baseline + 1);
    expect(chunks.filter((c) => readFileSync(resolve(ROOT, 'dist', c.slice(1)), 'utf8').includes('getSharedSecret'))).toHaveLength(1);
    expect(seen.uncaught).toEqual([]);
    await context.close();
  });
});
