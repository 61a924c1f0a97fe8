/**
 * One base class with a stable `code`, an `exitCode` and an optional `hint`, after jose's
 * `src/util/errors.ts`. Failures of single connections or messages are never thrown: they are
 * counted. These errors are for whole-run problems the user must fix.
 */
export type ErrorCode = 'ERR_CONFIG' | 'ERR_KEY' | 'ERR_BROKER' | 'ERR_WORKER' | 'ERR_REPORT';

export const EXIT_OK = 0;
/** Anything unexpected: a bug, or an I/O failure we did not classify. */
export const EXIT_INTERNAL = 1;
/** Bad input: scenario, key file or flag. */
export const EXIT_CONFIG = 2;
/** The broker could not be reached or refused the whole run. */
export const EXIT_BROKER = 3;
/** The run failed (a worker crashed or hung, the broker failed); a partial report marked `failed` was written. */
export const EXIT_FAILED = 4;
/**
 * The run did not happen: no device connected, or it sent under its minimum share of the plan
 * (`minSentPercent`, default 95%), or a shard started later than `--max-late`. Its report is
 * marked `failed` with `planShare.notRun`. `expect: refusals` says refusals were the point.
 */
export const EXIT_NOT_RUN = 5;
/** The run finished, but a threshold was crossed (k6 uses 99 too). */
export const EXIT_THRESHOLDS = 99;
/** The generator was saturated, or a stage ran more than 5% behind plan (in any shard): the latencies partly measure the harness. */
export const EXIT_GENERATOR = 6;
/** The run was interrupted (Ctrl-C / SIGTERM); a report marked `interrupted` was written. */
export const EXIT_INTERRUPTED = 130;

export class HarnessError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, exitCode: number, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options?.hint;
  }
}

/** A scenario, flag or other user input is wrong. Always exit 2. */
export class ConfigError extends HarnessError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('ERR_CONFIG', EXIT_CONFIG, message, options);
  }
}

/** A key file is missing, unreadable, of the wrong type, or does not match. Exit 2: it is input. */
export class KeyError extends HarnessError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('ERR_KEY', EXIT_CONFIG, message, options);
  }
}

export class BrokerError extends HarnessError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('ERR_BROKER', EXIT_BROKER, message, options);
  }
}

export class WorkerError extends HarnessError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('ERR_WORKER', EXIT_FAILED, message, options);
  }
}

export class ReportError extends HarnessError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('ERR_REPORT', EXIT_INTERNAL, message, options);
  }
}

/** The message of anything thrown (an Error's message, else its text). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The `code` of a Node system error (ENOENT, EACCES, ...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
