/**
 * A worker's devices before they connect: keys loaded or generated, tokens pre-signed, so the
 * connect stage never waits on signing.
 */
import type { KeyObject } from 'node:crypto';
import { fingerprint, generateKeyPair, parsePrivateKey, parsePublicKey } from '../identity/keys.js';
import { signDeviceToken } from '../identity/token.js';
import type { Recorder } from '../metrics/recorder.js';
import type { GroupPlan } from '../scenario/plan.js';
import type { Clock } from './clock.js';
import { METRIC, type DeviceAssignment, type GeneratedKey } from './messages.js';

export interface PreparedDevice {
  assignment: DeviceAssignment;
  group: GroupPlan;
  privateKey: KeyObject;
  kid: string;
  token: string;
}

/** Loads each device's key, generating the missing ones; returns the new ones per group index. */
export function prepareKeys(
  devices: readonly DeviceAssignment[],
  groups: readonly GroupPlan[],
  recorders: readonly Recorder[],
): { keys: { privateKey: KeyObject; kid: string }[]; generated: Map<number, GeneratedKey[]> } {
  const generated = new Map<number, GeneratedKey[]>();
  const keys = devices.map((device) => {
    const group = groups[device.groupIndex] as GroupPlan;
    if (device.key !== undefined) {
      return { privateKey: parsePrivateKey(device.key.privateKey, `keystore ${group.keystorePath} (${device.deviceId})`), kid: device.key.kid };
    }
    const pair = generateKeyPair(group.alg, group.rsaBits);
    const kid = fingerprint(parsePublicKey(pair.publicKeyPem, 'generated key'));
    const list = generated.get(device.groupIndex) ?? [];
    list.push({ deviceId: device.deviceId, privateKey: pair.privateKeyPem, publicKey: pair.publicKeyPem, kid });
    generated.set(device.groupIndex, list);
    (recorders[device.groupIndex] as Recorder).count(METRIC.keysGenerated);
    return { privateKey: parsePrivateKey(pair.privateKeyPem, 'generated key'), kid };
  });
  return { keys, generated };
}

/**
 * Signs every device's token, recording each signing time. Signing through WebCrypto is
 * asynchronous, so a few run at once to keep libuv's thread pool busy.
 */
export async function presignTokens(
  devices: readonly DeviceAssignment[],
  groups: readonly GroupPlan[],
  keys: readonly { privateKey: KeyObject; kid: string }[],
  recorders: readonly Recorder[],
  clock: Clock,
  inFlight = 8,
): Promise<PreparedDevice[]> {
  const prepared: PreparedDevice[] = new Array(devices.length);
  let next = 0;
  const nowSec = clock.nowMs() / 1000;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < devices.length; i = next++) {
      const assignment = devices[i] as DeviceAssignment;
      const group = groups[assignment.groupIndex] as GroupPlan;
      const key = keys[i] as { privateKey: KeyObject; kid: string };
      const startMs = clock.nowMs();
      const token = await signDeviceToken({
        deviceId: assignment.deviceId,
        alg: group.alg,
        privateKey: key.privateKey,
        kid: group.token.kid ? key.kid : undefined,
        audienceTemplate: group.token.audienceTemplate,
        lifetimeSec: group.token.lifetimeSec,
        nowSec,
      });
      const recorder = recorders[assignment.groupIndex] as Recorder;
      recorder.record(METRIC.signUs, (clock.nowMs() - startMs) * 1000);
      recorder.count(METRIC.tokensSigned);
      prepared[i] = { assignment, group, privateKey: key.privateKey, kid: key.kid, token };
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, devices.length) }, lane));
  return prepared;
}
