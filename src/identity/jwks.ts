/**
 * JWK Sets (RFC 7517 §5): what `keys export --format jwks` writes for verifiers such as EMQX and
 * HiveMQ, and what `broker --jwks` reads. A set names keys, not devices: a verifier picks the key
 * by the token's `kid` (RFC 7515 §4.1.4), and the signed `aud` ties the token to one client id.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { ConfigError, errorMessage } from '../errors.js';
import { isAlgorithm, type Algorithm } from './algorithms.js';
import { assertKeyFitsAlgorithm, fingerprint, parsePublicKey } from './keys.js';
import type { DeviceRecord } from './registry-file.js';

/** One public key of a set, ready to verify with. */
export interface KeySetEntry {
  kid: string;
  alg: Algorithm;
  publicKey: KeyObject;
}

/**
 * The JWK Set of the records' public keys, one JWK per distinct key: `kid` is our fingerprint
 * (the SHA-256 of the SPKI), `alg` the device's algorithm (RFC 7517 §4.4), `use` "sig" (§4.2).
 * Devices sharing a pooled key share one JWK.
 */
export function formatJwks(records: Iterable<DeviceRecord>): string {
  const keys = new Map<string, JsonWebKey>();
  for (const record of records) {
    const publicKey = parsePublicKey(record.publicKey, `device ${record.deviceId}`);
    const kid = fingerprint(publicKey);
    if (keys.has(kid)) continue;
    keys.set(kid, { ...publicKey.export({ format: 'jwk' }), kid, alg: record.alg, use: 'sig' });
  }
  return `${JSON.stringify({ keys: [...keys.values()] }, null, 2)}\n`;
}

/**
 * Reads a JWK Set. Keys marked for encryption (`use: "enc"`) are left out; every other problem
 * is a ConfigError naming the file, the key's index and what was expected.
 */
export function parseJwks(text: string, file: string): KeySetEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON: ${errorMessage(error)}`);
  }
  const keys = (data as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new ConfigError(`${file} must be a JWK Set: {"keys":[...]} (RFC 7517 §5)`);
  const entries: KeySetEntry[] = [];
  const seen = new Set<string>();
  keys.forEach((jwk: unknown, i) => {
    const where = `${file} keys.${i}`;
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new ConfigError(`${where} must be a JWK object`);
    const fields = jwk as Record<string, unknown>;
    if (fields['use'] === 'enc') return;
    const entry = entryOf(fields, where);
    if (seen.has(entry.kid)) throw new ConfigError(`${where} kid ${entry.kid} is given twice`);
    seen.add(entry.kid);
    entries.push(entry);
  });
  if (entries.length === 0) throw new ConfigError(`${file} holds no signing keys`);
  return entries;
}

function entryOf(fields: Record<string, unknown>, where: string): KeySetEntry {
  const { kid, alg } = fields;
  if (typeof kid !== 'string' || kid.length === 0) throw new ConfigError(`${where} kid must be a non-empty string (the verifier picks keys by it)`);
  if (!isAlgorithm(alg))
    throw new ConfigError(`${where} alg must be one of RS256, ES256, RS384, RS512, PS256, ES384, ES512, EdDSA (got ${JSON.stringify(alg)})`);
  if ('d' in fields) throw new ConfigError(`${where} is a private key: a JWK Set for a verifier holds public keys only`);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: fields as JsonWebKey, format: 'jwk' });
    assertKeyFitsAlgorithm(publicKey, alg, `kid ${kid}`);
  } catch (error) {
    throw new ConfigError(`${where} ${errorMessage(error)}`, { cause: error });
  }
  return { kid, alg, publicKey };
}
