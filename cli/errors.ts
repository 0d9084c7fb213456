// Errors the CLI reports as one line on stderr, without a stack trace.

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
