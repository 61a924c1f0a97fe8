/** Turns any error into its one-line message (plus hint) on stderr and returns the exit code. */
import { errorMessage, EXIT_INTERNAL, HarnessError } from '../errors.js';

export function printError(error: unknown, verbose: boolean): number {
  if (error instanceof HarnessError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint !== undefined) process.stderr.write(`hint: ${error.hint}\n`);
    if (verbose && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  process.stderr.write(`error: ${errorMessage(error)}\n`);
  if (verbose && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('hint: run again with --verbose for the stack trace\n');
  return EXIT_INTERNAL;
}

/** Wraps a command handler: its resolved number becomes the exit code, its error a message. */
export function handle<A extends object>(fn: (args: A) => Promise<number>): (args: A) => Promise<void> {
  return async (args) => {
    process.exitCode = await fn(args).catch((error: unknown) => printError(error, 'verbose' in args && args.verbose === true));
  };
}
