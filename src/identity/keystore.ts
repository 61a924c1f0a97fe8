/**
 * A per-device keystore: one JSON file holding a group's key pairs, written 0600 and atomically
 * (temp file, then rename), so an interrupted write never leaves half a keystore behind.
 */
import type { JsonWebKey } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyError, errorCode, errorMessage } from '../errors.js';
import { isAlgorithm, type Algorithm } from './algorithms.js';

export const KEYSTORE_FORMAT = 'mqtt-jwt-bench-keystore';
/** v2 keeps private keys as JWK: importing one costs a fraction of parsing PKCS#8 PEM. */
export const KEYSTORE_VERSION = 2;

export interface KeystoreEntry {
  /** JWK (RFC 7517): importing it measured 5 to 20 times faster than PKCS#8 PEM (docs/benchmarks.md). */
  privateKey: JsonWebKey;
  /** SPKI PEM. */
  publicKey: string;
  kid: string;
}

export interface Keystore {
  alg: Algorithm;
  devices: Record<string, KeystoreEntry>;
}

interface KeystoreFile extends Keystore {
  format: typeof KEYSTORE_FORMAT;
  version: typeof KEYSTORE_VERSION;
}

/**
 * Reads a keystore; a missing file is an empty one (for `alg`). A corrupt or foreign file, or one
 * holding keys of another algorithm than `alg`, is a KeyError. Without `alg`, any algorithm is
 * accepted and a missing file is an error.
 */
export async function loadKeystore(path: string, alg?: Algorithm): Promise<Keystore> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT' && alg !== undefined) return { alg, devices: {} };
    throw new KeyError(`${path}: cannot read keystore: ${errorMessage(error)}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new KeyError(`${path}: keystore is not valid JSON (corrupt?)`, { cause, hint: 'Delete the file to generate new keys.' });
  }
  const file = data as Partial<KeystoreFile> | null;
  if (file === null || typeof file !== 'object' || file.format !== KEYSTORE_FORMAT) {
    throw new KeyError(`${path}: not a ${KEYSTORE_FORMAT} v${KEYSTORE_VERSION} file`);
  }
  if (file.version !== KEYSTORE_VERSION) {
    throw new KeyError(`${path}: keystore version ${String(file.version)}, this harness reads v${KEYSTORE_VERSION}`, {
      hint: 'Delete the file to generate new keys.',
    });
  }
  // The file is untrusted JSON: its declared type is what these checks establish, so they test
  // for values (null entries, null devices) the type says cannot be there.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  if (!isAlgorithm(file.alg) || typeof file.devices !== 'object' || file.devices === null) {
    throw new KeyError(`${path}: keystore has no valid alg or devices`);
  }
  if (alg !== undefined && file.alg !== alg) {
    throw new KeyError(`${path}: keystore holds ${file.alg} keys, the group wants ${alg}`, {
      hint: 'Point keys.store at another file, or change the group alg.',
    });
  }
  for (const [deviceId, entry] of Object.entries(file.devices)) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (typeof entry?.privateKey !== 'object' || entry.privateKey === null || typeof entry.publicKey !== 'string' || typeof entry.kid !== 'string') {
      throw new KeyError(`${path}: keystore entry for ${deviceId} is incomplete`);
    }
  }
  return { alg: file.alg, devices: file.devices };
}

export async function saveKeystore(path: string, keystore: Keystore): Promise<void> {
  const file: KeystoreFile = { format: KEYSTORE_FORMAT, version: KEYSTORE_VERSION, ...keystore };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(file), { mode: 0o600 });
  await rename(temp, path);
}
