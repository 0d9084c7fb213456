// Shared pieces of the browser fault tests: a shop page built around the real snippet (optionally under
// a CSP, sent as a response header like a real shop would), the aggregation server in process, and the
// checks every fault test makes (no page error, at most one warning per fault, nothing but the
// documented report leaves the page).

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { NONCE_PATTERN } from '../../../protocol/report.ts';
import { createApp } from '../../../server/app.ts';
import { makeConfig, type ServerConfig } from '../../../server/config.ts';
import { testTokenSettings } from '../token-key.ts';
import { openSqliteStore, type SqliteStore } from '../../../server/storage/sqlite/sqlite-store.ts';
import { startStaticServer } from '../../../scripts/static-server.js';
import { launchBrowser, ROOT, servedPath, snippetTag, watchPage, workerFollowsPage, type TestServer } from './harness.ts';

export type Win = { tacit: Record<string, (...a: unknown[]) => Promise<any>> & { loaded?: boolean } };

export const MODELS_MOUNT = { prefix: '/tacit/models/', dir: resolve(ROOT, 'test/fixtures/generated') };
export const FAULT_FIXTURES = { prefix: '/faults/', dir: resolve(ROOT, 'test/support/browser/fixtures/faults') };

export interface FaultSite extends TestServer {
  /** Serves `html` at `path` with extra response headers (a CSP, say); `times` requests, then the file again. */
  page(path: string, html: string, headers?: Record<string, string>, times?: number): void;
  /** Stops serving what page() put at `path`. */
  unpage(path: string): void;
  /** Extra response headers for a static file path (e.g. the worker's own CSP); null removes them. */
  headersFor(path: string, headers: Record<string, string> | null): void;
}

/**
 * Tacit's build, the tiny model and the test pages from one real origin. Pages are served by the server
 * itself, not by Playwright's route.fulfill: Chromium treats fulfilled documents as public and then
 * refuses their requests to the loopback stats server (Local Network Access).
 */
export async function serveFaultSite(extraMounts: { prefix: string; dir: string }[] = []): Promise<FaultSite> {
  const pages = new Map<string, { html: string; headers: Record<string, string>; times: number }>();
  const extraHeaders = new Map<string, Record<string, string>>();
  const server = (await startStaticServer({
    mounts: [
      { prefix: '/tacit/', dir: resolve(ROOT, 'dist/tacit') },
      MODELS_MOUNT,
      FAULT_FIXTURES,
      { prefix: '/', dir: resolve(ROOT, 'test/support/browser/fixtures') },
      ...extraMounts,
    ],
    onRequest(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const page = pages.get(path);
      if (page) {
        if (--page.times <= 0) pages.delete(path);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...page.headers }).end(page.html);
        return true;
      }
      const extra = extraHeaders.get(path);
      if (extra) for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
      return false;
    },
  } as never)) as TestServer;
  // Chromium asks for /favicon.ico: answer it, so a 404 there is not mistaken for Tacit's.
  pages.set('/favicon.ico', { html: '', headers: { 'content-type': 'image/x-icon' }, times: Infinity });
  return {
    ...server,
    page: (path, html, headers = {}, times = Infinity) => void pages.set(path, { html, headers, times }),
    unpage: (path) => void pages.delete(path),
    headersFor: (path, headers) => void (headers ? extraHeaders.set(path, headers) : extraHeaders.delete(path)),
  };
}

/** The snippet's inline code (what the shop pastes) and its CSP hash. */
export function snippetCode(sdkUrl = '/tacit/tacit.js'): string {
  return snippetTag(sdkUrl).replace(/^<script>/, '').replace(/<\/script>$/, '');
}
export const cspHash = (code: string) => `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;

export interface ShopOptions {
  /** The tacit.init() configuration (JSON). */
  init?: Record<string, unknown>;
  /** Extra script run after init, inline. */
  script?: string;
  /** Script run before the snippet (a hostile host page's own code). */
  before?: string;
  /** Content-Security-Policy header of the page. */
  csp?: string;
  /** Paste the snippet twice. */
  twice?: boolean;
  /** Fix the page's clock (Date.now) at this time: another tab "later". */
  clockAt?: number;
}

export function shopHtml(options: ShopOptions = {}): { html: string; inlineScripts: string[] } {
  const snippet = snippetCode();
  const init = `tacit.init(${JSON.stringify(options.init ?? { consent: 'granted' })});${options.script ?? ''}`;
  const inlineScripts = [...(options.before ? [options.before] : []), snippet, init];
  const tag = (code: string) => `<script>${code}</script>`;
  const html = `<!doctype html><html><head><meta charset="utf-8">${options.before ? tag(options.before) : ''}${tag(snippet)}${
    options.twice ? tag(snippet) : ''
  }${tag(init)}</head><body><h1>Shop</h1></body></html>`;
  return { html, inlineScripts };
}

let pageCounter = 0;

/** Opens a new shop page (its own path on the site) and waits for the SDK to replace the stub. */
export async function openShop(context: BrowserContext, site: FaultSite, options: ShopOptions = {}, path = `/shop-${++pageCounter}.html`) {
  const page = await context.newPage();
  const seen = { ...watchPage(page), uncaught: [] as string[] };
  page.on('pageerror', (e) => seen.uncaught.push(String(e))); // uncaught exceptions only, no console lines
  const { html } = shopHtml(options);
  site.page(path, html, options.csp ? { 'content-security-policy': options.csp } : {});
  if (options.clockAt !== undefined) await page.clock.setFixedTime(options.clockAt);
  await page.goto(`${site.url}${path}`);
  await page.waitForFunction(() => (window as unknown as Win).tacit?.loaded === true, undefined, { timeout: 10_000 });
  return { page, seen };
}

export function tacit<T = unknown>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(([m, a]) => (window as unknown as Win).tacit[m as string](...(a as unknown[])), [method, args] as const) as Promise<T>;
}

/** Polls tacit.inspect() until `check` holds (page.waitForFunction takes a promise for truthy). */
export async function inspectUntil(page: Page, check: (info: Record<string, any>) => boolean, timeout = 15_000): Promise<Record<string, any>> {
  const end = Date.now() + timeout;
  for (;;) {
    const info = await tacit<Record<string, any>>(page, 'inspect');
    if (check(info)) return info;
    if (Date.now() > end) throw new Error(`inspect() never satisfied the condition: ${JSON.stringify(info).slice(0, 500)}`);
    await sleep(150);
  }
}

/** Waits until the engine settled (model ready or failed, or the worker gave up). */
export function engineSettled(page: Page, timeout = 15_000): Promise<Record<string, any>> {
  return inspectUntil(page, (info) => info.worker === 'failed' || info.model?.status === 'ready' || info.model?.status === 'failed', timeout);
}

/** Waits until the report sync has the server's parameters (tacit.sync() can then send). */
export function syncReady(page: Page, timeout = 8000): Promise<Record<string, any>> {
  return inspectUntil(page, (info) => info.config != null, timeout);
}

/** Every request the page (and its workers) make that is not a plain GET: what could carry data out. */
export function watchOutgoing(context: BrowserContext) {
  const sent: { url: string; method: string; body: string | null }[] = [];
  const tokenRequests: string[] = [];
  context.on('request', (r: Request) => {
    if (r.method() === 'GET' || r.method() === 'HEAD' || r.method() === 'OPTIONS') return;
    // A Privacy Pass token request is the one other thing a device posts: a blinded message of the
    // documented size and type (protocol/token-params.ts), nothing about the shopper. Anything else is
    // kept in `sent`, where tests check it is exactly a documented report.
    const bytes = r.postDataBuffer();
    const isTokenRequest =
      new URL(r.url()).pathname === '/v1/tokens' && r.headers()['content-type'] === 'application/private-token-request' && bytes?.length === 259 && bytes[0] === 0 && bytes[1] === 2;
    if (isTokenRequest) tokenRequests.push(r.url());
    else sent.push({ url: r.url(), method: r.method(), body: r.postData() });
  });
  // Not enumerable: `expect(outgoing).toEqual([])` still means "nothing but token requests left".
  Object.defineProperty(sent, 'tokenRequests', { value: tokenRequests, enumerable: false });
  return sent as typeof sent & { readonly tokenRequests: string[] };
}

/** True when `body` is exactly the documented report. */
export function isDocumentedReport(body: string | null): boolean {
  try {
    const json = JSON.parse(body ?? '');
    return (
      // The servers these tests start take Privacy Pass tokens (the default): a report carries one.
      Object.keys(json).join(',') === 'taxonomy,epoch,segments,nonce,token' &&
      NONCE_PATTERN.test(json.nonce) &&
      /^[A-Za-z0-9_-]{472}$/.test(json.token) &&
      Number.isSafeInteger(json.taxonomy) &&
      Number.isSafeInteger(json.epoch) &&
      Array.isArray(json.segments) &&
      json.segments.every((s: unknown) => Number.isSafeInteger(s))
    );
  } catch {
    return false;
  }
}

export interface StatsServer {
  url: string;
  store: SqliteStore;
  app: Awaited<ReturnType<typeof createApp>>;
  reports(): number;
  close(): Promise<void>;
}

/** The aggregation server in process, allowing the test site's origin. Week-long epochs: what devices accept by default. */
export async function startStatsServer(origin: string, epochSeconds = STATS_EPOCH_SECONDS, overrides: Partial<ServerConfig> = {}): Promise<StatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tacit-faults-'));
  const store = await openSqliteStore(join(dir, 'db.sqlite'));
  const db = store.database;
  const app = await createApp(makeConfig({ ...testTokenSettings(), epochSeconds, epsilon: 4, slots: 3, origins: [origin], rateBurst: 1000, ratePerMinute: 100_000, ...overrides }), store);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    store,
    app,
    reports: () => (db.prepare('SELECT COALESCE(SUM(reports), 0) AS n FROM epoch_reports').get() as { n: number }).n,
    close: async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const STATS_EPOCH_SECONDS = 604_800;

/**
 * A test file's fault site and Chromium (with `stats`, also an aggregation server allowing the site),
 * started before its tests and closed after them; `ready` hands them to the file's own variables.
 */
export function withFaultSite(ready: (env: { site: FaultSite; browser: Browser; stats: StatsServer }) => void, options: { stats?: boolean } = {}): void {
  let env: { site?: FaultSite; browser?: Browser; stats?: StatsServer } = {};
  beforeAll(async () => {
    const site = await serveFaultSite();
    env = { site };
    if (options.stats) env.stats = await startStatsServer(site.url);
    env.browser = await launchBrowser();
    ready(env as { site: FaultSite; browser: Browser; stats: StatsServer });
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.site?.close();
    await env.stats?.close();
  });
}

/** The start of the stats server's current epoch (it runs on the real clock). */
export function serverEpochStart(epochSeconds = STATS_EPOCH_SECONDS, at = Date.now()): number {
  return Math.floor(at / 1000 / epochSeconds) * epochSeconds * 1000;
}

/**
 * A device reports only for epochs that begin after it started keeping state, at a random moment of the
 * epoch. For a report the (real-time) server accepts now: before the shop opens, the context's clock is
 * set a minute before the server's current epoch and left to flow; `reportDue` later moves it into that
 * epoch and past the device's planned moment.
 */
export async function clockBeforeServerEpoch(context: BrowserContext, epochSeconds = STATS_EPOCH_SECONDS): Promise<void> {
  await workerFollowsPage(context); // the worker, which makes the report, keeps the page's time
  await context.clock.install({ time: serverEpochStart(epochSeconds) - 60_000 });
  await context.clock.resume();
}

/**
 * Moves the clock into the server's current epoch and past the planned moment of this device's report
 * (and first past its token's own moment, when the server takes tokens: the device fetches it then).
 */
export async function reportDue(page: Page, epochSeconds = STATS_EPOCH_SECONDS): Promise<void> {
  await page.clock.setSystemTime(serverEpochStart(epochSeconds) + 1000);
  for (let step = 0; step < 3; step++) {
    const waiting = await tacit<{ sent: boolean; dueAt?: string; reason?: string }>(page, 'sync');
    if (!waiting.dueAt) throw new Error(`no report planned: ${JSON.stringify(waiting)}`);
    await page.clock.setSystemTime(Date.parse(waiting.dueAt) + 1);
    const planned = (await tacit<{ privacy?: { plannedAt?: string | null } }>(page, 'inspect')).privacy?.plannedAt;
    if (planned && Date.parse(planned) <= Date.parse(waiting.dueAt) + 1) return;
  }
  throw new Error('the report never came due');
}

/** Where the engine's worker script is served (its name carries the build's content hash). */
export const workerPath = (): string => servedPath('worker.js');

/** Warnings Tacit printed that mention `pattern`. */
export const tacitWarnings = (warnings: string[], pattern: RegExp) => warnings.filter((w) => w.startsWith('[tacit]') && pattern.test(w));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const JS = { 'content-type': 'text/javascript; charset=utf-8' };

/**
 * Makes the next `times` engine workers start with a fault hook: the worker's script (workerPath())
 * becomes a module that
 * first imports the hook (so its message listener runs before the worker's own, worker/rpc.ts) and then the
 * real worker. `hook` is the body of a function (event, call) run for every call from the page, `call` being
 * the method name;
 * `prelude` runs once, before the real worker's code.
 */
export function faultyWorker(site: FaultSite, hook: string, times = 1, prelude = ''): void {
  const real = readFileSync(resolve(ROOT, 'dist', workerPath().slice(1)), 'utf8');
  site.page('/tacit/worker-real.js', real, JS);
  site.page(
    '/tacit/worker-fault-hook.js',
    `${prelude}
    self.addEventListener('message', (event) => {
      const d = event.data;
      const call = d && typeof d.method === 'string' ? d.method : null;
      ${hook}
    });`,
    JS,
  );
  site.page(workerPath(), `import './worker-fault-hook.js';\nimport './worker-real.js';\n`, JS, times);
}
