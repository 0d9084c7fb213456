// `tacit-sdk catalog import`: a Google Merchant Center feed (XML, TSV) or a Shopify products.json becomes
// Tacit's catalogue; each bad row is one line on stderr, named as the shop finds it in its file.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCatalog } from '../../core/catalog.ts';
import { parsePrice } from '../../cli/feeds/merchant-center.ts';
import { readFeedRecords } from '../../cli/feeds/xml.ts';
import { inProcess } from './run-cli.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'tacit-feed-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function importFeed(file: string, ...args: string[]) {
  const out = join(scratch, `${file}.json`);
  const run = await inProcess(['catalog', 'import', join(FIXTURES, file), '--out', out, ...args]);
  const lines = run.stderr.trimEnd().split('\n');
  return { ...run, lines, items: run.code === 0 ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>[]) : [] };
}

describe('tacit-sdk catalog import', () => {
  it('reads a Merchant Center XML feed: g: attributes, CDATA, entities, sale price, availability; one error per bad item', async () => {
    const { code, items, lines } = await importFeed('merchant-center.xml');
    expect(code).toBe(0);
    expect(items).toEqual([
      {
        id: 'tent-2p',
        title: 'Ridgeline 2-person tent',
        inStock: true,
        description: 'Freestanding 3-season tent, 1.9 kg',
        category: 'Outdoor > Tents',
        price: 1299,
        currency: 'USD',
        url: 'https://shop.example/p/tent-2p',
        image: 'https://shop.example/img/tent-2p.jpg',
      },
      {
        id: 'stove-01',
        title: 'Compact gas stove',
        inStock: false,
        category: 'Sporting Goods > Outdoor Recreation > Camping',
        price: 39.9,
        currency: 'USD',
        url: 'https://shop.example/p/stove-01',
      },
    ]);
    // What the SDK will load is exactly what it validates: nothing is dropped on the way.
    expect(validateCatalog(items)).toEqual({ items, errors: [] });
    const file = join(FIXTURES, 'merchant-center.xml');
    expect(lines).toEqual([
      `${file}: item 3 (line 28): price "cheap" is not an amount with a currency code, such as "15.00 USD"`,
      `${file}: item 4 (line 33): availability "maybe" is not one of in stock, out of stock, preorder, backorder`,
      `${file}: item 5 (line 38) (id "bottle-9"): url must be an http(s) or relative URL, not "javascript:"`,
      expect.stringMatching(/^tacit-sdk catalog import: 2 item\(s\) from .* \(Google Merchant Center XML\) → .*; 3 row\(s\) left out$/),
    ]);
  });

  it('reads a Merchant Center TSV feed: quoted fields, line numbers, duplicates and ragged lines', async () => {
    const { code, items, lines } = await importFeed('merchant-center.tsv');
    expect(code).toBe(0);
    expect(items).toEqual([
      {
        id: 'sock-1',
        title: 'Merino hiking socks',
        inStock: true,
        description: 'Warm, "itch-free" socks',
        category: 'Apparel > Socks',
        price: 12.5,
        currency: 'EUR',
        url: 'https://shop.example/p/sock-1',
        image: 'https://shop.example/img/sock-1.jpg',
      },
    ]);
    const file = join(FIXTURES, 'merchant-center.tsv');
    expect(lines.slice(0, 3)).toEqual([
      `${file}: line 3 (id "sock-2"): title is required`,
      `${file}: line 5: 9 fields for 8 columns (a tab inside a value?)`,
      `${file}: line 6 (id "sock-1"): duplicate id (first used at line 2); row ignored`,
    ]);
  });

  it('reads a Shopify products.json: text of body_html, first variant price, any variant available, product URL', async () => {
    const { code, items, lines } = await importFeed('shopify-products.json', '--currency', 'eur');
    expect(code).toBe(0);
    expect(items).toEqual([
      {
        id: '7001',
        title: 'Canvas tote',
        inStock: true,
        description: 'Heavy canvas tote & pocket.',
        category: 'Bags',
        price: 24,
        currency: 'EUR',
        url: '/products/canvas-tote',
        image: 'https://cdn.example/tote.jpg',
      },
      { id: '7002', title: 'Enamel mug', inStock: true, price: 12.5, currency: 'EUR', url: '/products/enamel-mug' },
    ]);
    const file = join(FIXTURES, 'shopify-products.json');
    expect(lines.slice(0, 3)).toEqual([
      `${file}: product 3 (id "7003"): title must be a non-empty string`,
      `${file}: product 4: the first variant's price "twelve" is not an amount`,
      `${file}: product 5: must be an object`,
    ]);
  });

  it('writes to stdout without --out', async () => {
    const run = await inProcess(['catalog', 'import', join(FIXTURES, 'shopify-products.json')]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { id: string }[]).map((i) => i.id)).toEqual(['7001', '7002']);
  });

  it('fails with one clear line on a file it cannot use, and writes nothing', async () => {
    const out = join(scratch, 'never.json');
    const notFeed = join(scratch, 'notes.txt');
    writeFileSync(notFeed, 'just some notes\n');
    const truncated = join(scratch, 'cut.xml');
    writeFileSync(truncated, '<rss><channel><item><g:id>a</g:id>');
    const empty = join(scratch, 'empty.json');
    writeFileSync(empty, '{"products": []}');
    const cases: [string[], number, RegExp][] = [
      [['catalog', 'import', join(scratch, 'absent.xml')], 1, /^tacit-sdk catalog import: cannot read the feed .*absent\.xml: no such file or directory \(ENOENT\)$/],
      [['catalog', 'import', notFeed], 1, /^tacit-sdk catalog import: .*notes\.txt: not a feed Tacit reads/],
      [['catalog', 'import', truncated], 1, /^tacit-sdk catalog import: .*cut\.xml: the feed ends inside an element/],
      [['catalog', 'import', empty], 1, /^tacit-sdk catalog import: .*empty\.json has no usable product/],
      [['catalog', 'import', notFeed, '--format', 'csv'], 2, /^tacit-sdk catalog import: --format must be one of gmc-xml, gmc-tsv, shopify, got 'csv'$/],
      [['catalog', 'import', notFeed, '--currency', 'euro'], 2, /--currency must be a three-letter code/],
      [['catalog', 'export'], 2, /^tacit-sdk catalog: unknown subcommand 'export' \(import\)$/],
      [['catalog', 'import'], 2, /expected one feed file, got 0/],
    ];
    for (const [args, exit, message] of cases) {
      const run = await inProcess([...args, '--out', out]);
      expect({ args, code: run.code }).toEqual({ args, code: exit });
      expect(run.stderr.trimEnd()).toMatch(message);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(() => readFileSync(out)).toThrow();
  });
});

describe('feed parts', () => {
  it('prices with a currency code on either side, thousands separators; anything else is refused', () => {
    expect(parsePrice('15.00 USD')).toEqual({ price: 15, currency: 'USD' });
    expect(parsePrice('EUR 1,299.5')).toEqual({ price: 1299.5, currency: 'EUR' });
    expect(parsePrice('7')).toEqual({ price: 7 });
    for (const bad of ['cheap', '15,00 EUR', 'USD 1 EUR', '-3 USD', '']) expect(() => parsePrice(bad)).toThrow(/is not an amount/);
  });

  it('XML: Atom entries, <link href/>, nested fields skipped, no DOCTYPE', () => {
    const records = readFeedRecords('<feed><entry><id>x</id><link href="/p?a=1&amp;b=2"/><g:shipping><g:price>3</g:price></g:shipping></entry></feed>');
    expect(records.map((r) => Object.fromEntries(r.fields))).toEqual([{ id: 'x', link: '/p?a=1&b=2', 'g:shipping': '' }]);
    expect(() => readFeedRecords('<!DOCTYPE x [<!ENTITY a "b">]><rss/>')).toThrow(/DOCTYPE/);
    expect(() => readFeedRecords('<rss><item>a < b</item></rss>')).toThrow(/line 1: a '<' that starts no tag/);
  });
});
