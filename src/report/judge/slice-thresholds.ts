/**
 * Thresholds are judged once, on the whole run. A shard sees only its slice (a count or a rate
 * of one slice says nothing of the whole), so its report records them unjudged and `merge`
 * judges them on the merged whole; a run of one piece judges them itself.
 */
import type { RunResult, ThresholdOutcome } from '../model/run-result.js';
import type { Threshold } from '../../scenario/threshold.js';
import type { ShardSpec } from '../../scenario/shard-spec.js';

export function isSlice(shard: ShardSpec | undefined): boolean {
  return shard !== undefined && shard.count > 1;
}

export function thresholdFields(
  thresholds: readonly Threshold[],
  shard: ShardSpec | undefined,
  judge: () => ThresholdOutcome[],
): Pick<RunResult, 'thresholds' | 'unjudgedThresholds'> {
  if (!isSlice(shard)) return { thresholds: judge() };
  return { thresholds: [], ...(thresholds.length === 0 ? {} : { unjudgedThresholds: [...thresholds] }) };
}
