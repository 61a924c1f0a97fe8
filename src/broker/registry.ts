/**
 * The devices the embedded broker knows: id → algorithm, public key, kid; and the keys of JWK
 * Sets (`broker --jwks`), kid → algorithm and public key, which admit any client id whose token
 * names the kid, as RabbitMQ, EMQX and HiveMQ do: the signed `aud` then binds the token to it.
 */
import type { KeyObject } from 'node:crypto';
import { KeyError } from '../errors.js';
import { isAlgorithm } from '../identity/algorithms.js';
import { assertKeyFitsAlgorithm, fingerprint, parsePublicKey } from '../identity/keys.js';
import { MIN_RSA_BITS } from '../identity/jws-signature.js';
import type { KeySetEntry } from '../identity/jwks.js';
import type { DeviceRecord } from '../identity/registry-file.js';
import { peekKid } from '../identity/token-header.js';
import type { DeviceRegistration } from '../identity/verify.js';

export type { DeviceRecord };

export class DeviceRegistry {
  readonly #devices = new Map<string, DeviceRegistration>();
  readonly #keysByKid = new Map<string, KeySetEntry>();

  /** Devices registered by id (keys of a JWK Set are not devices). */
  get size(): number {
    return this.#devices.size;
  }

  get keySetSize(): number {
    return this.#keysByKid.size;
  }

  get(deviceId: string): DeviceRegistration | undefined {
    return this.#devices.get(deviceId);
  }

  /**
   * The registration to check this CONNECT against: the device's own when its id is registered,
   * else the JWK Set's key named by the token's kid, for this client id. The kid only chooses
   * the key; the signature, alg and claims are checked as for any device.
   */
  resolve(clientId: string, token: string): DeviceRegistration | undefined {
    const device = this.#devices.get(clientId);
    if (device !== undefined || this.#keysByKid.size === 0) return device;
    const kid = peekKid(token);
    const entry = kid === undefined ? undefined : this.#keysByKid.get(kid);
    return entry === undefined ? undefined : { deviceId: clientId, alg: entry.alg, publicKey: entry.publicKey, kid: entry.kid };
  }

  addKeySet(entries: Iterable<KeySetEntry>): void {
    for (const entry of entries) {
      checkRsaBits(entry.publicKey, `kid ${entry.kid}`);
      this.#keysByKid.set(entry.kid, entry);
    }
  }

  /** Registers devices; the kid is always computed from the key, never taken on trust. */
  add(records: Iterable<DeviceRecord>): void {
    for (const record of records) {
      if (!isAlgorithm(record.alg)) throw new KeyError(`device ${record.deviceId}: unknown algorithm ${String(record.alg)}`);
      const publicKey = parsePublicKey(record.publicKey, `device ${record.deviceId}`);
      assertKeyFitsAlgorithm(publicKey, record.alg, `device ${record.deviceId}`);
      checkRsaBits(publicKey, `device ${record.deviceId}`);
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

function checkRsaBits(publicKey: KeyObject, source: string): void {
  const bits = publicKey.asymmetricKeyDetails?.modulusLength;
  if (bits !== undefined && bits < MIN_RSA_BITS)
    throw new KeyError(`${source}: a ${bits}-bit RSA key is too short for JWS (RFC 7518 §3.3: ${MIN_RSA_BITS} or more)`);
}
