/** The exit code of a finished run: a failure beats a signal, a signal beats a crossed threshold. */
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_THRESHOLDS, EXIT_FAILED } from '../errors.js';
import type { RunResult } from '../report/run-result.js';
import { anyCrossed } from '../report/thresholds.js';

export function runExitCode(result: Pick<RunResult, 'status' | 'thresholds'>, signalled: boolean): number {
  if (result.status === 'failed') return EXIT_FAILED;
  if (signalled) return EXIT_INTERRUPTED;
  if (anyCrossed(result.thresholds)) return EXIT_THRESHOLDS;
  // Interrupted without a signal and without a crossed threshold cannot happen today; treat as a signal.
  return result.status === 'interrupted' ? EXIT_INTERRUPTED : EXIT_OK;
}
