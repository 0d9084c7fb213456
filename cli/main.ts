// Entry of the `tacit` command (bin/tacit.js): dispatches to a command and turns errors into one
// clear line on stderr and a non-zero exit code.

import { runEmbed } from './embed.ts';
import { runEmbedCatalog } from './embed-catalog.ts';
import { runReplay } from './replay.ts';
import { CliError } from './errors.ts';
import { processIO, write } from './io.ts';
import { runTaxonomy } from './taxonomy.ts';
import type { CliIO } from './io.ts';
import { EmbedderError } from '../core/embedder.ts';

export const USAGE = `usage: tacit <command> [options]

Commands:
  embed            embed texts from stdin (one per line) → one JSON array per line
  embed-catalog    validate and embed a catalogue → vector file for the worker
  taxonomy         suggest a segment list from the catalogue's categories, or check one
  replay           what recommend() answers each shopper of an event log, through the engine

Run 'tacit <command> --help' for a command's options.`;

const COMMANDS: Record<string, (argv: string[], io: CliIO) => Promise<number>> = {
  embed: runEmbed,
  'embed-catalog': runEmbedCatalog,
  taxonomy: runTaxonomy,
  replay: runReplay,
};

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    await write(io.stdout, `${USAGE}\n`);
    return 0;
  }
  if (command === undefined) {
    await write(io.stderr, `${USAGE}\n`);
    return 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    await write(io.stderr, `tacit: unknown command '${command}'\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      await write(io.stderr, `tacit: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof EmbedderError) {
      await write(io.stderr, `tacit ${command}: ${error.message.replace(/^Embedder: /, '')}\n`);
      return 1;
    }
    await write(io.stderr, `tacit ${command}: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    return 1;
  }
}
