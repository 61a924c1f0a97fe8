/**
 * The exit code of a finished run, `run --processes` or `merge`: a flat list in the precedence of
 * docs (README, exit codes): failed 4, a signal 130, an untrustworthy generator 6, a crossed
 * threshold 99.
 */
import { EXIT_GENERATOR, EXIT_INTERRUPTED, EXIT_OK, EXIT_THRESHOLDS, EXIT_WORKER } from '../errors.js';
import type { RunResult } from '../report/run-result.js';
import { anyCrossed } from '../report/thresholds.js';
import { trustOf } from '../report/trust.js';

export function runExitCode(result: Pick<RunResult, 'status' | 'thresholds' | 'generator' | 'stages'>, signalled: boolean): number {
  if (result.status === 'failed') return EXIT_WORKER;
  if (signalled) return EXIT_INTERRUPTED;
  if (trustOf(result).untrustworthy) return EXIT_GENERATOR;
  if (anyCrossed(result.thresholds)) return EXIT_THRESHOLDS;
  // Interrupted without a signal and without a crossed threshold cannot happen today; treat as a signal.
  return result.status === 'interrupted' ? EXIT_INTERRUPTED : EXIT_OK;
}
