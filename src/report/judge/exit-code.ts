/**
 * The exit code of a finished run, `run --processes` or `merge`: a flat list in the agreed order
 * (README "Exit codes"), the first that applies wins: failed 4, did not happen 5, a signal 130, an
 * untrustworthy generator 6, a crossed threshold 99.
 */
import { EXIT_GENERATOR, EXIT_INTERRUPTED, EXIT_NOT_RUN, EXIT_OK, EXIT_THRESHOLDS, EXIT_FAILED } from '../../errors.js';
import { didNotRun } from './plan-share.js';
import type { RunResult } from '../model/run-result.js';
import { anyCrossed } from './thresholds.js';
import { trustOf } from './trust.js';

export function runExitCode(result: Pick<RunResult, 'status' | 'thresholds' | 'planShare' | 'generator' | 'stages' | 'shard'>, signalled: boolean): number {
  const notRun = didNotRun(result);
  // A shard's slice is judged at merge, with every shard's generator section: a shard that ran its
  // slice exits 0, so that an Indexed Job does not fail before its merge step (issue 18).
  const slice = (result.shard?.count ?? 1) > 1;
  if (result.status === 'failed' && !notRun) return EXIT_FAILED;
  if (notRun) return EXIT_NOT_RUN;
  if (signalled) return EXIT_INTERRUPTED;
  if (!slice && trustOf(result).untrustworthy) return EXIT_GENERATOR;
  if (anyCrossed(result.thresholds)) return EXIT_THRESHOLDS;
  // Interrupted without a signal and without a crossed threshold cannot happen today; treat as a signal.
  return result.status === 'interrupted' ? EXIT_INTERRUPTED : EXIT_OK;
}
