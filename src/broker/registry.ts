/** The devices the embedded broker knows: id → algorithm, public key, kid. */
import { KeyError } from '../errors.js';
import { isAlgorithm, type Algorithm } from '../identity/algorithms.js';
import { assertKeyFitsAlgorithm, fingerprint, parsePublicKey } from '../identity/keys.js';
import type { DeviceRegistration } from '../identity/verify.js';

/** A device as it is registered: what `keys export` writes and platforms take. */
export interface DeviceRecord {
  deviceId: string;
  alg: Algorithm;
  /** SPKI PEM or X.509 certificate PEM. */
  publicKey: string;
  /** This device's `aud` template, where it differs from the broker's. */
  audience?: string;
}

export class DeviceRegistry {
  readonly #devices = new Map<string, DeviceRegistration>();

  get size(): number {
    return this.#devices.size;
  }

  get(deviceId: string): DeviceRegistration | undefined {
    return this.#devices.get(deviceId);
  }

  /** Registers devices; the kid is always computed from the key, never taken on trust. */
  add(records: Iterable<DeviceRecord>): void {
    for (const record of records) {
      if (!isAlgorithm(record.alg)) throw new KeyError(`device ${record.deviceId}: unknown algorithm ${String(record.alg)}`);
      const publicKey = parsePublicKey(record.publicKey, `device ${record.deviceId}`);
      assertKeyFitsAlgorithm(publicKey, record.alg, `device ${record.deviceId}`);
      this.#devices.set(record.deviceId, {
        deviceId: record.deviceId,
        alg: record.alg,
        publicKey,
        kid: fingerprint(publicKey),
        ...(record.audience === undefined ? {} : { audienceTemplate: record.audience }),
      });
    }
  }
}
