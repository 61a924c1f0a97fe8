/**
 * Splits the devices across workers. Device k (in global order) goes to worker k mod W, so every
 * worker's share of every stage is interleaved in time and each one carries an even load.
 */
import { deviceId, type RunPlan } from '../scenario/plan.js';
import type { DeviceAssignment } from '../worker/messages.js';
import type { GroupCredentials } from './credentials.js';

export function assignDevices(plan: RunPlan, credentials: readonly GroupCredentials[]): DeviceAssignment[][] {
  const shards: DeviceAssignment[][] = Array.from({ length: plan.workers }, () => []);
  plan.groups.forEach((group, groupIndex) => {
    const groupCredentials = credentials[groupIndex];
    for (let local = 0; local < group.count; local++) {
      const globalIndex = group.firstIndex + local;
      const id = deviceId(group, local);
      const entry = groupCredentials?.keyFor(local, id);
      const assignment: DeviceAssignment = { globalIndex, groupIndex, deviceId: id };
      if (entry !== undefined) assignment.key = { privateKey: entry.privateKey, kid: entry.kid };
      (shards[globalIndex % plan.workers] as DeviceAssignment[]).push(assignment);
    }
  });
  return shards;
}
