// Entry of the `tacit-sdk` command (the package's bin; bin/tacit.js in the repository): dispatches to a
// command and turns every error into one line on stderr, `tacit-sdk <command>: <what is wrong>`, and a
// non-zero exit code (2 for wrong usage, 1 for everything else).

import { runCatalog } from './catalog.ts';
import { runEmbed } from './embed.ts';
import { runEmbedCatalog } from './embed-catalog.ts';
import { runFiles } from './files.ts';
import { runReplay } from './replay.ts';
import { CliError, PROGRAM } from './errors.ts';
import { processIO, write } from './io.ts';
import { runSnippet } from './snippet.ts';
import { runTaxonomy } from './taxonomy.ts';
import type { CliIO } from './io.ts';
import { EmbedderError } from '../core/embedder.ts';

export const USAGE = `usage: ${PROGRAM} <command> [options]

Commands:
  snippet          print the <script> snippet to paste into every page (--base /tacit/)
  files            copy the files a shop serves (the SDK, its worker, the default model) to a folder
  catalog import   turn a Google Merchant Center feed or a Shopify products.json into Tacit's catalogue
  embed-catalog    validate and embed a catalogue → vector file for the worker
  embed            embed texts from stdin (one per line) → one JSON array per line
  taxonomy         suggest a segment list from the catalogue's categories, or check one
  replay           what recommend() answers each shopper of an event log, through the engine

Run '${PROGRAM} <command> --help' for a command's options.`;

const COMMANDS: Record<string, (argv: string[], io: CliIO) => Promise<number>> = {
  snippet: runSnippet,
  files: runFiles,
  catalog: runCatalog,
  'embed-catalog': runEmbedCatalog,
  embed: runEmbed,
  taxonomy: runTaxonomy,
  replay: runReplay,
};

/** `tacit-sdk <command>: <message>`; a message that already names its (sub)command keeps that name. */
function errorLine(command: string, message: string): string {
  const named = message.startsWith(`${command}: `) || message.startsWith(`${command} `);
  return `${PROGRAM} ${named ? message : `${command}: ${message}`}\n`;
}

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
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    await write(io.stderr, `${PROGRAM}: unknown command '${command}'\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      await write(io.stderr, errorLine(command, error.message));
      return error.exitCode;
    }
    if (error instanceof EmbedderError) {
      await write(io.stderr, errorLine(command, error.message.replace(/^Embedder: /, '')));
      return 1;
    }
    await write(io.stderr, errorLine(command, `unexpected error: ${error instanceof Error ? error.stack : String(error)}`));
    return 1;
  }
}
