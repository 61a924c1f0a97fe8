/**
 * Where a standalone broker learns its devices: a folder of keystores, a registry file (what
 * `keys export` writes), or one public key for one device. Only public keys are ever used.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, errorCode, errorMessage } from '../errors.js';
import type { Algorithm } from '../identity/algorithms.js';
import { parsePublicKey } from '../identity/keys.js';
import { loadKeystore } from '../identity/keystore.js';
import { parseRegistryFile, type DeviceRecord } from '../identity/registry-file.js';

/**
 * Every `*.json` keystore in `dir`; a device listed in two of them is an error, unless only the
 * keys matter (`sameIdsAllowed`: JWK Sets and RabbitMQ's signing_keys list keys by kid, and two
 * groups' key pools both name their keys pool-00001…).
 */
export async function devicesFromKeysDir(dir: string, sameIdsAllowed = false): Promise<DeviceRecord[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new ConfigError(`--keys ${dir}: cannot read the folder: ${errorCode(error) ?? errorMessage(error)}`);
  }
  if (names.length === 0)
    throw new ConfigError(`--keys ${dir}: no *.json keystore files in it`, { hint: 'Point --keys at a folder like keys/<scenario>/ that a run created.' });
  const records = new Map<string, DeviceRecord>();
  const keyed: DeviceRecord[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const keystore = await loadKeystore(path);
    for (const [deviceId, entry] of Object.entries(keystore.devices)) {
      keyed.push({ deviceId, alg: keystore.alg, publicKey: entry.publicKey });
      if (sameIdsAllowed) continue;
      if (records.has(deviceId)) throw new ConfigError(`${path}: device ${deviceId} is also in another keystore of ${dir}`);
      records.set(deviceId, { deviceId, alg: keystore.alg, publicKey: entry.publicKey });
    }
  }
  return sameIdsAllowed ? keyed : [...records.values()];
}

export async function devicesFromRegistryFile(file: string): Promise<DeviceRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`--registry ${file}: cannot read it: ${errorCode(error) ?? errorMessage(error)}`);
  }
  return parseRegistryFile(text, file);
}

/** One device by its public key (SPKI or certificate PEM); the alg follows from the key. */
export async function deviceFromPublicKeyFile(file: string, deviceId: string, alg?: Algorithm): Promise<DeviceRecord> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`--public-key ${file}: cannot read it: ${errorCode(error) ?? errorMessage(error)}`);
  }
  const key = parsePublicKey(pem, file);
  const chosen = alg ?? algorithmForKey(key.asymmetricKeyType, key.asymmetricKeyDetails?.namedCurve);
  if (chosen === undefined)
    throw new ConfigError(`--public-key ${file}: cannot tell the algorithm of a ${key.asymmetricKeyType ?? 'unknown'} key`, { hint: 'Name it with --alg.' });
  return { deviceId, alg: chosen, publicKey: pem };
}

const EC_ALGORITHMS: Readonly<Record<string, Algorithm>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/** RS256 for RSA (akenza's), ES256/384/512 by curve, EdDSA for Ed25519. */
export function algorithmForKey(type: string | undefined, curve: string | undefined): Algorithm | undefined {
  if (type === 'rsa') return 'RS256';
  if (type === 'ed25519') return 'EdDSA';
  if (type !== 'ec') return undefined;
  return EC_ALGORITHMS[curve ?? ''];
}
