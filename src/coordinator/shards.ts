/**
 * Splits the devices across workers. Device k (in global order) goes to worker k mod W, so every
 * worker's share of every stage is interleaved in time and each one carries an even load.
 */
import type { Keystore } from '../identity/keystore.js';
import { deviceId, type RunPlan } from '../scenario/plan.js';
import type { DeviceAssignment } from '../worker/messages.js';

export function assignDevices(plan: RunPlan, keystores: readonly Keystore[]): DeviceAssignment[][] {
  const shards: DeviceAssignment[][] = Array.from({ length: plan.workers }, () => []);
  plan.groups.forEach((group, groupIndex) => {
    const keystore = keystores[groupIndex];
    for (let local = 0; local < group.count; local++) {
      const globalIndex = group.firstIndex + local;
      const id = deviceId(group, local);
      const entry = keystore?.devices[id];
      const assignment: DeviceAssignment = { globalIndex, groupIndex, deviceId: id };
      if (entry !== undefined) assignment.key = { privateKey: entry.privateKey, kid: entry.kid };
      (shards[globalIndex % plan.workers] as DeviceAssignment[]).push(assignment);
    }
  });
  return shards;
}
