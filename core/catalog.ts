// Validation of the candidate catalogue a shop ships as JSON, and the text we
// embed for each item. Bad rows are reported one clear error each and dropped;
// good rows are always kept, so one typo never empties a shop's recommendations.

import type { CatalogError, CatalogItem } from './types.ts';

export const MAX_TITLE_CHARS = 300;
export const MAX_DESCRIPTION_CHARS = 2000;
export const MAX_ID_CHARS = 256;
const MAX_CATEGORY_CHARS = 200;
const MAX_CURRENCY_CHARS = 16;
const MAX_URL_CHARS = 2048;
/** How much of the description goes into the embedded text (models truncate long inputs anyway). */
const DESCRIPTION_CHARS_EMBEDDED = 300;

export interface CatalogValidation {
  items: CatalogItem[];
  /** `row` is the zero-based index in the shop's array; −1 means the whole document is unusable. */
  errors: CatalogError[];
}

/** Thrown inside row validation; carries just the message. */
class RowProblem extends Error {}

/** Own enumerable property only: never reads through a prototype (`__proto__`, `constructor`). */
function own(row: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(row, key) ? (row as Record<string, unknown>)[key] : undefined;
}

/** Cuts to at most `max` UTF-16 units without leaving half a surrogate pair. */
function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end).trimEnd();
}

function optionalString(row: object, key: string, max: number): string | undefined {
  const value = own(row, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new RowProblem(`${key} must be a string`);
  const trimmed = cap(value.trim(), max);
  return trimmed === '' ? undefined : trimmed;
}

function optionalNonNegative(row: object, key: string): number | undefined {
  const value = own(row, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RowProblem(`${key} must be a non-negative number`);
  }
  return value;
}

/**
 * Links the SDK may render: http(s), or relative to the shop. Anything with
 * another scheme (`javascript:`, `data:` for a link) is refused, so a poisoned
 * catalogue cannot smuggle script into a recommendation widget.
 */
function optionalUrl(row: object, key: string, allowDataImage: boolean): string | undefined {
  const url = optionalString(row, key, Number.POSITIVE_INFINITY);
  if (url === undefined) return undefined;
  if (url.length > MAX_URL_CHARS) throw new RowProblem(`${key} is longer than ${MAX_URL_CHARS} characters`);
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
  const compact = url.replace(/[\u0000-\u0020]/g, '').toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact)?.[1];
  if (scheme === undefined || scheme === 'http' || scheme === 'https') return url;
  if (allowDataImage && compact.startsWith('data:image/')) return url;
  throw new RowProblem(`${key} must be an http(s) or relative URL, not "${scheme}:"`);
}

function readId(row: object): string {
  const value = own(row, 'id');
  let id: string;
  if (typeof value === 'string') id = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) id = String(value);
  else if (value === undefined || value === null) throw new RowProblem('id is required (a string or a number)');
  else throw new RowProblem('id must be a string or a number');
  if (id === '') throw new RowProblem('id must not be empty');
  if (id.length > MAX_ID_CHARS) throw new RowProblem(`id is longer than ${MAX_ID_CHARS} characters`);
  return id;
}

function readItem(row: object, id: string): CatalogItem {
  const title = optionalString(row, 'title', MAX_TITLE_CHARS);
  if (title === undefined) {
    const raw = own(row, 'title');
    throw new RowProblem(raw === undefined || raw === null ? 'title is required' : 'title must be a non-empty string');
  }
  const inStockRaw = own(row, 'inStock');
  if (inStockRaw !== undefined && inStockRaw !== null && typeof inStockRaw !== 'boolean') {
    throw new RowProblem('inStock must be true or false');
  }
  const item: CatalogItem = { id, title, inStock: inStockRaw !== false };
  const description = optionalString(row, 'description', MAX_DESCRIPTION_CHARS);
  const category = optionalString(row, 'category', MAX_CATEGORY_CHARS);
  const price = optionalNonNegative(row, 'price');
  const currency = optionalString(row, 'currency', MAX_CURRENCY_CHARS);
  const url = optionalUrl(row, 'url', false);
  const image = optionalUrl(row, 'image', true);
  const popularity = optionalNonNegative(row, 'popularity');
  // Only keys that have a value: the items are persisted and cloned to the worker.
  if (description !== undefined) item.description = description;
  if (category !== undefined) item.category = category;
  if (price !== undefined) item.price = price;
  if (currency !== undefined) item.currency = currency;
  if (url !== undefined) item.url = url;
  if (image !== undefined) item.image = image;
  if (popularity !== undefined) item.popularity = popularity;
  return item;
}

function describeRow(row: number, id: string | undefined): string {
  return id === undefined ? `row ${row}` : `row ${row} (id ${JSON.stringify(id)})`;
}

/**
 * Validates a parsed catalogue: an array of items, or `{ items: [...] }`.
 * Unknown keys are ignored; strings are trimmed and capped; the first of two
 * rows with the same id wins.
 */
export function validateCatalog(json: unknown): CatalogValidation {
  let rows: unknown;
  if (Array.isArray(json)) rows = json;
  else if (json !== null && typeof json === 'object') rows = own(json, 'items');
  if (!Array.isArray(rows)) {
    return {
      items: [],
      errors: [{ row: -1, message: 'catalogue must be an array of items or an object { "items": [...] }' }],
    };
  }
  const items: CatalogItem[] = [];
  const errors: CatalogError[] = [];
  const firstRowOfId = new Map<string, number>();
  for (let row = 0; row < rows.length; row++) {
    const value: unknown = rows[row];
    let id: string | undefined;
    try {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new RowProblem('must be an object');
      }
      id = readId(value);
      const first = firstRowOfId.get(id);
      if (first !== undefined) throw new RowProblem(`duplicate id (first used at row ${first}); row ignored`);
      const item = readItem(value, id);
      firstRowOfId.set(id, row);
      items.push(item);
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      const error: CatalogError = { row, message: `${describeRow(row, id)}: ${err.message}` };
      if (id !== undefined) error.id = id;
      errors.push(error);
    }
  }
  return { items, errors };
}

/**
 * What the SDK says about a loaded catalogue, in one line (null: nothing to say). A shop's catalogue is an
 * array of items or an object { "items": [...] } (both documented); an empty one is legal JSON but
 * almost always a mistake, so it is said too.
 */
export function catalogProblem(itemCount: number, errors: readonly CatalogError[]): string | null {
  const whole = errors.find((e) => e.row === -1);
  if (whole) return `the catalogue is not usable: ${whole.message}`;
  if (itemCount === 0) return 'the catalogue has no items: recommend() answers with none';
  if (errors.length > 0) return `${errors.length} catalogue row(s) rejected, e.g. ${errors[0].message}`;
  return null;
}

/** recommend({ context: { itemId } }) naming an item the catalogue does not have. */
export function unknownContextItem(itemId: string): string {
  return `recommend({ context }): item ${JSON.stringify(itemId)} is not in the catalogue; recommending without it`;
}

/** Start of a text at a word boundary, at most `max` characters. */
function firstWords(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = cap(text, max);
  const space = cut.lastIndexOf(' ');
  return space > max / 2 ? cut.slice(0, space) : cut;
}

/**
 * The text embedded for an item: title, category and the start of the
 * description, as sentences. Changing this changes every content hash, so every
 * cached embedding is recomputed — keep it stable.
 */
export function itemText(item: Pick<CatalogItem, 'title' | 'category' | 'description'>): string {
  const parts = [item.title];
  if (item.category) parts.push(item.category);
  if (item.description) parts.push(firstWords(item.description, DESCRIPTION_CHARS_EMBEDDED));
  let text = '';
  for (const part of parts) {
    const clean = part.replace(/\s+/g, ' ').trim();
    if (clean === '') continue;
    if (text !== '') text += /[.!?]$/.test(text) ? ' ' : '. ';
    text += clean;
  }
  return text;
}
