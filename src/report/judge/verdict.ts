/**
 * The last step of every whole run (`run`, `run --processes`, `merge`): the default verdict on
 * the share of the plan that ran, then the planned measurements (one that recorded nothing fails
 * the run, exit 4), then the caveats. A shard's slice is not judged (its share is
 * recorded for the merge), but its caveats are listed.
 */
import { withCaveats } from './caveats.js';
import { judgeMeasurements } from './measurements.js';
import { judgePlanShare } from './plan-share.js';
import type { RunResult } from '../model/run-result.js';

export function concludeRun(result: RunResult, options: { slice: boolean }): RunResult {
  return withCaveats(options.slice ? result : judgeMeasurements(judgePlanShare(result)));
}
