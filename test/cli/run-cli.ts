// Runs the CLI's main() in this process with in-memory streams (shared by the CLI tests of replay and
// embed-catalog --orders).

import { Readable, Writable } from 'node:stream';
import { main } from '../../cli/main.ts';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function inProcess(args: string[], stdin = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await main(args, { stdin: Readable.from([stdin]), stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)) });
  return { code, stdout, stderr };
}
