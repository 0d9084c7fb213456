// docs/integrations.md, run as written: its set-up commands (the tacit-sdk command, on a Merchant Center
// feed), the plain HTML page, the React app (type-checked strictly, built with Vite), and the
// server-rendered page (its render module imported and called), each opened in Chromium with Tacit's
// files served from /tacit/ as the set-up copied them.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ROOT, launchBrowser, newContext, servePages, readStoredEvents, watchPage, type TestServer } from '../support/browser/harness.ts';

/** The code blocks of the guide that name a file (```lang file=PATH), by path. */
function guideFiles(): Map<string, string> {
  const text = readFileSync(resolve(ROOT, 'docs/integrations.md'), 'utf8');
  const files = new Map<string, string>();
  for (const [, path, body] of text.matchAll(/^```\w+ file=(\S+)\n([\s\S]*?)^```$/gm)) files.set(path!, body!);
  return files;
}

// Inside the repository (ignored by git), so the React app resolves react and tacit-sdk as a shop's would.
const SHOP = resolve(ROOT, 'test-results/integrations-shop');
const files = guideFiles();
let browser: Browser;
let site: TestServer;
const pages = new Map<string, string>();

/** A Merchant Center feed of 60 products; sku-42 is the guide's Trail Runner GTX. */
function feed(): string {
  const kinds = ['Trail running shoe', 'Rain jacket', 'Camping stove', 'Wool sock', 'Headlamp'];
  const items = Array.from({ length: 60 }, (_, i) => {
    const n = i + 1;
    const title = n === 42 ? 'Trail Runner GTX' : `${kinds[n % kinds.length]} ${n}`;
    return `<item><g:id>sku-${n}</g:id><g:title>${title}</g:title><g:link>https://shop.example/p/sku-${n}</g:link>
      <g:price>${20 + n}.00 EUR</g:price><g:availability>in stock</g:availability><g:product_type>${kinds[n % kinds.length]}s</g:product_type></item>`;
  });
  return `<?xml version="1.0"?><rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>${items.join('\n')}</channel></rss>`;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(join(SHOP, path)), { recursive: true });
  writeFileSync(join(SHOP, path), text);
}

beforeAll(async () => {
  rmSync(SHOP, { recursive: true, force: true });
  mkdirSync(join(SHOP, 'views'), { recursive: true });
  write('feed.xml', feed());
  execFileSync('bash', ['-euo', 'pipefail', '-c', files.get('setup.sh')!], { cwd: SHOP, stdio: ['ignore', 'ignore', 'pipe'] });
  site = await servePages(
    [
      { prefix: '/tacit/', dir: join(SHOP, 'public/tacit') },
      { prefix: '/', dir: join(SHOP, 'public') },
    ],
    pages,
  );
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

type Win = { tacit: Record<string, (...args: unknown[]) => Promise<any>> & { loaded?: boolean } };

async function open(path: string): Promise<{ page: Page; seen: ReturnType<typeof watchPage> }> {
  const page = await (await newContext(browser)).newPage();
  const seen = watchPage(page);
  await page.goto(`${site.url}${path}`);
  return { page, seen };
}

async function shelf(page: Page, selector: string): Promise<string[]> {
  await page.waitForFunction((s) => document.querySelectorAll(`${s} li`).length === 4, selector);
  return page.$$eval(`${selector} li a`, (links) => links.map((a) => a.textContent ?? ''));
}

describe('docs/integrations.md', () => {
  it('set-up: the files, a catalogue from the feed, the snippet for the templates', () => {
    const catalog = JSON.parse(readFileSync(join(SHOP, 'public/catalog.json'), 'utf8')) as { id: string; title: string }[];
    expect(catalog).toHaveLength(60);
    expect(catalog[41]).toMatchObject({ id: 'sku-42', title: 'Trail Runner GTX', price: 62, currency: 'EUR' });
    const snippet = readFileSync(join(SHOP, 'views/tacit-snippet.html'), 'utf8');
    // The guide's plain HTML page carries the very snippet the command prints.
    expect(files.get('product.html')).toContain(snippet.trim());
  });

  it('plain HTML: a shelf of similar items at once, and the product view kept and stored once consent is given', async () => {
    pages.set('/product.html', files.get('product.html')!);
    const { page, seen } = await open('/product.html');
    const titles = await shelf(page, '#shelf');
    expect(titles).not.toContain('Trail Runner GTX'); // never the item on screen
    await page.click('#add');
    await page.click('#accept');
    const events = (await page.evaluate(() => (window as unknown as Win).tacit.export())).events as { event: string; properties: Record<string, unknown> }[];
    expect(events.map((e) => e.event)).toEqual(['Page Viewed', 'Product Viewed', 'Product Added']);
    expect(events[1]!.properties).toEqual({ product_id: 'sku-42', name: 'Trail Runner GTX', price: 129 });
    expect(seen.errors).toEqual([]);
    expect(seen.warnings).toEqual([]);
    await page.context().close();
  });

  it('React: the hooks type-check strictly, build with Vite, and render the shelf; autoPage records the page view', async () => {
    for (const path of ['src/tacit.ts', 'src/use-tacit.ts', 'src/ProductPage.tsx', 'src/main.tsx', 'index.html']) write(path, files.get(path)!);
    write(
      'tsconfig.json',
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', jsx: 'react-jsx', lib: ['ES2022', 'DOM'], types: [] },
        include: ['src'],
      }),
    );
    const check = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', SHOP], { encoding: 'utf8' });
    expect({ output: check.stdout + check.stderr, status: check.status }).toEqual({ output: '', status: 0 });
    await build({ configFile: false, root: SHOP, publicDir: false, logLevel: 'warn', build: { outDir: join(SHOP, 'public/react'), emptyOutDir: true, minify: false }, base: '/react/' });
    const { page, seen } = await open('/react/index.html');
    expect(await shelf(page, '[data-testid="shelf"]')).not.toContain('Trail Runner GTX');
    await page.getByText('Remember my interests').click();
    await page.getByText('Add to cart').click();
    // The app's own instance (the npm entry makes no window.tacit): what it stored, read from IndexedDB.
    await expect
      .poll(async () => (await readStoredEvents(page)).map((e) => e.event), { timeout: 15_000 })
      .toEqual(['Page Viewed', 'Product Viewed', 'Product Added']);
    const stored = await readStoredEvents(page);
    expect(stored[0]!.properties).toEqual({ path: '/react/index.html' });
    expect(stored[1]!.properties).toEqual({ product_id: 'sku-42', name: 'Trail Runner GTX' });
    expect(seen.errors).toEqual([]);
    expect(seen.warnings).toEqual([]);
    await page.context().close();
  });

  it('server-rendered: the bestsellers first (no JavaScript needed), then the shopper\'s own shelf; the page\'s data is escaped', async () => {
    write('server/render.mjs', files.get('server/render.mjs')!);
    const { renderProductPage: render } = (await import(pathToFileURL(join(SHOP, 'server/render.mjs')).href)) as {
      renderProductPage(product: object, bestsellers: object[]): string;
    };
    const catalog = JSON.parse(readFileSync(join(SHOP, 'public/catalog.json'), 'utf8')) as { id: string; title: string; url: string; price: number }[];
    const product = { ...catalog[41]!, title: 'Trail Runner GTX </script><script>alert(1)</script>' };
    const html = render(product, catalog.slice(0, 4));
    expect(html.match(/<\/script>/g)).toHaveLength(3); // the snippet's, the calls', the shelf's: the title closed none
    pages.set('/p/sku-42', html);
    const { page, seen } = await open('/p/sku-42');
    expect(await page.$$eval('#shelf li', (items) => items.length)).toBe(4);
    await page.waitForSelector('#shelf[data-source="tacit"]');
    expect(await shelf(page, '#shelf')).not.toContain(catalog[41]!.title);
    await page.evaluate(() => (window as unknown as Win).tacit.consent('granted'));
    const events = (await page.evaluate(() => (window as unknown as Win).tacit.export())).events as { event: string; properties: Record<string, unknown> }[];
    expect(events.find((e) => e.event === 'Product Viewed')!.properties).toEqual({ product_id: 'sku-42', name: product.title, price: 62 });
    expect(seen.errors).toEqual([]);
    await page.context().close();
  });
});
