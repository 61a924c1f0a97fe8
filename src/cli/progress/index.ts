/**
 * How progress reaches the user, on stderr: a live view on a terminal, a line every 5 s in logs
 * and pipes, NDJSON for other programs (`--progress json`), or nothing (`--quiet`).
 */
import type { ProgressListener } from '../../coordinator/progress.js';
import { ConfigError } from '../../errors.js';
import { paintOf } from '../colour.js';
import { linePrinter } from './lines.js';
import { liveView } from './live.js';

export const PROGRESS_MODES = ['auto', 'live', 'lines', 'json', 'none'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/** A progress listener; `finish` clears what it drew (the live view) before the summary is printed. */
export type ProgressPrinter = ProgressListener & { finish?: () => void };

export function progressListener(mode: string, quiet: boolean): ProgressPrinter | undefined {
  if (!PROGRESS_MODES.some((m) => m === mode)) throw new ConfigError(`--progress: expected one of ${PROGRESS_MODES.join(', ')} (got "${mode}")`);
  const write = (text: string): void => void process.stderr.write(text);
  if (quiet || mode === 'none') return undefined;
  if (mode === 'json') return (event) => write(`${JSON.stringify({ atMs: Date.now(), ...event })}\n`);
  if (mode === 'live' || (mode === 'auto' && process.stderr.isTTY)) return liveView(write, paintOf(process.stderr));
  return linePrinter(write);
}
