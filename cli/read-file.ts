// Reading the files a command is given, with one clear error each (never a bare ENOENT). The messages
// carry no command name: main.ts puts `tacit-sdk <command>: ` before every error line.

import { readFileSync } from 'node:fs';
import { CliError, describeFsError } from './errors.ts';

/** The file's bytes; `what` names it in the error ("the catalogue"). */
export function readBytes(path: string, what = ''): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliError(`cannot read ${what ? `${what} ` : ''}${path}: ${describeFsError(error)}`);
  }
}

export function readText(path: string, what = ''): string {
  return readBytes(path, what).toString('utf8');
}

export function readJson(path: string, what = ''): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}
