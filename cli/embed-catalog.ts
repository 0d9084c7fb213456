// `tacit embed-catalog catalog.json --out catalog.vec`: validates the shop's catalogue, embeds each
// good item's text and writes the int8 vector file the worker loads. Bad rows are reported on stderr
// one per line and left out; they never stop the good ones.
//
// With a static model (the default), it first learns the shop's own words from the catalogue text
// (core/catalog-words.ts: vectors for words the model does not know, lower weights for words nearly every
// item has), embeds the items with them, and stores them in the file's "words" section so the worker
// uses the same words for this shop's queries.

import { optionalString, parseCommandArgs, positiveInteger } from './args.ts';
import { CliError, UsageError } from './errors.ts';
import { write } from './io.ts';
import type { CliIO } from './io.ts';
import { readJson } from './read-file.ts';
import { writeFileWhole } from './write-file.ts';
import { parseDtype, resolveModel } from './model-option.ts';
import { validateCatalog, itemText } from '../core/catalog.ts';
import { contentHash } from '../core/hash.ts';
import { quantizeRow } from '../core/vectors.ts';
import { deriveNeighbours } from '../core/co-occurrence.ts';
import { NEIGHBOURS_SECTION, encodeNeighbours } from '../core/neighbours.ts';
import { encodeVecFile } from '../core/vecfile.ts';
import { embedCatalogItems } from './catalog-vectors.ts';
import { NEIGHBOUR_OPTIONS, NEIGHBOUR_USAGE, neighbourOptions, orderLines, readLogLines } from './event-log.ts';

export const EMBED_CATALOG_USAGE = `usage: tacit-sdk embed-catalog CATALOG.json --out FILE.vec [--model DIR_OR_ID] [--dtype q8|fp32]
                               [--model-id ID] [--models-dir DIR] [--batch-size N]

Validates the catalogue (an array of items, or { "items": [...] }), prints each bad row
to stderr and keeps the good ones, embeds each item's text and writes the vector file.

  --out FILE         the vector file to write (replaced atomically)
  --model DIR_OR_ID  a model folder (with config.json), or a model id under --models-dir
                     (default: DEFAULT_MODEL_ID of model/default.ts)
  --dtype            q8 (default) or fp32; use the one the shop's worker uses
  --model-id ID      the model id recorded in the file (default: the id, or the folder's name);
                     the worker ignores a file whose id differs from its own model's
  --models-dir DIR   where model ids are looked up
  --batch-size N     texts per inference call (default 32)
  --no-shop-words    static models: do not learn the catalogue's own words
${NEIGHBOUR_USAGE}`;

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  model: { type: 'string' },
  'model-id': { type: 'string' },
  dtype: { type: 'string' },
  'models-dir': { type: 'string' },
  'batch-size': { type: 'string' },
  'no-shop-words': { type: 'boolean' },
  ...NEIGHBOUR_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runEmbedCatalog(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('embed-catalog', argv, OPTIONS);
  if (values.help) {
    await write(io.stdout, `${EMBED_CATALOG_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(`embed-catalog: expected one catalogue file, got ${positionals.length}`);
  }
  const catalogPath = positionals[0]!;
  const out = optionalString(values.out);
  if (!out) throw new UsageError('embed-catalog: --out FILE is required');
  const dtype = parseDtype(optionalString(values.dtype));
  const batchSize = positiveInteger('--batch-size', values['batch-size'], 32);
  const modelsDir = optionalString(values['models-dir']);
  const modelIdOption = optionalString(values['model-id']);
  const ordersPath = optionalString(values.orders);
  const coOccurrence = neighbourOptions(values);

  const { items, errors } = validateCatalog(readJson(catalogPath, 'the catalogue'));
  for (const error of errors) await write(io.stderr, `${catalogPath}: ${error.message}\n`);
  if (errors.some((e) => e.row === -1)) throw new CliError(`embed-catalog: ${catalogPath} is not a usable catalogue`);
  if (items.length === 0) throw new CliError(`embed-catalog: ${catalogPath} has no usable item: nothing to embed`);

  // Read before the (slow) embedding, so a missing log fails at once.
  const orders = ordersPath ? orderLines(await readLogLines('embed-catalog', ordersPath, io)) : null;

  const model = await resolveModel(optionalString(values.model), {
    ...(modelsDir ? { modelsDir } : {}),
    ...(modelIdOption ? { modelId: modelIdOption } : {}),
  });
  const texts = items.map(itemText);
  const { vectors, dim, sections, shopWords } = await embedCatalogItems(items, model, { dtype, batchSize, shopWords: !values['no-shop-words'] });
  const scales = new Float32Array(items.length);
  const data = new Int8Array(items.length * dim);
  vectors.forEach((vector, i) => {
    scales[i] = quantizeRow(vector, data.subarray(i * dim, (i + 1) * dim)).scale;
  });
  if (orders) {
    // The file is public: only pairs from ≥ k customers, each customer capped (core/co-occurrence.ts).
    const lists = deriveNeighbours(orders, items.map((item) => item.id), coOccurrence);
    sections.push({ kind: NEIGHBOURS_SECTION, meta: {}, payload: encodeNeighbours(lists) });
    const { customers, pairs, threshold, epsilon } = lists.meta;
    await write(
      io.stderr,
      `embed-catalog: ${pairs} item pair(s) from ${customers} customer(s) in ${ordersPath} shipped as neighbours ` +
        `(support ≥ ${Math.ceil(threshold)} customers${epsilon === null ? '' : `, ε = ${epsilon}`})\n`,
    );
  }
  const bytes = encodeVecFile({
    modelId: model.modelId,
    dim,
    count: items.length,
    ids: items.map((item) => item.id),
    contentHashes: texts.map((text) => contentHash(text)),
    scales,
    data,
    sections,
  });

  writeFileWhole('embed-catalog', out, bytes);
  await write(
    io.stderr,
    `embed-catalog: ${items.length} item(s) embedded with ${model.modelId} (${dtype}, dim ${dim})` +
      (shopWords > 0 ? `, ${shopWords} shop word(s)` : '') +
      ` → ${out}` +
      (errors.length ? `; ${errors.length} row(s) rejected\n` : '\n'),
  );
  return 0;
}
