// Debian's Chromium through playwright-core, and one static server for every browser benchmark: Tacit's
// build under /tacit/, scratch files under /bench/, models under /models/, and pages the benchmarks
// register in memory (served like files, so the SDK sees an ordinary same-origin shop page).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startStaticServer } from '../../scripts/static-server.js';
import { DIST_TACIT, ROOT, TMP_DIR } from './paths.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Same flags as the browser tests (test/support/browser/harness.ts): no sandbox as root, no background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // performance.measureUserAgentSpecificMemory() answers at once instead of at the next GC (≤ 20 s).
  '--enable-blink-features=ForceEagerMeasureMemory',
];

export function launchBrowser(options: { webgpu?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.webgpu ? ['--enable-unsafe-webgpu'] : [])],
  });
}

export interface BenchSite {
  url: string;
  /** Serves `html` at `path` (e.g. '/shop.html'). */
  page(path: string, html: string): string;
  close(): Promise<unknown>;
}

/** `isolated` adds COOP/COEP (crossOriginIsolated pages: WASM threads, precise timers, memory API). */
export async function serveBench(options: { isolated?: boolean } = {}): Promise<BenchSite> {
  const pages = new Map<string, string>();
  const site = (await startStaticServer({
    isolated: options.isolated ?? false,
    mounts: [
      { prefix: '/tacit/', dir: DIST_TACIT },
      { prefix: '/bench/', dir: TMP_DIR },
      { prefix: '/models/', dir: join(ROOT, 'model/weights') },
    ],
    onRequest(req: { url?: string }, res: { writeHead(status: number, headers: Record<string, string>): { end(body: string): void } }) {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const html = pages.get(path);
      if (html === undefined) return false;
      const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' };
      if (options.isolated) {
        headers['cross-origin-opener-policy'] = 'same-origin';
        headers['cross-origin-embedder-policy'] = 'require-corp';
      }
      res.writeHead(200, headers).end(html);
      return true;
    },
  })) as { url: string; close(): Promise<unknown> };
  return {
    url: site.url,
    page(path, html) {
      pages.set(path, html);
      return site.url + path;
    },
    close: site.close,
  };
}

/** The built snippet pointed at the built SDK: exactly what a shop pastes. */
export function snippetTag(sdkUrl = '/tacit/tacit.js'): string {
  const code = readFileSync(join(DIST_TACIT, 'snippet.min.js'), 'utf8').replace('SDK_URL', sdkUrl);
  return `<script>${code}</script>`;
}

/** Rejects after `ms` (for steps that may hang, e.g. WebGPU on SwiftShader). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]);
}
