// The demo shop as `npm start` serves it (dist/demo at /, dist/tacit at /tacit/, crossOriginIsolated,
// the same static server), with its aggregation server in process, and every byte either server sends
// counted as the wire carries it: the static server reports each response's socket bytes; the
// aggregation server's responses are counted from the browser (headers + body as received).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startStaticServer, type ServedResponse } from '../../scripts/static-server.js';
import { createApp } from '../../server/app.ts';
import { makeConfig } from '../../server/config.ts';
import { openSqliteStore } from '../../server/storage/sqlite/sqlite-store.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './browser.ts';
import { ROOT } from './paths.ts';

export interface Traffic {
  /** Path (static server) or URL (aggregation server), status and bytes on the wire, in order. */
  responses: { path: string; status: number; bytes: number; server: 'static' | 'aggregation' }[];
}

export interface DemoSite {
  url: string;
  statsUrl: string;
  /** Everything both servers have sent since the last reset(). */
  traffic: Traffic;
  reset(): void;
  /** A browser profile on disk (so the HTTP cache and the code cache outlive the browser), its pages counted. */
  launch(profileDir: string): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function serveDemo(): Promise<DemoSite> {
  const traffic: Traffic = { responses: [] };
  const site = await startStaticServer({
    isolated: true,
    mounts: [
      { prefix: '/tacit/', dir: join(ROOT, 'dist/tacit') },
      { prefix: '/', dir: join(ROOT, 'dist/demo') },
    ],
    onRequest(req, res) {
      if (req.url !== '/favicon.ico') return false;
      res.writeHead(204).end();
      return true;
    },
    onResponse: (r: ServedResponse) => traffic.responses.push({ path: r.path, status: r.status, bytes: r.bytes, server: 'static' }),
  });
  const dir = mkdtempSync(join(tmpdir(), 'tacit-bench-demo-'));
  const store = await openSqliteStore(join(dir, 'db.sqlite'), { epochSeconds: 300 });
  // As `npm start` runs it: 5-minute epochs, tokens required (the default), one issuer key for the run;
  // every simulated shopper comes from loopback, so no per-address issuance limit.
  const app = await createApp(makeConfig({ epochSeconds: 300, epsilon: 4, slots: 3, origins: [site.url], rateBurst: 1000, ratePerMinute: 100_000, tokensPerAddress: 0 }), store);
  const statsUrl = await app.listen({ port: 0, host: '127.0.0.1' });

  return {
    url: site.url,
    statsUrl,
    traffic,
    reset: () => void (traffic.responses.length = 0),
    async launch(profileDir) {
      const context = await chromium.launchPersistentContext(profileDir, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1280, height: 900 },
        args: CHROMIUM_ARGS,
      });
      // The demo's pages read their aggregation server from here (demo/index.html).
      await context.addInitScript(`window.TACIT_SERVER = ${JSON.stringify(statsUrl)};`);
      const count = (page: Page) =>
        page.on('requestfinished', async (request) => {
          if (!request.url().startsWith(statsUrl)) return;
          const sizes = await request.sizes().catch(() => null);
          const response = await request.response().catch(() => null);
          if (sizes) traffic.responses.push({ path: request.url(), status: response?.status() ?? 0, bytes: sizes.responseHeadersSize + sizes.responseBodySize, server: 'aggregation' });
        });
      context.pages().forEach(count);
      context.on('page', count);
      return context;
    },
    async close() {
      await site.close();
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh browser profile directory (a new shopper's device); removed by the caller. */
export const newProfile = () => mkdtempSync(join(tmpdir(), 'tacit-bench-profile-'));
