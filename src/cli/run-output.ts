/**
 * What `run` prints besides progress, kept machine-clean: with `--progress json` every line on
 * stderr is one JSON event (notices, signals, errors and a final `done` naming the report files);
 * with `--json-line` stdout carries the report as one JSON line and nothing else (the summary goes
 * to stderr, or nowhere with `--quiet`).
 */
import { EXIT_INTERNAL, HarnessError } from '../errors.js';

export type OutputEvent =
  | { type: 'warning'; message: string }
  | { type: 'metrics'; url: string }
  | { type: 'signal'; signal: string; count: number; message: string }
  | { type: 'done'; status: string; exitCode: number; reports: string[] }
  | { type: 'error'; message: string; hint?: string; exitCode: number };

export interface RunOutputOptions {
  progress: string;
  quiet: boolean;
  jsonLine: boolean;
}

export interface RunOutput {
  /** True when stderr carries NDJSON: errors must become events too. */
  readonly json: boolean;
  emit(event: OutputEvent): void;
  /** The summary and the report paths; then the report as one JSON line when asked. */
  finish(summary: string, written: readonly string[], reportJson: string): void;
  /** An error as an event (NDJSON mode); returns its exit code. */
  error(error: unknown): number;
}

export function runOutput(options: RunOutputOptions, streams: { stdout: (t: string) => void; stderr: (t: string) => void } = defaultStreams()): RunOutput {
  const json = options.progress === 'json' && !options.quiet;
  const emit = (event: OutputEvent): void => {
    if (json) return streams.stderr(`${JSON.stringify({ atMs: Date.now(), ...event })}\n`);
    if (event.type === 'done') return;
    streams.stderr(`${textOf(event)}\n`);
  };
  return {
    json,
    emit,
    finish(summary, written, reportJson) {
      const text = `${summary}\n${written.length > 0 ? `\nreport: ${written.join(', ')}\n` : ''}`;
      // stdout is the report's when --json-line asks for it; the words go to stderr, not in NDJSON.
      if (!options.jsonLine) streams.stdout(text);
      else if (!options.quiet && !json) streams.stderr(text);
      if (options.jsonLine) streams.stdout(`${reportJson}\n`);
    },
    error(error) {
      const exitCode = error instanceof HarnessError ? error.exitCode : EXIT_INTERNAL;
      const message = error instanceof Error ? error.message : String(error);
      const hint = error instanceof HarnessError ? error.hint : undefined;
      emit({ type: 'error', message, ...(hint === undefined ? {} : { hint }), exitCode });
      return exitCode;
    },
  };
}

function textOf(event: Exclude<OutputEvent, { type: 'done' }>): string {
  switch (event.type) {
    case 'warning':
      return `warning: ${event.message}`;
    case 'metrics':
      return `metrics: ${event.url}`;
    case 'signal':
      return event.message;
    case 'error':
      return `error: ${event.message}${event.hint === undefined ? '' : `\nhint: ${event.hint}`}`;
  }
}

function defaultStreams(): { stdout: (t: string) => void; stderr: (t: string) => void } {
  return { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) };
}
