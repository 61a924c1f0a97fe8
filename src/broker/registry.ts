/** The devices the embedded broker knows: id → algorithm, public key, kid. */
import { KeyError } from '../errors.js';
import { isAlgorithm } from '../identity/algorithms.js';
import { assertKeyFitsAlgorithm, fingerprint, parsePublicKey } from '../identity/keys.js';
import { MIN_RSA_BITS } from '../identity/jws-signature.js';
import type { DeviceRecord } from '../identity/registry-file.js';
import type { DeviceRegistration } from '../identity/verify.js';

export type { DeviceRecord };

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
      const bits = publicKey.asymmetricKeyDetails?.modulusLength;
      if (bits !== undefined && bits < MIN_RSA_BITS) throw new KeyError(`device ${record.deviceId}: a ${bits}-bit RSA key is too short for JWS (RFC 7518 §3.3: ${MIN_RSA_BITS} or more)`);
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
