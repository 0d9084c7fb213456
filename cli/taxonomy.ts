// `tacit taxonomy suggest --catalog catalog.json`: a first segment list from the shop's catalogue
// categories, for the shop to edit and then serve with TACIT_TAXONOMY. `tacit taxonomy check FILE`:
// validates such a file and prints the version the server will derive from it.

import { optionalString, parseCommandArgs, positiveInteger } from './args.ts';
import { CliError, UsageError } from './errors.ts';
import { write, type CliIO } from './io.ts';
import { readJson } from './read-file.ts';
import { suggestTaxonomy } from './taxonomy-suggest.ts';
import { writeFileWhole } from './write-file.ts';
import { validateCatalog } from '../core/catalog.ts';
import { loadTaxonomyFile, parseShopTaxonomy, TaxonomyFileError } from '../server/taxonomy-file.ts';

export const TAXONOMY_USAGE = `usage: tacit-sdk taxonomy suggest --catalog CATALOG.json [--out FILE] [--max-segments N]
                                 [--min-items N] [--separator S] [--previous FILE]
       tacit-sdk taxonomy check FILE

suggest  proposes segments from the catalogue's categories (a path such as "A > B > C" is
         merged upwards until each segment has enough items and the list is short enough),
         with descriptions written from the items. Edit the names and descriptions, then
         start the server with TACIT_TAXONOMY=FILE.
  --catalog FILE     the shop's catalogue (an array of items, or { "items": [...] })
  --out FILE         write the list here (default: stdout)
  --max-segments N   at most N segments (default 30)
  --min-items N      smaller categories merge into their parent or are left out (default 5)
  --separator S      the category path separator (default: detected among > › / | ,)
  --previous FILE    an earlier list: segments with the same name keep their ids

check    validates FILE as the server would and prints the version derived from its content.`;

const OPTIONS = {
  catalog: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'max-segments': { type: 'string' },
  'min-items': { type: 'string' },
  separator: { type: 'string' },
  previous: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function suggest(values: Record<string, string | boolean | undefined>, io: CliIO): Promise<number> {
  const catalogPath = optionalString(values.catalog);
  if (!catalogPath) throw new UsageError('taxonomy suggest: --catalog FILE is required');
  let catalog: unknown;
  try {
    catalog = readJson(catalogPath, 'the catalogue');
  } catch (error) {
    throw error instanceof CliError ? new CliError(`taxonomy suggest: ${error.message}`) : error;
  }
  const { items, errors } = validateCatalog(catalog);
  for (const error of errors) await write(io.stderr, `${catalogPath}: ${error.message}\n`);
  if (errors.some((e) => e.row === -1)) throw new CliError(`taxonomy suggest: ${catalogPath} is not a usable catalogue`);
  const previousPath = optionalString(values.previous);
  const suggestion = suggestTaxonomy(items, {
    maxSegments: positiveInteger('--max-segments', values['max-segments'], 30),
    minItems: positiveInteger('--min-items', values['min-items'], 5),
    separator: optionalString(values.separator),
    previous: previousPath ? loadTaxonomyFile(previousPath).segments : undefined,
  });
  if (suggestion.segments.length === 0) {
    throw new CliError(`taxonomy suggest: no category of ${catalogPath} has enough items (${items.length - suggestion.uncategorised} of ${items.length} items have a category); try a smaller --min-items`);
  }
  const json = { segments: suggestion.segments };
  const { version } = parseShopTaxonomy(json, 'the suggested list'); // exactly what the server will accept
  const text = `${JSON.stringify(json, null, 2)}\n`;
  const out = optionalString(values.out);
  if (out) {
    writeFileWhole('taxonomy suggest', out, text);
  } else {
    await write(io.stdout, text);
  }
  const leftOut = suggestion.leftOut.length
    ? `; left out ${suggestion.leftOut.length} small categor${suggestion.leftOut.length === 1 ? 'y' : 'ies'}: ` +
      suggestion.leftOut.slice(0, 5).map((group) => `${group.name} (${group.items})`).join(', ') + (suggestion.leftOut.length > 5 ? ', …' : '')
    : '';
  const uncategorised = suggestion.uncategorised ? `; ${suggestion.uncategorised} item(s) have no category` : '';
  await write(
    io.stderr,
    `taxonomy suggest: ${suggestion.segments.length} segment(s) from ${items.length} item(s)${leftOut}${uncategorised}. ` +
      `Version ${version} (derived from the content). Edit the names and descriptions, then start the server with TACIT_TAXONOMY=${out ?? 'FILE'}.\n`,
  );
  return 0;
}

async function check(path: string | undefined, io: CliIO): Promise<number> {
  if (!path) throw new UsageError('taxonomy check: expected one taxonomy file');
  try {
    const taxonomy = loadTaxonomyFile(path);
    await write(io.stdout, `${path}: ${taxonomy.segments.length} segment(s), version ${taxonomy.version}\n`);
    return 0;
  } catch (error) {
    if (error instanceof TaxonomyFileError) throw new CliError(`taxonomy check: ${error.message}`);
    throw error;
  }
}

export async function runTaxonomy(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('taxonomy', argv, OPTIONS);
  const [subcommand, ...rest] = positionals;
  if (values.help || subcommand === undefined) {
    await write(values.help ? io.stdout : io.stderr, `${TAXONOMY_USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (subcommand === 'suggest') {
    if (rest.length > 0) throw new UsageError(`taxonomy suggest: unexpected argument '${rest[0]}' (the catalogue goes after --catalog)`);
    try {
      return await suggest(values, io);
    } catch (error) {
      if (error instanceof TaxonomyFileError) throw new CliError(`taxonomy suggest: --previous ${error.message}`);
      throw error;
    }
  }
  if (subcommand === 'check') return check(rest[0], io);
  throw new UsageError(`taxonomy: unknown subcommand '${subcommand}' (suggest or check)`);
}
