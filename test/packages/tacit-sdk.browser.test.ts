// The tacit-sdk package as a shop uses it, in real Chromium: the files the package carries served under
// /tacit/ (packages/tacit-sdk/dist/tacit, written by scripts/build-packages.ts), the README's snippet
// pasted as printed (and the README printing exactly what `tacit-sdk snippet` prints), a mistyped URL
// answering every queued call with a safe value and one warning, debug: true with ?tacit-debug opening
// the QA panel (a shop's own tab added on the 'panel' event), and tacit.iife.js as a classic script.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ROOT, launchBrowser, newContext, servePages, watchPage, type TestServer } from '../support/browser/harness.ts';

const PACKAGE = resolve(ROOT, 'packages/tacit-sdk');

/** The README's snippet: the one line of its Quick start that is the snippet's <script>. */
function readmeSnippet(): string {
  const lines = readFileSync(resolve(ROOT, 'README.md'), 'utf8').split('\n').filter((line) => line.startsWith('<script>(function('));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

let browser: Browser;
let site: TestServer;
const pages = new Map<string, string>();

beforeAll(async () => {
  site = await servePages(
    [
      { prefix: '/tacit/', dir: resolve(PACKAGE, 'dist/tacit') },
      { prefix: '/', dir: resolve(ROOT, 'test/support/browser/fixtures') },
    ],
    pages,
  );
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

type Win = { tacit: Record<string, (...args: unknown[]) => Promise<any>> & { loaded?: boolean; version?: string } };

async function open(path: string, html: string): Promise<{ page: Page; seen: ReturnType<typeof watchPage>; groups: string[] }> {
  pages.set(path.split('?')[0]!, html);
  const context = await newContext(browser);
  const page = await context.newPage();
  const seen = watchPage(page);
  const groups: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'startGroupCollapsed') groups.push(m.text());
  });
  await page.goto(`${site.url}${path}`);
  return { page, seen, groups };
}

describe('the README snippet, pasted as printed', () => {
  it('is exactly what the packaged `tacit-sdk snippet --base /tacit/` prints', () => {
    const printed = execFileSync(process.execPath, [resolve(PACKAGE, 'bin/tacit-sdk.js'), 'snippet', '--base', '/tacit/'], { encoding: 'utf8' });
    expect(printed).toBe(`${readmeSnippet()}\n`);
  });

  it('loads the packaged SDK from /tacit/ and answers queued calls: events stored, recommendations from the catalogue', async () => {
    const { page, seen } = await open(
      '/shop.html',
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">${readmeSnippet()}
<script>
  tacit.init({ catalog: '/catalog.json', consent: 'granted' });
  tacit.page();
  tacit.track('Product Viewed', { product_id: 'p1', name: 'Trail Runner GTX' });
  window.shelf = tacit.recommend({ limit: 4 });
</script></head><body><h1>Shop</h1></body></html>`,
    );
    await page.waitForFunction(() => (window as unknown as Win).tacit.loaded === true);
    const shelf = (await page.evaluate(() => (window as unknown as { shelf: Promise<{ items: { id: string }[]; strategy: string }> }).shelf)) as { items: { id: string }[] };
    expect(shelf.items).toHaveLength(4);
    const data = await page.evaluate(() => (window as unknown as Win).tacit.export());
    expect(data.events.map((e: { event: string }) => e.event)).toEqual(['Page Viewed', 'Product Viewed']);
    expect(await page.evaluate(() => (window as unknown as Win).tacit.version)).toBe(JSON.parse(readFileSync(resolve(PACKAGE, 'package.json'), 'utf8')).version);
    expect(seen.errors).toEqual([]);
    await page.context().close();
  });

  it('pasted with a wrong URL (the old README\'s "SDK_URL replaced by" read literally): every call answers at once, one warning', async () => {
    const wrong = readmeSnippet().replace('"/tacit/tacit.js"', '\'"/tacit/tacit.js"\'');
    const { page, seen } = await open(
      '/wrong.html',
      `<!doctype html><html><head><link rel="icon" href="data:,">${wrong}<script>
  window.answers = Promise.all([tacit.init({ catalog: '/catalog.json' }), tacit.recommend({ limit: 8 }), tacit.consent('granted'), tacit.segments()]);
</script></head><body></body></html>`,
    );
    const answers = await page.evaluate(() => (window as unknown as { answers: Promise<unknown[]> }).answers);
    expect(answers).toEqual([undefined, { items: [], strategy: 'error' }, 'pending', []]);
    expect(seen.warnings).toEqual(['[tacit] "/tacit/tacit.js" did not load: calls get safe answers']);
    await page.context().close();
  });
});

describe('debug: true', () => {
  const html = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">__SNIPPET__
<script>
  tacit.init({ catalog: '/catalog.json', consent: 'granted', debug: true });
  tacit.on('panel', (panel) => panel.addTab({ id: 'shop', label: 'Shop', render(section) { section.innerHTML = '<p data-testid="shop-tab">our own</p>'; } }));
  tacit.recommend({ limit: 3 });
</script></head><body><h1>Shop</h1></body></html>`;

  it('logs calls and decisions in collapsed groups; ?tacit-debug opens the QA panel with the shop\'s own tab', async () => {
    const { page, seen, groups } = await open('/debug.html?tacit-debug', html.replace('__SNIPPET__', readmeSnippet()));
    await page.getByTestId('tacit-panel').waitFor({ state: 'visible' });
    await page.waitForSelector('[data-testid="panel-sdk-status"][data-state="ready"]');
    await page.getByTestId('panel-tab-events').click();
    await page.getByTestId('panel-tab-shop').click();
    expect(await page.getByTestId('shop-tab').textContent()).toBe('our own');
    await expect.poll(() => groups.some((g) => g.startsWith('[tacit] recommend({"limit":3}) → 3 item(s)'))).toBe(true);
    expect(groups).toEqual(expect.arrayContaining(['[tacit] decision: configuration resolved (every default filled in)', '[tacit] event: ready']));
    // The panel stays for the tab's session: the next page without the parameter has it too (closed).
    await page.goto(`${site.url}/debug.html`);
    await page.getByTestId('tacit-panel-toggle').waitFor();
    expect(seen.errors).toEqual([]);
    await page.context().close();
  });

  it('without ?tacit-debug no panel, and without debug no debug chunk is fetched', async () => {
    const { page } = await open('/debug.html', html.replace('__SNIPPET__', readmeSnippet()));
    await page.waitForFunction(() => (window as unknown as Win).tacit.loaded === true);
    await page.waitForTimeout(300);
    expect(await page.getByTestId('tacit-panel').count()).toBe(0);
    const fetched: string[] = [];
    page.on('request', (r) => fetched.push(r.url()));
    pages.set('/plain.html', html.replace('__SNIPPET__', readmeSnippet()).replace(', debug: true', ''));
    await page.goto(`${site.url}/plain.html?tacit-debug`);
    await page.waitForFunction(() => (window as unknown as Win).tacit.loaded === true);
    await page.evaluate(() => (window as unknown as Win).tacit.recommend({ limit: 1 }));
    expect(fetched.filter((url) => /debug-log|panel/.test(url))).toEqual([]);
    expect(await page.getByTestId('tacit-panel').count()).toBe(0);
    await page.context().close();
  });
});

describe('tacit.iife.js', () => {
  it('works as one classic <script>, with no snippet: calls made before it are replayed', async () => {
    const { page, seen } = await open(
      '/classic.html',
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script>window.tacit = []; tacit.push(['init', [{ catalog: '/catalog.json', consent: 'granted' }]]);</script>
<script src="/tacit/tacit.iife.js"></script></head><body></body></html>`,
    );
    await page.waitForFunction(() => (window as unknown as Win).tacit.loaded === true);
    const result = await page.evaluate(() => (window as unknown as Win).tacit.recommend({ limit: 2 }));
    expect(result.items).toHaveLength(2);
    await page.evaluate(() => (window as unknown as Win).tacit.track('Product Viewed', { product_id: 'p2' }));
    expect((await page.evaluate(() => (window as unknown as Win).tacit.export())).events).toHaveLength(1);
    expect(seen.errors).toEqual([]);
    await page.context().close();
  });
});
