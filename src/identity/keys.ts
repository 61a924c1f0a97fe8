/**
 * Key loading, generation and the `kid` fingerprint. PEM in PKCS#8, PKCS#1 and SEC1 all load
 * through node:crypto; the `kid` is computed the way PyCryptodome's export does it.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateKeyPairCb,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { KeyError, errorMessage } from '../errors.js';
import { algorithmInfo, type Algorithm } from './algorithms.js';

export const DEFAULT_RSA_BITS = 2048;

const generateKeyPairAsync = promisify(generateKeyPairCb);

/** Generates a key pair for `alg` on libuv's thread pool, leaving the event loop free. */
export function generateKeyObjects(alg: Algorithm, rsaBits = DEFAULT_RSA_BITS): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  const info = algorithmInfo(alg);
  if (info.kind === 'rsa') return generateKeyPairAsync('rsa', { modulusLength: rsaBits });
  if (info.kind === 'ec') return generateKeyPairAsync('ec', { namedCurve: info.curve ?? 'prime256v1' });
  return generateKeyPairAsync('ed25519');
}

export interface GeneratedKeyPair {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
}

/** A key as PEM: `spki` for a public key, `pkcs8` for a private one. Node returns PEM as a string; its types also allow a Buffer. */
export function pemOf(key: KeyObject, type: 'spki' | 'pkcs8'): string {
  const pem = key.export({ type, format: 'pem' });
  return typeof pem === 'string' ? pem : pem.toString('utf8');
}

export function generateKeyPair(alg: Algorithm, rsaBits = DEFAULT_RSA_BITS): GeneratedKeyPair {
  const info = algorithmInfo(alg);
  const pem = (pair: { privateKey: KeyObject; publicKey: KeyObject }): GeneratedKeyPair => ({
    privateKeyPem: pemOf(pair.privateKey, 'pkcs8'),
    publicKeyPem: pemOf(pair.publicKey, 'spki'),
  });
  if (info.kind === 'rsa') return pem(generateKeyPairSync('rsa', { modulusLength: rsaBits }));
  if (info.kind === 'ec') return pem(generateKeyPairSync('ec', { namedCurve: info.curve ?? 'prime256v1' }));
  return pem(generateKeyPairSync('ed25519'));
}

/** Parses a private key PEM (PKCS#8, PKCS#1 or SEC1); `source` names it in errors. */
export function parsePrivateKey(pem: string, source: string, passphrase?: string): KeyObject {
  try {
    return createPrivateKey(passphrase === undefined ? { key: pem, format: 'pem' } : { key: pem, format: 'pem', passphrase });
  } catch (cause) {
    const encrypted = pem.includes('ENCRYPTED');
    throw new KeyError(
      encrypted && passphrase === undefined
        ? `${source}: the private key is encrypted and no passphrase was given`
        : `${source}: not a private key in PEM (PKCS#8, PKCS#1 or SEC1): ${errorMessage(cause)}`,
      { cause },
    );
  }
}

/** Imports a private key kept as JWK (keystores, and keys handed to workers). */
export function importPrivateJwk(jwk: JsonWebKey, source: string): KeyObject {
  try {
    return createPrivateKey({ key: jwk, format: 'jwk' });
  } catch (cause) {
    throw new KeyError(`${source}: not a private JWK: ${errorMessage(cause)}`, { cause });
  }
}

/** Parses an SPKI public key PEM, an X.509 certificate, or derives it from a private key PEM. */
export function parsePublicKey(pem: string, source: string): KeyObject {
  try {
    return createPublicKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw new KeyError(`${source}: not a public key, certificate or private key in PEM: ${errorMessage(cause)}`, { cause });
  }
}

/**
 * The `kid`: lowercase hex SHA-256 of the public key's SubjectPublicKeyInfo DER, as PyCryptodome's
 * `export_key(format="DER")` gives it. PyCryptodome always exports an EC point uncompressed, while
 * node keeps a compressed point compressed, so EC keys are re-encoded through JWK (which holds
 * x and y) to get the uncompressed SPKI first.
 */
export function fingerprint(publicKey: KeyObject): string {
  const spki =
    publicKey.asymmetricKeyType === 'ec'
      ? createPublicKey({ key: publicKey.export({ format: 'jwk' }), format: 'jwk' }).export({ type: 'spki', format: 'der' })
      : publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('hex');
}

/** Throws a KeyError unless the key's type (and curve) is the one `alg` requires. */
export function assertKeyFitsAlgorithm(key: KeyObject, alg: Algorithm, source: string): void {
  const info = algorithmInfo(alg);
  const type = key.asymmetricKeyType;
  const kindOk =
    (info.kind === 'rsa' && (type === 'rsa' || (alg === 'PS256' && type === 'rsa-pss'))) ||
    (info.kind === 'ec' && type === 'ec') ||
    (info.kind === 'ed25519' && type === 'ed25519');
  if (!kindOk) {
    throw new KeyError(`${source}: an ${(type ?? 'unknown').toUpperCase()} key cannot sign ${alg} (expected ${info.kind.toUpperCase()})`);
  }
  if (info.kind === 'ec' && key.asymmetricKeyDetails?.namedCurve !== info.curve) {
    throw new KeyError(`${source}: ${alg} needs curve ${String(info.curve)}, the key is on ${key.asymmetricKeyDetails?.namedCurve ?? 'an unknown curve'}`);
  }
}

/** Throws a KeyError unless `publicKey` is the public half of `privateKey`. */
export function assertKeysMatch(privateKey: KeyObject, publicKey: KeyObject, source: string): void {
  if (fingerprint(createPublicKey(privateKey)) !== fingerprint(publicKey)) {
    throw new KeyError(`${source}: the public key does not belong to the private key`);
  }
}
