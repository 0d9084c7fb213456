// Errors the CLI reports as one line on stderr, without a stack trace.

/** The command's name, at the start of every error line and in every usage text. */
export const PROGRAM = 'tacit-sdk';

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    /** Process exit code: 2 for wrong usage, 1 for everything else. */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, 2);
  }
}

/** "no such file or directory" rather than a bare ENOENT. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const words: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'it is a directory, not a file',
    ENOTDIR: 'a part of the path is not a directory',
    EMFILE: 'too many open files',
  };
  if (code && words[code]) return `${words[code]} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
