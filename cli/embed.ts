// `tacit embed`: texts on stdin, one per line → one JSON array (a unit-length embedding) per line on
// stdout, in the same order. Lines are embedded in batches as they arrive, so input of any length streams.

import { createInterface } from 'node:readline';
import { optionalString, parseCommandArgs, positiveInteger } from './args.ts';
import { UsageError } from './errors.ts';
import { write } from './io.ts';
import type { CliIO } from './io.ts';
import { parseDtype, resolveModel } from './model-option.ts';
import { createModelEmbedder } from '../worker/model-loader.ts';

export const EMBED_USAGE = `usage: tacit-sdk embed [--model DIR_OR_ID] [--dtype q8|fp32] [--models-dir DIR] [--batch-size N]

Reads texts from stdin, one per line, and writes one JSON array per line: the text's
normalised embedding. An empty line is embedded as the empty text, so output lines
match input lines one to one.

  --model DIR_OR_ID  a model folder (with config.json), or a model id under --models-dir
                     (default: DEFAULT_MODEL_ID of model/default.ts)
  --dtype            which ONNX file: q8 (onnx/model_quantized.onnx, default) or fp32 (onnx/model.onnx)
  --models-dir DIR   where model ids are looked up
  --batch-size N     texts per inference call (default 32)`;

const OPTIONS = {
  model: { type: 'string' },
  dtype: { type: 'string' },
  'models-dir': { type: 'string' },
  'batch-size': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runEmbed(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('embed', argv, OPTIONS);
  if (values.help) {
    await write(io.stdout, `${EMBED_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`embed: unexpected argument '${positionals[0]}' (texts come from stdin)`);
  }
  const dtype = parseDtype(optionalString(values.dtype));
  const batchSize = positiveInteger('--batch-size', values['batch-size'], 32);
  const modelsDir = optionalString(values['models-dir']);
  const model = await resolveModel(optionalString(values.model), modelsDir ? { modelsDir } : {});

  const embedder = await createModelEmbedder({ ...model.embedder, dtype });
  try {
    let batch: string[] = [];
    const flush = async () => {
      const vectors = await embedder.embed(batch, { batchSize });
      await write(io.stdout, vectors.map((v) => `${JSON.stringify(Array.from(v))}\n`).join(''));
      batch = [];
    };
    for await (const line of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
      batch.push(line);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();
  } finally {
    await embedder.dispose();
  }
  return 0;
}
