// `tacit-sdk catalog import FEED --out catalog.json`: a shop's existing product feed (Google Merchant
// Center XML or TSV, or a Shopify products.json) turned into Tacit's catalogue, each row validated by
// core/catalog.ts as the SDK will validate it. Each bad row is one line on stderr, named as the shop finds
// it in its file (line, item or product number), and left out; the good rows are written.

import { validateCatalog } from '../core/catalog.ts';
import { parseCommandArgs } from './args.ts';
import { CliError, UsageError } from './errors.ts';
import { FeedError, type FeedRow } from './feeds/feed-row.ts';
import { merchantCenterTsv, merchantCenterXml } from './feeds/merchant-center.ts';
import { shopifyProducts } from './feeds/shopify.ts';
import { write, type CliIO } from './io.ts';
import { readText } from './read-file.ts';
import { writeFileWhole } from './write-file.ts';

export const CATALOG_USAGE = `usage: tacit-sdk catalog import FEED [--out catalog.json] [--format F] [--currency CODE]

Turns a product feed into Tacit's catalogue (the JSON array init({ catalog }) loads). Each row
that cannot be used is reported on stderr (one line each) and left out.

  --out FILE       where to write the catalogue (default: stdout)
  --format F       gmc-xml (Google Merchant Center RSS/Atom feed), gmc-tsv (its tab-separated
                   feed) or shopify (a store's /products.json); default: told by the content
  --currency CODE  for shopify: the store's currency (products.json does not say it), e.g. EUR`;

const FORMATS = {
  'gmc-xml': { name: 'Google Merchant Center XML', read: (text: string) => merchantCenterXml(text) },
  'gmc-tsv': { name: 'Google Merchant Center TSV', read: (text: string) => merchantCenterTsv(text) },
  shopify: { name: 'Shopify products.json', read: (text: string, currency?: string) => shopifyProducts(parseJson(text), { currency }) },
} as const;
type Format = keyof typeof FORMATS;

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  format: { type: 'string' },
  currency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FeedError(`not valid JSON: ${(error as Error).message}`);
  }
}

/** The format a feed's first characters show: XML, JSON, or else tab-separated text. */
export function detectFormat(text: string): Format {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('<')) return 'gmc-xml';
  if (start.startsWith('{') || start.startsWith('[')) return 'shopify';
  if ((start.split(/\r?\n/, 1)[0] ?? '').includes('\t')) return 'gmc-tsv';
  throw new FeedError('not a feed Tacit reads: XML (Merchant Center), JSON (Shopify products.json) or tab-separated text with a header line');
}

/** Validated catalogue items, and one message per row left out, in the feed's order. */
export function importFeed(rows: readonly FeedRow[]): { items: unknown[]; problems: string[] } {
  const problems: { at: number; message: string }[] = [];
  const mapped: { at: number; label: string; row: Record<string, unknown> }[] = [];
  rows.forEach((entry, at) => {
    if (entry.error !== undefined) problems.push({ at, message: `${entry.label}: ${entry.error}` });
    else mapped.push({ at, label: entry.label, row: entry.row });
  });
  const { items, errors } = validateCatalog(mapped.map((m) => m.row));
  for (const error of errors) {
    // core/catalog.ts names rows by their place in what it was given: name them as the feed does.
    const message = error.message.replace(/\brow (\d+)/g, (_, n: string) => mapped[Number(n)]!.label);
    problems.push({ at: mapped[error.row]?.at ?? -1, message });
  }
  return { items, problems: problems.sort((a, b) => a.at - b.at).map((p) => p.message) };
}

export async function runCatalog(argv: string[], io: CliIO): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h') {
    await write(subcommand ? io.stdout : io.stderr, `${CATALOG_USAGE}\n`);
    return subcommand ? 0 : 2;
  }
  if (subcommand !== 'import') throw new UsageError(`catalog: unknown subcommand '${subcommand}' (import)`);
  const { values, positionals } = parseCommandArgs('catalog import', rest, OPTIONS);
  if (values.help) {
    await write(io.stdout, `${CATALOG_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`catalog import: expected one feed file, got ${positionals.length}`);
  const feedPath = positionals[0]!;
  const format = values.format;
  if (format !== undefined && !(typeof format === 'string' && Object.hasOwn(FORMATS, format))) {
    throw new UsageError(`catalog import: --format must be one of ${Object.keys(FORMATS).join(', ')}, got '${String(format)}'`);
  }
  const currency = typeof values.currency === 'string' ? values.currency.trim().toUpperCase() : undefined;
  if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) throw new UsageError(`catalog import: --currency must be a three-letter code such as EUR, got '${values.currency}'`);

  let text: string;
  try {
    text = readText(feedPath, 'the feed');
  } catch (error) {
    throw error instanceof CliError ? new CliError(`catalog import: ${error.message}`) : error;
  }
  let rows: FeedRow[];
  let kind: Format;
  try {
    kind = (format as Format | undefined) ?? detectFormat(text);
    rows = FORMATS[kind].read(text, currency);
  } catch (error) {
    if (error instanceof FeedError) throw new CliError(`catalog import: ${feedPath}: ${error.message}`);
    throw error;
  }
  const { items, problems } = importFeed(rows);
  for (const problem of problems) await write(io.stderr, `${feedPath}: ${problem}\n`);
  if (items.length === 0) throw new CliError(`catalog import: ${feedPath} has no usable product (${FORMATS[kind].name}, ${rows.length} row(s) read)`);

  const json = `${JSON.stringify(items, null, 1)}\n`;
  const out = typeof values.out === 'string' && values.out !== '' ? values.out : undefined;
  if (out) {
    writeFileWhole('catalog import', out, json);
  } else {
    await write(io.stdout, json);
  }
  await write(
    io.stderr,
    `tacit-sdk catalog import: ${items.length} item(s) from ${feedPath} (${FORMATS[kind].name})${out ? ` → ${out}` : ''}` +
      `${problems.length ? `; ${problems.length} row(s) left out` : ''}\n`,
  );
  return 0;
}
