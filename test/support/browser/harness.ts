// Shared pieces of the browser tests: Debian's Chromium through playwright-core, and a static server
// that serves Tacit's build and the test pages from one origin, like a shop would.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startStaticServer, type ServedResponse } from '../../../scripts/static-server.js';

export const ROOT = resolve(__dirname, '../../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags Chromium needs on these machines (no sandbox as root, no background traffic on a closed network). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A browser with a profile on disk (HTTP cache and code cache kept across visits), closed with the context. */
export function launchPersistent(userDataDir: string, options: { webgpu?: boolean } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [...CHROMIUM_ARGS, ...(options.webgpu ? ['--enable-unsafe-webgpu'] : [])],
  });
}

export async function launchBrowser(options: { webgpu?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.webgpu ? ['--enable-unsafe-webgpu'] : [])],
  });
}

/**
 * Tacit's worker sees what the page sees: Playwright's clock (context.clock) and a page script that
 * removes IndexedDB reach only the page, while the device's storage, reports and experiment arms run in
 * the worker. Every same-origin worker the page starts then loads through fixtures/tacit-test/worker.js
 * (served at /tacit-test/worker.js), which keeps Date at the page's clock (each message to the worker is
 * preceded by the page's Date.now()) and has no IndexedDB when the page has none (or what else a test names
 * in window.tacitTestWorker, such as { x25519: 'none' }), then runs the real one.
 */
export async function workerFollowsPage(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Real = window.Worker as typeof Worker & { followsPage?: boolean };
    if (!Real || Real.followsPage) return;
    const post = Real.prototype.postMessage;
    class PageWorker extends Real {
      static override followsPage = true;
      constructor(url: string | URL, options?: WorkerOptions) {
        const target = new URL(String(url), location.href);
        const wrapped = new URL('/tacit-test/worker.js', location.href);
        wrapped.searchParams.set('real', target.href);
        if (window.indexedDB === undefined) wrapped.searchParams.set('indexedDB', 'none');
        // What else a test takes away from the browser, for the worker too (fixtures/tacit-test/worker.js).
        const more = (window as { tacitTestWorker?: Record<string, string> }).tacitTestWorker ?? {};
        for (const [key, value] of Object.entries(more)) wrapped.searchParams.set(key, value);
        super(target.origin === location.origin ? wrapped.href : url, options);
      }
      override postMessage(message: unknown, ...rest: unknown[]): void {
        post.call(this, { __pageClock: Date.now() });
        (post as (this: Worker, ...a: unknown[]) => void).call(this, message, ...rest);
      }
    }
    window.Worker = PageWorker;
  });
}

export interface TestServer {
  url: string;
  close(): Promise<unknown>;
}

export function serveTestSite(
  options: { isolated?: boolean; mounts?: { prefix: string; dir: string }[]; onResponse?: (response: ServedResponse) => void } = {},
): Promise<TestServer> {
  return startStaticServer({
    isolated: options.isolated,
    onResponse: options.onResponse,
    mounts: [
      { prefix: '/tacit/', dir: resolve(ROOT, 'dist/tacit') },
      { prefix: '/', dir: resolve(ROOT, 'test/support/browser/fixtures') },
      ...(options.mounts ?? []),
    ],
  }) as Promise<TestServer>;
}

/**
 * A static server over `mounts` that also answers with the HTML a test puts in `pages` (path → page),
 * and /favicon.ico with 204, so a missing icon is no console error.
 */
export function servePages(mounts: { prefix: string; dir: string }[], pages: ReadonlyMap<string, string>): Promise<TestServer> {
  return startStaticServer({
    mounts,
    onRequest: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/favicon.ico') return Boolean(res.writeHead(204).end());
      const body = pages.get(path);
      if (body === undefined) return false;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
      return true;
    },
  } as never) as Promise<TestServer>;
}

/**
 * Where the build serves one of Tacit's files under /tacit/, by its content-hashed name
 * (servedPath('worker.js') → '/tacit/worker-AbC123xy.js'), from the build's table.
 */
export function servedPath(name: string): string {
  const table = JSON.parse(readFileSync(resolve(ROOT, 'dist/tacit/.vite/built-files.json'), 'utf8')) as Record<string, { file: string }>;
  if (!table[name]) throw new Error(`the build has no file '${name}' (dist/tacit/.vite/built-files.json)`);
  return `/tacit/${table[name].file}`;
}

/** The built snippet, pointed at a given SDK URL: exactly what a shop pastes. */
export function snippetTag(sdkUrl = '/tacit/tacit.js'): string {
  const code = readFileSync(resolve(ROOT, 'dist/tacit/snippet.min.js'), 'utf8').replace('SDK_URL', sdkUrl);
  return `<script>${code}</script>`;
}

/** Collects uncaught page errors and console warnings, for "never throws into the page" checks. */
export function watchPage(page: Page) {
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
    if (m.type() === 'error') errors.push(m.text());
  });
  return { errors, warnings };
}

/** Reads Tacit's events straight from IndexedDB with the raw API (not through the SDK). */
export function readStoredEvents(page: Page): Promise<{ seq: number; ts: number; event: string; properties: Record<string, unknown> }[]> {
  return page.evaluate(
    () =>
      new Promise((resolvePromise, reject) => {
        // Never creates the database (an empty one would stand in the way of the worker's own open).
        let absent = false;
        const open = indexedDB.open('tacit');
        open.onupgradeneeded = () => {
          absent = true;
          open.transaction?.abort();
        };
        open.onerror = () => (absent ? resolvePromise([]) : reject(open.error));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('events')) {
            db.close();
            resolvePromise([]);
            return;
          }
          const request = db.transaction('events').objectStore('events').getAll();
          request.onsuccess = () => {
            db.close();
            resolvePromise(request.result);
          };
          request.onerror = () => reject(request.error);
        };
      }),
  );
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 900 } });
}

/**
 * Polls tacit.inspect() until the engine has settled (model ready or failed) and returns its model info.
 * (Polled from Node: page.waitForFunction does not await a predicate that returns a promise.)
 */
export async function settledModel(page: Page, timeoutMs = 150_000): Promise<{ status: string; backend: string; id: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const model = await page
      .evaluate(async () => (await (window as unknown as { tacit: { inspect(): Promise<{ model?: { status: string } }> } }).tacit.inspect()).model ?? null)
      .catch(() => null); // a navigation in between: try again
    if (model && (model.status === 'ready' || model.status === 'failed')) return model as { status: string; backend: string; id: string };
    if (Date.now() > deadline) throw new Error(`the engine did not settle within ${timeoutMs} ms (last: ${JSON.stringify(model)})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
