/**
 * A worker's devices before they connect: keys loaded or generated, tokens pre-signed, so the
 * connect stage never waits on signing.
 */
import type { KeyObject } from 'node:crypto';
import { importPrivateJwk } from '../identity/keys.js';
import { signTokenSync } from '../identity/token.js';
import type { Recorder } from '../metrics/recorder.js';
import { tokenSpec } from '../scenario/plan.js';
import type { GroupPlan } from '../scenario/run-plan.js';
import { itemAt } from '../util/item-at.js';
import type { Clock } from '../util/clock.js';
import { generateKeys, type KeygenItem } from './keygen.js';
import { type DeviceAssignment, type GeneratedKey } from './messages.js';
import { METRIC } from '../metrics/metric-names.js';

export interface DeviceKey {
  privateKey: KeyObject;
  kid: string;
}

export interface PreparedDevice {
  assignment: DeviceAssignment;
  group: GroupPlan;
  key: DeviceKey;
  token: string;
  /** `exp` of `token`, epoch seconds. */
  expSec: number;
}

export interface KeygenOptions {
  onGenerated: (groupIndex: number, keys: GeneratedKey[]) => void;
  shouldStop: () => boolean;
}

/**
 * Parses each device's key (a PEM shared by many devices is parsed once) and generates the
 * missing ones off the event loop, reporting them in batches so the keystore grows on disk
 * as they come and an interrupted generation resumes. Undefined when a stop cut the generation short.
 */
export async function prepareKeys(
  devices: DeviceAssignment[],
  groups: readonly GroupPlan[],
  recorders: readonly Recorder[],
  options: KeygenOptions,
): Promise<DeviceKey[] | undefined> {
  // Devices that share a key (shared and pool modes) import it once: keyed by its kid.
  const imported = new Map<string, KeyObject>();
  const keys: (DeviceKey | undefined)[] = devices.map((device) => {
    if (device.key === undefined) return undefined;
    let privateKey = imported.get(device.key.kid);
    if (privateKey === undefined) {
      privateKey = importPrivateJwk(device.key.privateKey, `key of ${device.deviceId}`);
      imported.set(device.key.kid, privateKey);
    }
    const kid = device.key.kid;
    // The KeyObject holds the key from here on: the JWK (five base64url strings and two objects per
    // device) would otherwise stay alive in the task for the whole run, about 0.5 KiB a device.
    delete device.key;
    return { privateKey, kid };
  });
  const missing: KeygenItem[] = [];
  const indexOf = new Map<string, number>();
  devices.forEach((device, i) => {
    if (keys[i] !== undefined) return;
    const group = itemAt(groups, device.groupIndex);
    missing.push({ deviceId: device.deviceId, alg: group.alg, rsaBits: group.rsaBits, tag: device.groupIndex });
    indexOf.set(device.deviceId, i);
  });
  await generateKeys(missing, {
    onKey: (item, pair) => {
      const index = indexOf.get(item.deviceId);
      if (index !== undefined) keys[index] = { privateKey: pair.privateKey, kid: pair.kid };
      itemAt(recorders, item.tag).count(METRIC.keysGenerated);
    },
    onBatch: options.onGenerated,
    shouldStop: options.shouldStop,
  });
  const complete = keys.filter((key): key is DeviceKey => key !== undefined);
  return complete.length === keys.length ? complete : undefined;
}

/** How long signing may hold the event loop before it yields, so snapshots and stops get through. */
const SIGN_SLICE_MS = 50;

/**
 * Signs every device's token on this thread (the fastest path), timing each signature, in
 * slices that yield to the event loop.
 */
export async function presignTokens(
  devices: readonly DeviceAssignment[],
  groups: readonly GroupPlan[],
  keys: readonly DeviceKey[],
  recorders: readonly Recorder[],
  clock: Clock,
): Promise<PreparedDevice[]> {
  const specs = groups.map(tokenSpec);
  const nowSec = clock.nowMs() / 1000;
  const prepared: PreparedDevice[] = [];
  let sliceStartMs = clock.nowMs();
  for (let i = 0; i < devices.length; i++) {
    const assignment = itemAt(devices, i);
    const group = itemAt(groups, assignment.groupIndex);
    const key = itemAt(keys, i);
    const startMs = clock.nowMs();
    const token = signTokenSync(itemAt(specs, assignment.groupIndex), assignment.deviceId, key.privateKey, key.kid, nowSec);
    const endMs = clock.nowMs();
    const recorder = itemAt(recorders, assignment.groupIndex);
    recorder.record(METRIC.signUs, (endMs - startMs) * 1000);
    recorder.count(METRIC.tokensSigned);
    recorder.count(METRIC.presignedTokenBytes, token.length);
    prepared.push({ assignment, group, key, token, expSec: Math.floor(nowSec) + group.token.lifetimeSec });
    if (endMs - sliceStartMs >= SIGN_SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStartMs = clock.nowMs();
    }
  }
  return prepared;
}
