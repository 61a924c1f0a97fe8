/**
 * `openssl speed` for the primitive behind each JWS algorithm: one core of this machine, measured
 * by the reference implementation, so our own rates can be read as a share of the ceiling.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Algorithm } from '../identity/algorithms.js';
import { algorithmInfo } from '../identity/algorithms.js';

const execFileAsync = promisify(execFile);

export interface OpensslRates {
  /** The `openssl speed` algorithm name, such as rsa2048 or ecdsap256. */
  primitive: string;
  signPerSec: number;
  verifyPerSec: number;
}

const EC_PRIMITIVE: Record<string, { name: string; line: RegExp }> = {
  prime256v1: { name: 'ecdsap256', line: /^\s*256 bits ecdsa/m },
  secp384r1: { name: 'ecdsap384', line: /^\s*384 bits ecdsa/m },
  secp521r1: { name: 'ecdsap521', line: /^\s*521 bits ecdsa/m },
};

/**
 * The `openssl speed` primitive for `alg`. RSA names the raw private-key operation, which is what
 * both PKCS#1 v1.5 (RS*) and PSS (PS256) signatures spend their time in; the padding is noise.
 */
export function opensslPrimitive(alg: Algorithm, rsaBits: number): { name: string; line: RegExp } {
  const info = algorithmInfo(alg);
  if (info.kind === 'rsa') return { name: `rsa${rsaBits}`, line: new RegExp(`^rsa\\s+${rsaBits} bits`, 'm') };
  if (info.kind === 'ec') return EC_PRIMITIVE[info.curve ?? 'prime256v1'] as { name: string; line: RegExp };
  return { name: 'ed25519', line: /^\s*253 bits EdDSA/m };
}

/**
 * Parses the result line of `openssl speed` (OpenSSL 1.1 and 3.x): the last two numbers are
 * sign/s and verify/s.
 */
export function parseOpensslSpeed(output: string, line: RegExp): { signPerSec: number; verifyPerSec: number } | undefined {
  const found = output.split('\n').find((l) => line.test(l));
  const numbers = found
    ?.trim()
    .split(/\s+/)
    .map(Number)
    .filter((n) => Number.isFinite(n));
  if (numbers === undefined || numbers.length < 2) return undefined;
  return { signPerSec: numbers[numbers.length - 2] as number, verifyPerSec: numbers[numbers.length - 1] as number };
}

/** Sign and verify rates on one core, wall clock; undefined without openssl on the PATH. */
export async function opensslSpeed(alg: Algorithm, rsaBits: number, seconds: number): Promise<OpensslRates | undefined> {
  const primitive = opensslPrimitive(alg, rsaBits);
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('openssl', ['speed', '-elapsed', '-seconds', String(Math.max(1, Math.round(seconds))), primitive.name], {
      encoding: 'utf8',
      timeout: (seconds * 4 + 30) * 1000,
    }));
  } catch {
    return undefined;
  }
  const rates = parseOpensslSpeed(stdout, primitive.line);
  return rates === undefined ? undefined : { primitive: primitive.name, ...rates };
}
