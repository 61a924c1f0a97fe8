/**
 * A shard of a run: shard `index` of `count` holds device k when k mod count = index. Declared
 * here, below both the coordinator (which assigns devices) and the report (which judges a slice).
 */
import { totalDevices } from './plan.js';
import type { RunPlan } from './run-plan.js';

export interface ShardSpec {
  index: number;
  count: number;
}

export const WHOLE_RUN: ShardSpec = { index: 0, count: 1 };

/** The part of a plan's devices a shard holds: 1 for the whole run. */
export function shardShare(plan: Pick<RunPlan, 'groups'>, shard: ShardSpec): number {
  const total = totalDevices(plan);
  if (total === 0) return 1;
  const held = Math.floor(total / shard.count) + (shard.index < total % shard.count ? 1 : 0);
  return held / total;
}
