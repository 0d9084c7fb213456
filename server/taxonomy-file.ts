/**
 * The server's taxonomy: the built-in server/taxonomy.json (version 1), or the shop's own list from
 * TACIT_TAXONOMY. The wire format and its checks live in protocol/taxonomy.ts; this file reads files.
 *
 * A shop's file is `{ "segments": [{ "id": 1, "name": "…", "description": "…" }, …] }`. Its ids are
 * the shop's, explicit and stable (a report carries ids, so an id keeps its meaning). Its version is
 * derived from the content: the first 48 bits of the SHA-256 of the canonical list (segments sorted
 * by id, each as [id, name, description] in JSON), as an integer. Any change to an id, a name or a
 * description (descriptions decide which devices fall into a segment) makes a new version, and the
 * server keeps counters per version, so two lists can never mix counters. Devices learn the version
 * from GET /v1/params.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { validateTaxonomy, type Segment, type Taxonomy } from '../protocol/taxonomy.ts';

/** The taxonomy shipped with the server (server/taxonomy.json). */
export function loadTaxonomy(url: URL = new URL('./taxonomy.json', import.meta.url)): Taxonomy {
  return validateTaxonomy(JSON.parse(readFileSync(url, 'utf8')));
}

/** More values per report domain leave k-ary randomized response with too little signal to be useful. */
export const MAX_SEGMENTS = 200;
/** Segment ids are stored as 32-bit integers. */
export const MAX_SEGMENT_ID = 2_147_483_647;
const MAX_NAME_CHARS = 100;
const MAX_DESCRIPTION_CHARS = 1000;
const SEGMENT_KEYS = ['id', 'name', 'description'];

/** A shop taxonomy file that cannot be used; the message names the file and the bad entry. */
export class TaxonomyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaxonomyFileError';
  }
}

/** The version of a segment list, derived from its content (see the top of this file). */
export function contentVersion(segments: readonly Segment[]): number {
  const canonical = JSON.stringify([...segments].sort((a, b) => a.id - b.id).map((s) => [s.id, s.name, s.description]));
  const version = Number.parseInt(createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, 12), 16);
  return version < 2 ? version + 2 : version; // 1 is the built-in list's
}

/** Checks a shop's parsed taxonomy file; throws TaxonomyFileError naming the first bad entry. */
export function parseShopTaxonomy(json: unknown, source: string): Taxonomy {
  const fail = (message: string): never => {
    throw new TaxonomyFileError(`${source}: ${message}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('expected an object { "segments": [...] }');
  const record = json as Record<string, unknown>;
  if (Object.hasOwn(record, 'version')) fail('remove "version": a shop taxonomy\'s version is derived from its content');
  const extra = Object.keys(record).filter((key) => key !== 'segments');
  if (extra.length > 0) fail(`unknown key(s) ${extra.map((key) => JSON.stringify(key)).join(', ')}; the file holds only "segments"`);
  const list = record.segments;
  if (!Array.isArray(list) || list.length === 0) fail('"segments" must be a non-empty array');
  if ((list as unknown[]).length > MAX_SEGMENTS) fail(`${(list as unknown[]).length} segments; at most ${MAX_SEGMENTS} (more leave each report too little signal)`);

  const ids = new Map<number, number>();
  const names = new Map<string, number>();
  const segments = (list as unknown[]).map((entry, index): Segment => {
    let where = `segments[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return fail(`${where}: expected an object { "id", "name", "description" }`);
    const row = entry as Record<string, unknown>;
    const { id, name, description } = row;
    if (!Number.isSafeInteger(id) || (id as number) < 1 || (id as number) > MAX_SEGMENT_ID) {
      fail(`${where}: "id" must be an integer from 1 to ${MAX_SEGMENT_ID} (0 means "none"; got ${JSON.stringify(id)})`);
    }
    where += ` (id ${id as number})`;
    const unknown = Object.keys(row).filter((key) => !SEGMENT_KEYS.includes(key));
    if (unknown.length > 0) fail(`${where}: unknown key(s) ${unknown.map((key) => JSON.stringify(key)).join(', ')}`);
    if (typeof name !== 'string' || name.trim() === '') fail(`${where}: "name" must be a non-empty string`);
    const trimmedName = (name as string).trim();
    if (trimmedName.length > MAX_NAME_CHARS) fail(`${where}: "name" is longer than ${MAX_NAME_CHARS} characters`);
    if (typeof description !== 'string' || description.trim() === '') {
      fail(`${where}: "description" must be a non-empty string (devices match their profile against it)`);
    }
    const trimmedDescription = (description as string).trim();
    if (trimmedDescription.length > MAX_DESCRIPTION_CHARS) fail(`${where}: "description" is longer than ${MAX_DESCRIPTION_CHARS} characters`);
    const sameId = ids.get(id as number);
    if (sameId !== undefined) fail(`${where}: id ${id as number} is also used by segments[${sameId}]`);
    ids.set(id as number, index);
    const sameName = names.get(trimmedName.toLowerCase());
    if (sameName !== undefined) fail(`${where}: the name "${trimmedName}" is also used by segments[${sameName}]`);
    names.set(trimmedName.toLowerCase(), index);
    return { id: id as number, name: trimmedName, description: trimmedDescription };
  });
  return validateTaxonomy({ version: contentVersion(segments), segments });
}

/** Reads the shop's taxonomy file (TACIT_TAXONOMY). */
export function loadTaxonomyFile(path: string): Taxonomy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TaxonomyFileError(`${path}: cannot read it (${code === 'ENOENT' ? 'no such file or directory' : (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TaxonomyFileError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return parseShopTaxonomy(json, path);
}
