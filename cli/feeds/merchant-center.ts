// Google Merchant Center product feeds, XML (RSS 2.0 or Atom, with the g: namespace) or TSV (a header row
// of attribute names), mapped to Tacit's catalogue rows (core/catalog.ts validates them after):
//   id → id, title → title, description (any HTML tags removed) → description, product_type (the shop's own category path; else
//   google_product_category when it is a name, not a number) → category, price ("15.00 USD") → price and
//   currency, link → url, image_link → image, availability → inStock (in stock: true; out of stock,
//   preorder, backorder: false). Variants (item_group_id) stay separate items, as the feed lists them.
// Attribute names are read with or without their g: prefix. A value that cannot be mapped makes that
// row's one error; the other rows go on.

import { htmlText, readFeedRecords } from './xml.ts';
import { FeedError, type FeedRow } from './feed-row.ts';

const AVAILABILITY: Record<string, boolean> = {
  'in stock': true,
  in_stock: true,
  'out of stock': false,
  out_of_stock: false,
  preorder: false,
  backorder: false,
};

class RowProblem extends Error {}

/** "1,299.00 USD", "15 EUR", "USD 15.00" → { price, currency }. */
export function parsePrice(text: string): { price: number; currency?: string } {
  const match = /^\s*(?:([A-Z]{3})\s+)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(?:([A-Z]{3}))?\s*$/.exec(text);
  if (!match || (match[1] && match[4])) throw new RowProblem(`price "${text}" is not an amount with a currency code, such as "15.00 USD"`);
  const price = Number(`${match[2]!.replace(/,/g, '')}${match[3] ?? ''}`);
  const currency = match[1] ?? match[4];
  return currency ? { price, currency } : { price };
}

/** A Merchant Center record (attribute → text) as a catalogue row; throws RowProblem for a value it cannot map. */
function toRow(get: (attribute: string) => string | undefined): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== '') row[key] = value;
  };
  set('id', get('id'));
  set('title', get('title'));
  const description = get('description');
  set('description', description && htmlText(description));
  const productType = get('product_type');
  const googleCategory = get('google_product_category');
  set('category', productType || (googleCategory && !/^\d+$/.test(googleCategory) ? googleCategory : undefined));
  set('url', get('link'));
  set('image', get('image_link'));
  const price = get('sale_price') || get('price');
  if (price) Object.assign(row, parsePrice(price));
  const availability = get('availability')?.toLowerCase();
  if (availability) {
    if (!(availability in AVAILABILITY)) {
      throw new RowProblem(`availability "${availability}" is not one of in stock, out of stock, preorder, backorder`);
    }
    row.inStock = AVAILABILITY[availability];
  }
  return row;
}

function mapRow(label: string, get: (attribute: string) => string | undefined): FeedRow {
  try {
    return { label, row: toRow(get) };
  } catch (error) {
    if (error instanceof RowProblem) return { label, error: error.message };
    throw error;
  }
}

/** Attribute names as the feed writes them ('g:id', 'ID', ' id ') → 'id'. */
const attributeName = (name: string) => name.trim().toLowerCase().replace(/^g:/, '');

export function merchantCenterXml(xml: string): FeedRow[] {
  return readFeedRecords(xml).map((record, i) => {
    const fields = new Map<string, string>();
    for (const [name, value] of record.fields) {
      const key = attributeName(name);
      // Atom's own <id>/<title> and the g: ones: the g: attribute wins.
      if (!fields.has(key) || name.toLowerCase().startsWith('g:')) fields.set(key, value);
    }
    return mapRow(`item ${i + 1} (line ${record.line})`, (attribute) => fields.get(attribute));
  });
}

/** One TSV line's fields: tabs separate; a field may be quoted ("a ""b"""), as spreadsheets write them. */
function tsvFields(line: string): string[] {
  return line.split('\t').map((field) => (/^".*"$/s.test(field) ? field.slice(1, -1).replace(/""/g, '"') : field));
}

export function merchantCenterTsv(tsv: string): FeedRow[] {
  const lines = tsv.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = tsvFields(lines[0] ?? '').map(attributeName);
  if (!header.includes('id')) throw new FeedError('the first line must name the columns (id, title, …), separated by tabs');
  const rows: FeedRow[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const values = tsvFields(line);
    const label = `line ${i + 2}`;
    if (values.length > header.length) {
      rows.push({ label, error: `${values.length} fields for ${header.length} columns (a tab inside a value?)` });
      return;
    }
    rows.push(mapRow(label, (attribute) => {
      const column = header.indexOf(attribute);
      return column === -1 ? undefined : values[column]?.trim();
    }));
  });
  return rows;
}
