// `tacit replay`: what recommend() would answer each shopper in an event log right after their last
// event, through the worker's own engine (worker/engine.ts: the same catalogue loading, vectors,
// profile, ranking, filters and defaults), run in Node with the Node embedder. For evaluating Tacit on a
// shop's own history, and for checking that the CLI and the browser agree (replayUser is exported for
// that test).

import { itemText, validateCatalog } from '../core/catalog.ts';
import { deriveNeighbours } from '../core/co-occurrence.ts';
import { contentHash } from '../core/hash.ts';
import { NEIGHBOURS_SECTION, encodeNeighbours } from '../core/neighbours.ts';
import { armStrategy, checkDefinition, type ArmStrategy } from '../core/experiment-definition.ts';
import type { StoredEvent } from '../core/types.ts';
import { decodeVecFile, encodeVecFile, type VecFile, type VecSection } from '../core/vecfile.ts';
import { quantizeRow } from '../core/vectors.ts';
import { type EmbedderOptions } from '../worker/embedder.ts';
import { createModelEmbedder } from '../worker/model-loader.ts';
import { Engine } from '../worker/engine.ts';
import { optionalString, parseCommandArgs, positiveInteger } from './args.ts';
import { CliError, UsageError } from './errors.ts';
import { NEIGHBOUR_OPTIONS, NEIGHBOUR_USAGE, neighbourOptions, orderLines, readLogLines, type LogLine } from './event-log.ts';
import { write, type CliIO } from './io.ts';
import { readBytes, readJson } from './read-file.ts';
import { parseDtype, resolveModel } from './model-option.ts';

export const REPLAY_USAGE = `usage: tacit-sdk replay --catalog CATALOG.json --events EVENTS.jsonl [--orders ORDERS.jsonl]
                        [--vectors FILE.vec] [--limit N] [--exclude-seen] [--arms control,personal]
                        [--model DIR_OR_ID] [--dtype q8|fp32]

For each user of EVENTS.jsonl ({"user","ts","event","product_id"} lines), in order of first appearance,
prints {"user": ..., "items": [ids...]}: what recommend() answers right after the user's last event,
computed by the worker's engine (same profile, ranking, filters and defaults).

  --catalog FILE     the shop's catalogue (what init({ catalog }) points to)
  --events FILE      the event log to replay; each line is one stored event
  --vectors FILE     the shop's vector file (tacit embed-catalog); without it the catalogue is embedded
  --limit N          items per user (default 10)
  --exclude-seen     leave out every item the user interacted with
  --arms A,B         what each arm of an experiment answers (control: the fallback ranking; personal:
                     Tacit): prints {"user": ..., "arms": {"control": [...], ...}} and, on stderr, each
                     arm's coverage (the share of the catalogue it recommends to anyone)
  --model DIR_OR_ID  the embedding model (default: the default model); --dtype q8 (default) or fp32
  --models-dir DIR   where model ids are looked up
${NEIGHBOUR_USAGE}`;

const OPTIONS = {
  catalog: { type: 'string' },
  events: { type: 'string' },
  vectors: { type: 'string' },
  limit: { type: 'string' },
  'exclude-seen': { type: 'boolean' },
  arms: { type: 'string' },
  model: { type: 'string' },
  dtype: { type: 'string' },
  'models-dir': { type: 'string' },
  ...NEIGHBOUR_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

const CATALOG_URL = 'tacit-replay:/catalog.json';
const VECTORS_URL = 'tacit-replay:/catalog.vec';

/** One log line as the event the SDK's track() stores (an order line is an order of that one product). */
export function storedEventOf(line: LogLine, seq: number): StoredEvent {
  const properties: Record<string, unknown> =
    line.event === 'Order Completed' ? { order_id: `replay-${seq}`, products: [{ product_id: line.productId }] } : { product_id: line.productId };
  return { seq, ts: line.ts, event: line.event, properties };
}

/** The log's users in order of first appearance, each with their events in log order (seq 1, 2, …). */
export function eventsByUser(lines: readonly LogLine[]): { user: string; events: StoredEvent[] }[] {
  const byUser = new Map<string, StoredEvent[]>();
  for (const line of lines) {
    let events = byUser.get(line.user);
    if (!events) byUser.set(line.user, (events = []));
    events.push(storedEventOf(line, events.length + 1));
  }
  return [...byUser].map(([user, events]) => ({ user, events }));
}

/** The worker's engine over one catalogue, fed one shopper's events at a time (the page's event log). */
export class ReplayEngine {
  private events: StoredEvent[] = [];
  private now = 0;
  readonly engine: Engine;

  private constructor(catalog: unknown, vectorFile: Uint8Array | null) {
    this.engine = new Engine({
      createEmbedder: createModelEmbedder,
      fetch: (async (url: string) => {
        if (url === CATALOG_URL) return Response.json(catalog);
        if (url === VECTORS_URL && vectorFile) return new Response(new Uint8Array(vectorFile));
        return new Response(null, { status: 404 });
      }) as typeof fetch,
      memoryEvents: { events: async (afterSeq = 0) => this.events.filter((e) => e.seq > afterSeq) },
      now: () => this.now,
    });
  }

  static async create(catalog: unknown, vectorFile: Uint8Array | null, model: EmbedderOptions): Promise<ReplayEngine> {
    const replay = new ReplayEngine(catalog, vectorFile);
    await replay.engine.init({ catalogUrl: CATALOG_URL, catalogVectorsUrl: vectorFile ? VECTORS_URL : null, model, events: 'memory' });
    const { status, error } = replay.engine.info;
    if (status !== 'ready') throw new CliError(`replay: the engine is not ready (${error || replay.engine.info.catalog.error || status})`);
    return replay;
  }

  /** What recommend() answers right after the last of these events (one shopper, seq 1…n), in an arm of that strategy. */
  async replayUser(events: StoredEvent[], options: { limit: number; excludeSeen: boolean; strategy?: ArmStrategy }): Promise<string[]> {
    this.engine.forget();
    this.events = events;
    this.now = events.reduce((t, e) => Math.max(t, e.ts), 0);
    const control = options.strategy === 'control' ? { strategy: 'control' as const } : {};
    const { items } = await this.engine.recommend({ limit: options.limit, excludeSeen: options.excludeSeen, ...control });
    return items.map((r) => r.id);
  }
}

/** The vector file the engine gets: the shop's, or the catalogue embedded here; with the neighbours of --orders. */
async function vectorFileFor(catalog: unknown, vectorsPath: string | undefined, sections: VecSection[], model: EmbedderOptions, modelId: string) {
  if (vectorsPath) {
    let file: VecFile;
    try {
      file = decodeVecFile(readBytes(vectorsPath));
    } catch (error) {
      throw new CliError(`replay: ${vectorsPath}: ${(error as Error).message}`);
    }
    if (sections.length === 0) return readBytes(vectorsPath);
    const replaced = new Set(sections.map((section) => section.kind));
    return encodeVecFile({ ...file, sections: [...(file.sections ?? []).filter((section) => !replaced.has(section.kind)), ...sections] });
  }
  if (sections.length === 0) return null; // the engine embeds the catalogue itself
  const { items } = validateCatalog(catalog);
  const embedder = await createModelEmbedder(model);
  try {
    const vectors = await embedder.embed(items.map(itemText));
    const dim = embedder.dim;
    const data = new Int8Array(items.length * dim);
    const scales = Float32Array.from(vectors, (v, i) => quantizeRow(v, data.subarray(i * dim, (i + 1) * dim)).scale);
    const ids = items.map((item) => item.id);
    return encodeVecFile({ modelId, dim, count: items.length, ids, contentHashes: items.map((item) => contentHash(itemText(item))), scales, data, sections });
  } finally {
    await embedder.dispose();
  }
}

export async function runReplay(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('replay', argv, OPTIONS);
  if (values.help) {
    await write(io.stdout, `${REPLAY_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`replay: unexpected argument '${positionals[0]}'`);
  const catalogPath = optionalString(values.catalog);
  const eventsPath = optionalString(values.events);
  if (!catalogPath) throw new UsageError('replay: --catalog FILE is required');
  if (!eventsPath) throw new UsageError('replay: --events FILE is required');
  const limit = positiveInteger('--limit', values.limit, 10);
  const dtype = parseDtype(optionalString(values.dtype));
  const coOccurrence = neighbourOptions(values);
  const catalog = readJson(catalogPath, 'the catalogue');
  const users = eventsByUser(await readLogLines('replay', eventsPath, io));
  const ordersPath = optionalString(values.orders);
  const sections: VecSection[] = [];
  if (ordersPath) {
    const ids = validateCatalog(catalog).items.map((item) => item.id);
    const lines = orderLines(await readLogLines('replay', ordersPath, io));
    sections.push({ kind: NEIGHBOURS_SECTION, meta: {}, payload: encodeNeighbours(deriveNeighbours(lines, ids, coOccurrence)) });
  }
  const modelsDir = optionalString(values['models-dir']);
  const resolved = await resolveModel(optionalString(values.model), modelsDir ? { modelsDir } : {});
  const model: EmbedderOptions = { ...resolved.embedder, dtype };
  const vectorFile = await vectorFileFor(catalog, optionalString(values.vectors), sections, model, resolved.modelId);
  const replay = await ReplayEngine.create(catalog, vectorFile, model);
  const excludeSeen = values['exclude-seen'] === true;
  const arms = armsOption(optionalString(values.arms));
  if (arms === null) {
    for (const { user, events } of users) {
      const items = await replay.replayUser(events, { limit, excludeSeen });
      await write(io.stdout, `${JSON.stringify({ user, items })}\n`);
    }
    return 0;
  }
  const recommended = arms.map(() => new Set<string>());
  for (const { user, events } of users) {
    const lists: Record<string, string[]> = {};
    for (const [a, arm] of arms.entries()) {
      lists[arm] = await replay.replayUser(events, { limit, excludeSeen, strategy: armStrategy(arm) });
      for (const id of lists[arm]) recommended[a].add(id);
    }
    await write(io.stdout, `${JSON.stringify({ user, arms: lists })}\n`);
  }
  const size = replay.engine.info.catalog.items;
  for (const [a, arm] of arms.entries()) {
    await write(io.stderr, `replay: arm ${arm}: coverage ${(recommended[a].size / Math.max(1, size)).toFixed(3)} (${recommended[a].size} of ${size} catalogue items recommended to someone)\n`);
  }
  return 0;
}

/** --arms: experiment arm names (core/experiments.ts), or null for the plain output. */
function armsOption(text: string | undefined): string[] | null {
  if (text === undefined) return null;
  const arms = text.split(',').map((arm) => arm.trim());
  const checked = checkDefinition({ id: 'replay', arms });
  if (!checked.ok) throw new UsageError(`replay: --arms: ${checked.error.replace(/^arms /, '')}`);
  return arms;
}
