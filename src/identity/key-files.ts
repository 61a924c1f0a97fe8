/**
 * Keys that users bring as files: read, decrypt with a passphrase from the environment, check
 * against the algorithm and the public key, and return them in the one form workers take.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { KeyError, errorCode, errorMessage } from '../errors.js';
import type { Algorithm } from './algorithms.js';
import { assertKeyFitsAlgorithm, assertKeysMatch, fingerprint, parsePrivateKey, parsePublicKey, pemOf } from './keys.js';

export interface LoadedKey {
  /** JWK, held in memory only. */
  privateKey: JsonWebKey;
  /** SPKI PEM (from a certificate, its SPKI). */
  publicKey: string;
  kid: string;
  /** RSA modulus length, for the warning on small keys. */
  rsaBits?: number;
}

export async function readKeyFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    throw new KeyError(`${path}: cannot read ${what}: ${code === 'ENOENT' ? 'no such file' : (code ?? errorMessage(error))}`, { cause: error });
  }
}

/** The passphrase from `envName`, or undefined. A named but unset variable is an error. */
export function passphraseFrom(envName: string | null, env: NodeJS.ProcessEnv, source: string): string | undefined {
  if (envName === null) return undefined;
  const value = env[envName];
  if (value === undefined || value === '') throw new KeyError(`${source}: passphraseEnv names ${envName}, which is not set`);
  return value;
}

/** Loads a private key file (and optionally its public key or certificate) for `alg`. */
export async function loadKeyPairFiles(alg: Algorithm, privatePath: string, publicPath: string | null, passphrase: string | undefined): Promise<LoadedKey> {
  const privateKey = parsePrivateKey(await readKeyFile(privatePath, 'private key'), privatePath, passphrase);
  return checkedPair(
    alg,
    privateKey,
    privatePath,
    publicPath === null ? undefined : { key: parsePublicKey(await readKeyFile(publicPath, 'public key'), publicPath), path: publicPath },
  );
}

export function checkedPair(alg: Algorithm, privateKey: KeyObject, privatePath: string, given?: { key: KeyObject; path: string }): LoadedKey {
  assertKeyFitsAlgorithm(privateKey, alg, privatePath);
  const publicKey = given?.key ?? createPublicKey(privateKey);
  if (given !== undefined) assertKeysMatch(privateKey, given.key, `${given.path} and ${privatePath}`);
  const bits = privateKey.asymmetricKeyDetails?.modulusLength;
  return {
    privateKey: privateKey.export({ format: 'jwk' }),
    publicKey: pemOf(publicKey, 'spki'),
    kid: fingerprint(publicKey),
    ...(bits === undefined ? {} : { rsaBits: bits }),
  };
}
