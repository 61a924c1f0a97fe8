/**
 * Which devices a process and each of its workers hold. Device k (in global order) belongs to
 * shard k mod N, and within the shard to worker ⌊k / N⌋ mod W. Devices keep their global
 * positions, so the schedules of all shards and workers interleave into exactly the scenario's
 * rates: N shards together are the whole scenario, each carrying 1/N of every rate.
 */
import { deviceId, totalDevices } from '../scenario/plan.js';
import type { RunPlan } from '../scenario/run-plan.js';
import type { DeviceAssignment } from '../worker/messages.js';
import type { GroupCredentials } from './credentials.js';

import { WHOLE_RUN, type ShardSpec } from '../scenario/shard-spec.js';

export { WHOLE_RUN, type ShardSpec };

export function inShard(globalIndex: number, shard: ShardSpec): boolean {
  return globalIndex % shard.count === shard.index;
}

export function assignDevices(plan: RunPlan, credentials: readonly GroupCredentials[], shard: ShardSpec = WHOLE_RUN): DeviceAssignment[][] {
  const workers: DeviceAssignment[][] = Array.from({ length: plan.workers }, () => []);
  plan.groups.forEach((group, groupIndex) => {
    const groupCredentials = credentials[groupIndex];
    for (let local = 0; local < group.count; local++) {
      const globalIndex = group.firstIndex + local;
      if (!inShard(globalIndex, shard)) continue;
      const id = deviceId(group, local);
      const entry = groupCredentials?.keyFor(local, id);
      const assignment: DeviceAssignment = { globalIndex, groupIndex, deviceId: id };
      if (entry !== undefined) assignment.key = { privateKey: entry.privateKey, kid: entry.kid };
      (workers[Math.floor(globalIndex / shard.count) % plan.workers] as DeviceAssignment[]).push(assignment);
    }
  });
  return workers;
}

/** How many of the plan's devices a shard holds. */
export function shardDeviceCount(plan: Pick<RunPlan, 'groups'>, shard: ShardSpec): number {
  const total = totalDevices(plan);
  return Math.floor(total / shard.count) + (shard.index < total % shard.count ? 1 : 0);
}

/** Parses `i/N` (0-based i). */
export function parseShard(text: string): ShardSpec | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return count >= 1 && index < count ? { index, count } : undefined;
}
