/**
 * The exit code of a finished run, `run --processes` or `merge`: a flat list in the agreed order
 * (README "Exit codes"), the first that applies wins.
 */
import { EXIT_INTERRUPTED, EXIT_NOT_RUN, EXIT_OK, EXIT_THRESHOLDS, EXIT_FAILED } from '../errors.js';
import { didNotRun } from '../report/plan-share.js';
import type { RunResult } from '../report/run-result.js';
import { anyCrossed } from '../report/thresholds.js';

export function runExitCode(result: Pick<RunResult, 'status' | 'thresholds' | 'planShare'>, signalled: boolean): number {
  if (result.status === 'failed' && !didNotRun(result)) return EXIT_FAILED;
  if (didNotRun(result)) return EXIT_NOT_RUN;
  if (signalled) return EXIT_INTERRUPTED;
  if (anyCrossed(result.thresholds)) return EXIT_THRESHOLDS;
  // Interrupted without a signal and without a crossed threshold cannot happen today; treat as a signal.
  return result.status === 'interrupted' ? EXIT_INTERRUPTED : EXIT_OK;
}
