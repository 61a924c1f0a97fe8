/** The part of a plan's devices shard i of N holds (device k is in shard k mod N): 1 for the whole run. */
import { totalDevices, type RunPlan } from './plan.js';

export function shardShare(plan: Pick<RunPlan, 'groups'>, shard: { index: number; count: number }): number {
  const total = totalDevices(plan);
  if (total === 0) return 1;
  const held = Math.floor(total / shard.count) + (shard.index < total % shard.count ? 1 : 0);
  return held / total;
}
