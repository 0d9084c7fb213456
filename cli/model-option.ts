// Resolves the `--model` option: a folder holding config.json, or a model id (a folder name under
// `--models-dir`), or, when absent, the default model of model/default.ts (DEFAULT_MODEL_ID, loaded
// from defaultModelDir()).

import { existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { CliError, UsageError } from './errors.ts';
import type { EmbedderOptions } from '../worker/embedder.ts';
import type { EmbedderDtype } from '../core/embedder.ts';

export interface ResolvedModel {
  /** What createEmbedder loads. */
  embedder: Pick<EmbedderOptions, 'model' | 'localModelPath'>;
  /** The id written into outputs (the vector file's modelId): the worker compares it with its own. */
  modelId: string;
}

export const DTYPES: readonly EmbedderDtype[] = ['q8', 'fp32', 'fp16', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'];

export function parseDtype(value: string | undefined): EmbedderDtype {
  if (value === undefined) return 'q8';
  if (!(DTYPES as readonly string[]).includes(value)) {
    throw new UsageError(`--dtype must be one of ${DTYPES.join(', ')}, got '${value}'`);
  }
  return value as EmbedderDtype;
}

/** model/default.ts is written by the model build; until it exists there is no default model. */
async function defaultModel(): Promise<{ id: string; dir?: string }> {
  let module: Record<string, unknown>;
  try {
    module = (await import(new URL('../model/default.ts', import.meta.url).href)) as Record<string, unknown>;
  } catch {
    throw new UsageError('--model is required (model/default.ts does not define a default model yet)');
  }
  const id = module.DEFAULT_MODEL_ID;
  if (typeof id !== 'string' || id === '') throw new UsageError('--model is required (no DEFAULT_MODEL_ID in model/default.ts)');
  // The folder of the built model, for Node: defaultModelDir() (or a DEFAULT_MODEL_DIR constant).
  const dir = typeof module.defaultModelDir === 'function' ? (module.defaultModelDir as () => unknown)() : module.DEFAULT_MODEL_DIR;
  return typeof dir === 'string' ? { id, dir } : { id };
}

const isDirectory = (path: string) => existsSync(path) && statSync(path).isDirectory();

export async function resolveModel(
  modelArg: string | undefined,
  options: { modelsDir?: string; modelId?: string } = {},
): Promise<ResolvedModel> {
  let arg = modelArg;
  let id = options.modelId;
  if (arg === undefined) {
    const fallback = await defaultModel();
    id ??= fallback.id;
    arg = fallback.dir ?? fallback.id;
  }
  if (arg === '') throw new UsageError('--model needs a folder or a model id');

  const looksLikePath = isAbsolute(arg) || arg.startsWith('.') || arg.split(/[\\/]/).length > 2 || isDirectory(arg);
  if (looksLikePath && !options.modelsDir) {
    const dir = resolve(arg);
    if (!existsSync(join(dir, 'config.json'))) {
      throw new CliError(`--model ${arg}: ${isDirectory(dir) ? 'no config.json in this folder' : 'no such folder'}`);
    }
    return { embedder: { model: dir }, modelId: id ?? basename(dir) };
  }
  return {
    embedder: { model: arg, ...(options.modelsDir ? { localModelPath: resolve(options.modelsDir) } : {}) },
    modelId: id ?? arg,
  };
}
