// Writing a command's output file: beside the target first, then renamed over it, so a reader (a web
// server serving the catalogue or vector file) never sees half a file, and a failed write leaves the old
// one as it was.

import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { CliError, describeFsError } from './errors.ts';

/** Writes `data` to `path` whole or not at all; `command` names the command in the error. */
export function writeFileWhole(command: string, path: string, data: string | Uint8Array): void {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new CliError(`${command}: cannot write ${path}: ${describeFsError(error)}`);
  }
}
