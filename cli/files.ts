// `tacit-sdk files --out public/tacit/`: copies the files a shop serves from its own origin (the folder
// the snippet's --base names): tacit.js and its chunks, the engine's worker, the default model,
// snippet.min.js, tacit.iife.js and the npm entry. `--ort` adds ONNX Runtime's runtime files, which only a
// transformer model needs (init({ model: { id } })): they come from the shop's own
// @huggingface/transformers, checked byte for byte against the names the worker was built to fetch.

import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { precompressDir } from '../scripts/precompress.js';
import { parseCommandArgs } from './args.ts';
import { CliError, UsageError, describeFsError } from './errors.ts';
import { write, type CliIO } from './io.ts';
import { builtFiles, isShippedFile, servedFolder } from './served-files.ts';

export const FILES_USAGE = `usage: tacit-sdk files --out DIR [--ort] [--precompress]

Copies the files a shop serves under its Tacit folder (the folder 'tacit-sdk snippet --base'
names): tacit.js and its chunks, the engine's worker, the default model, snippet.min.js.

  --out DIR        the folder to write, e.g. public/tacit/ (files already there are replaced)
  --ort            also ONNX Runtime's files, needed only for a transformer model
                   (init({ model: { id } })); they come from the installed
                   @huggingface/transformers, which must be the version Tacit was built with
  --precompress    write FILE.br and FILE.gz beside each compressible file, for servers that
                   send precompressed files (nginx brotli_static / gzip_static)`;

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  ort: { type: 'boolean' },
  precompress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The 8 characters of a content-hashed name ('ort/x-Ab3dE9_z.wasm'), as the build computes them (vite.config.ts). */
function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64url').slice(0, 8);
}

/** Copies ORT's files from the shop's @huggingface/transformers, under the names the worker fetches. */
function copyOrtFiles(folder: string, out: string): number {
  const table = builtFiles(folder);
  const builtWith = (() => {
    try {
      return (JSON.parse(readFileSync(join(folder, '.vite/runtime.json'), 'utf8')) as { transformers?: string }).transformers;
    } catch {
      return undefined;
    }
  })();
  const install = `npm install @huggingface/transformers${builtWith ? `@${builtWith}` : ''}`;
  let transformers: NodeRequire;
  try {
    transformers = createRequire(createRequire(join(process.cwd(), 'package.json')).resolve('@huggingface/transformers'));
  } catch {
    throw new CliError(`--ort: @huggingface/transformers is not installed here (${process.cwd()}): ${install}`);
  }
  const entries = Object.entries(table).filter(([name]) => name.startsWith('ort/'));
  for (const [name, entry] of entries) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(transformers.resolve(`onnxruntime-web/${name.slice('ort/'.length)}`));
    } catch (error) {
      throw new CliError(`--ort: cannot read ${name} from the installed onnxruntime-web: ${describeFsError(error)}`);
    }
    if (!entry.file.includes(`-${contentHash(bytes)}.`)) {
      throw new CliError(`--ort: the installed ${name} is not the one Tacit's worker was built with: ${install}`);
    }
    const target = join(out, entry.file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(transformers.resolve(`onnxruntime-web/${name.slice('ort/'.length)}`), target);
  }
  return entries.length;
}

export async function runFiles(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('files', argv, OPTIONS);
  if (values.help) {
    await write(io.stdout, `${FILES_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`files: unexpected argument '${positionals[0]}' (the folder goes after --out)`);
  if (typeof values.out !== 'string' || values.out === '') throw new UsageError('files: --out DIR is required');
  const out = resolve(values.out);
  const folder = servedFolder();
  if (existsSync(out) && resolve(folder) === out) throw new UsageError(`files: --out ${values.out} is the folder the files come from`);
  try {
    cpSync(folder, out, { recursive: true, filter: (path) => isShippedFile(relative(folder, path)) });
  } catch (error) {
    throw new CliError(`cannot write ${values.out}: ${describeFsError(error)}`);
  }
  const ort = values.ort ? copyOrtFiles(folder, out) : 0;
  if (values.precompress) await precompressDir(out);
  await write(
    io.stderr,
    `tacit-sdk files: Tacit's files copied to ${values.out}${ort ? `, with ONNX Runtime's ${ort} files` : ''}` +
      `${values.precompress ? ', precompressed (.br, .gz)' : ''}; serve them under the --base of 'tacit-sdk snippet'\n`,
  );
  return 0;
}
