// Where the command finds Tacit's default model: in the repository, its folder under model/weights/; in
// the tacit-sdk package, the copy the package serves to browsers (dist/tacit/models/, under
// content-hashed names, looked up in the build's table), so the package carries the model once.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL_ID, defaultModelDir } from '../model/default.ts';
import { CliError, describeFsError } from './errors.ts';

export interface ModelFolder {
  id: string;
  /** The model's folder (its plain files are there, unless `files` names them). */
  dir: string;
  /** Each file of the model by its name in the folder, when the files have other names. */
  files?: Record<string, string>;
}

let servedFolder: string | null = null;

/** The package's entry (cli/package-entry.ts) points the command at the folder it serves (dist/tacit/). */
export function useServedModels(folder: URL): void {
  servedFolder = fileURLToPath(folder);
}

export function defaultModelFolder(): ModelFolder {
  if (!servedFolder) return { id: DEFAULT_MODEL_ID, dir: defaultModelDir() };
  const tablePath = join(servedFolder, '.vite/built-files.json');
  let table: Record<string, { file: string }>;
  try {
    table = JSON.parse(readFileSync(tablePath, 'utf8')) as Record<string, { file: string }>;
  } catch (error) {
    throw new CliError(`cannot read the build's file table ${tablePath}: ${describeFsError(error)}`);
  }
  const prefix = `models/${DEFAULT_MODEL_ID}/`;
  const files: Record<string, string> = {};
  for (const [name, entry] of Object.entries(table)) {
    if (name.startsWith(prefix)) files[name.slice(prefix.length)] = join(servedFolder, entry.file);
  }
  if (!files['config.json']) throw new CliError(`the default model ${DEFAULT_MODEL_ID} is not in this package (${tablePath})`);
  return { id: DEFAULT_MODEL_ID, dir: join(servedFolder, prefix), files };
}
