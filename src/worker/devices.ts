/**
 * A worker's devices before they connect: keys loaded or generated, tokens pre-signed, so the
 * connect stage never waits on signing.
 */
import { generateKeyPair as generateKeyPairCb, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { algorithmInfo, type Algorithm } from '../identity/algorithms.js';
import { fingerprint, parsePrivateKey } from '../identity/keys.js';
import { signTokenSync } from '../identity/token.js';
import type { Recorder } from '../metrics/recorder.js';
import { tokenSpec, type GroupPlan } from '../scenario/plan.js';
import type { Clock } from './clock.js';
import { METRIC, type DeviceAssignment, type GeneratedKey } from './messages.js';

const generateKeyPairAsync = promisify(generateKeyPairCb);

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

/** Key generations in flight per worker: enough to keep a core busy through libuv's pool. */
const KEYGEN_IN_FLIGHT = 2;
const BATCH_KEYS = 100;
const BATCH_MS = 1000;

export interface KeygenOptions {
  onGenerated: (groupIndex: number, keys: GeneratedKey[]) => void;
  shouldStop: () => boolean;
}

/**
 * Parses each device's key (a PEM shared by many devices is parsed once) and generates the
 * missing ones off the event loop, reporting them in batches so the keystore grows on disk
 * as they come and an interrupted generation resumes.
 */
export async function prepareKeys(devices: readonly DeviceAssignment[], groups: readonly GroupPlan[], recorders: readonly Recorder[], options: KeygenOptions): Promise<(DeviceKey | undefined)[]> {
  const parsed = new Map<string, KeyObject>();
  const keys: (DeviceKey | undefined)[] = devices.map((device) => {
    if (device.key === undefined) return undefined;
    let privateKey = parsed.get(device.key.privateKey);
    if (privateKey === undefined) {
      privateKey = parsePrivateKey(device.key.privateKey, `key of ${device.deviceId}`);
      parsed.set(device.key.privateKey, privateKey);
    }
    return { privateKey, kid: device.key.kid };
  });
  const missing = devices.map((_, i) => i).filter((i) => keys[i] === undefined);
  const batches = new Map<number, GeneratedKey[]>();
  let lastFlushMs = Date.now();
  const flush = (): void => {
    for (const [groupIndex, batch] of batches) if (batch.length > 0) options.onGenerated(groupIndex, batch.splice(0));
    lastFlushMs = Date.now();
  };
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let n = next++; n < missing.length && !options.shouldStop(); n = next++) {
      const i = missing[n] as number;
      const device = devices[i] as DeviceAssignment;
      const group = groups[device.groupIndex] as GroupPlan;
      const pair = await generate(group.alg, group.rsaBits);
      const kid = fingerprint(pair.publicKey);
      keys[i] = { privateKey: pair.privateKey, kid };
      const batch = batches.get(device.groupIndex) ?? [];
      batch.push({
        deviceId: device.deviceId,
        privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
        publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string,
        kid,
      });
      batches.set(device.groupIndex, batch);
      (recorders[device.groupIndex] as Recorder).count(METRIC.keysGenerated);
      if (batch.length >= BATCH_KEYS || Date.now() - lastFlushMs >= BATCH_MS) flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(KEYGEN_IN_FLIGHT, missing.length) }, lane));
  flush();
  return keys;
}

function generate(alg: Algorithm, rsaBits: number): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  const info = algorithmInfo(alg);
  if (info.kind === 'rsa') return generateKeyPairAsync('rsa', { modulusLength: rsaBits });
  if (info.kind === 'ec') return generateKeyPairAsync('ec', { namedCurve: info.curve ?? 'prime256v1' });
  return generateKeyPairAsync('ed25519');
}

/** Signs every device's token on this thread (the fastest path), timing each signature. */
export function presignTokens(devices: readonly DeviceAssignment[], groups: readonly GroupPlan[], keys: readonly DeviceKey[], recorders: readonly Recorder[], clock: Clock): PreparedDevice[] {
  const specs = groups.map(tokenSpec);
  const nowSec = clock.nowMs() / 1000;
  return devices.map((assignment, i) => {
    const group = groups[assignment.groupIndex] as GroupPlan;
    const key = keys[i] as DeviceKey;
    const startMs = clock.nowMs();
    const token = signTokenSync(specs[assignment.groupIndex]!, assignment.deviceId, key.privateKey, key.kid, nowSec);
    const recorder = recorders[assignment.groupIndex] as Recorder;
    recorder.record(METRIC.signUs, (clock.nowMs() - startMs) * 1000);
    recorder.count(METRIC.tokensSigned);
    return { assignment, group, key, token, expSec: Math.floor(nowSec) + group.token.lifetimeSec };
  });
}
