// Resolves the `--model` option: a folder holding config.json, or a model id (a folder name under
// `--models-dir`), or, when absent, Tacit's default model (cli/served-files.ts). The command never
// downloads a model and never looks for one anywhere else (not in node_modules, not in a cache).

import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { CliError, UsageError } from './errors.ts';
import { defaultModelFolder } from './served-files.ts';
import type { EmbedderOptions } from '../worker/embedder.ts';
import type { EmbedderDtype } from '../core/embedder.ts';

export interface ResolvedModel {
  /** What createEmbedder loads. */
  embedder: Pick<EmbedderOptions, 'model' | 'localModelPath' | 'files'>;
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

const isDirectory = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** A model folder, loaded as an id under its parent folder (as in the browser: the id is the folder's name). */
function folderModel(dir: string, id: string | undefined, files?: Record<string, string>): ResolvedModel {
  return { embedder: { model: basename(dir), localModelPath: dirname(dir), ...(files ? { files } : {}) }, modelId: id ?? basename(dir) };
}

export async function resolveModel(
  modelArg: string | undefined,
  options: { modelsDir?: string; modelId?: string } = {},
): Promise<ResolvedModel> {
  const id = options.modelId;
  if (modelArg === '') throw new UsageError('--model needs a folder or a model id');
  const fallback = () => {
    const folder = defaultModelFolder();
    return folderModel(folder.dir.replace(/[\\/]$/, ''), id ?? folder.id, folder.files);
  };
  if (modelArg === undefined) return fallback();

  if (options.modelsDir) {
    const dir = resolve(options.modelsDir, modelArg);
    if (!existsSync(join(dir, 'config.json'))) {
      throw new CliError(`--model ${modelArg}: no ${join(modelArg, 'config.json')} under --models-dir ${options.modelsDir}`);
    }
    return { embedder: { model: modelArg, localModelPath: resolve(options.modelsDir) }, modelId: id ?? modelArg };
  }
  const looksLikePath = isAbsolute(modelArg) || modelArg.startsWith('.') || modelArg.split(/[\\/]/).length > 2 || isDirectory(modelArg);
  if (looksLikePath) {
    const dir = resolve(modelArg);
    if (!existsSync(join(dir, 'config.json'))) {
      throw new CliError(`--model ${modelArg}: ${isDirectory(dir) ? 'no config.json in this folder' : 'no such folder'}`);
    }
    return folderModel(dir, id);
  }
  // An id without --models-dir: only the default model is known by its id alone.
  if (modelArg === defaultModelFolder().id) return fallback();
  throw new CliError(
    `--model ${modelArg}: no such folder. A model id is looked up under --models-dir DIR (DIR/${modelArg}/config.json); ` +
      'Tacit never downloads a model',
  );
}
