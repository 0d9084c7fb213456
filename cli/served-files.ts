// The files a shop serves under /tacit/, as the command finds them: in the tacit-sdk package, its
// dist/tacit/ folder (cli/package-entry.ts says where); in the repository, dist/tacit/ after a build,
// the default model in its folder under model/weights/ and the snippet from src/snippet.js. The
// package carries the default model once: its served copy (content-hashed names, looked up in the
// build's table) is what the command reads too.

import { existsSync, readFileSync } from 'node:fs';
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

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
let packageFolder: string | null = null;

/** The package's entry points the command at the folder it serves (its dist/tacit/). */
export function usePackageFolder(folder: URL): void {
  packageFolder = fileURLToPath(folder);
}

/** The folder of served files: the package's, or the repository's build. */
export function servedFolder(): string {
  const folder = packageFolder ?? join(REPOSITORY, 'dist/tacit');
  if (!existsSync(join(folder, 'tacit.js'))) throw new CliError(`${folder} has no tacit.js: build Tacit first (npm run build)`);
  return folder;
}

/**
 * Whether a file of the build (a path under dist/tacit/) is one a shop serves from the package: not
 * ONNX Runtime's files (40 MB, only for transformer models: `files --ort`), source maps, precompressed
 * copies or Vite's manifests; the build's table (.vite/built-files.json) and runtime.json stay.
 */
export function isShippedFile(name: string): boolean {
  const path = name.split('\\').join('/');
  if (path === '' || path === '.vite' || path === '.vite/built-files.json' || path === '.vite/runtime.json') return true;
  if (path.startsWith('.vite/') || path === 'ort' || path.startsWith('ort/')) return false;
  return !/\.(map|br|gz)$/.test(path);
}

/** The build's table of served files: name → { file: hashed name }. */
export function builtFiles(folder = servedFolder()): Record<string, { file: string; bytes?: number }> {
  const path = join(folder, '.vite/built-files.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, { file: string }>;
  } catch (error) {
    throw new CliError(`cannot read the build's file table ${path}: ${describeFsError(error)}`);
  }
}

export function defaultModelFolder(): ModelFolder {
  if (!packageFolder) return { id: DEFAULT_MODEL_ID, dir: defaultModelDir() };
  const prefix = `models/${DEFAULT_MODEL_ID}/`;
  const files: Record<string, string> = {};
  for (const [name, entry] of Object.entries(builtFiles(packageFolder))) {
    if (name.startsWith(prefix)) files[name.slice(prefix.length)] = join(packageFolder, entry.file);
  }
  if (!files['config.json']) throw new CliError(`the default model ${DEFAULT_MODEL_ID} is not in this package (${packageFolder})`);
  return { id: DEFAULT_MODEL_ID, dir: join(packageFolder, prefix), files };
}

/** The minified snippet, with its 'SDK_URL' placeholder: the package's built file, or src/snippet.js minified as the build does. */
export async function minifiedSnippet(): Promise<string> {
  if (packageFolder) return readFileSync(join(packageFolder, 'snippet.min.js'), 'utf8').trim();
  const vite = 'vite'; // a variable: the package's bundle leaves it out (this path runs only in the repository)
  const { minifySync } = (await import(/* @vite-ignore */ vite)) as typeof import('vite');
  return minifySync('snippet.js', readFileSync(join(REPOSITORY, 'src/snippet.js'), 'utf8'), { compress: true, mangle: true }).code.trim();
}
