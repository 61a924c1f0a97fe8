/** `openssl speed` for the primitive behind each JWS algorithm: the machine's ceiling. */
import { execFileSync } from 'node:child_process';
import type { Algorithm } from '../src/identity/algorithms.js';

const PRIMITIVE: Partial<Record<Algorithm, { name: string; line: RegExp }>> = {
  RS256: { name: 'rsa2048', line: /^rsa\s+2048 bits/m },
  PS256: { name: 'rsa2048', line: /^rsa\s+2048 bits/m },
  ES256: { name: 'ecdsap256', line: /^\s*256 bits ecdsa/m },
  ES384: { name: 'ecdsap384', line: /^\s*384 bits ecdsa/m },
  ES512: { name: 'ecdsap521', line: /^\s*521 bits ecdsa/m },
  EdDSA: { name: 'ed25519', line: /^\s*253 bits EdDSA/m },
};

export interface OpensslRates {
  signPerSec: number;
  verifyPerSec: number;
}

/** Sign and verify rates on one core, wall clock; undefined without openssl on the PATH. */
export function opensslSpeed(alg: Algorithm, seconds: number): OpensslRates | undefined {
  const primitive = PRIMITIVE[alg];
  if (primitive === undefined) return undefined;
  let out: string;
  try {
    out = execFileSync('openssl', ['speed', '-elapsed', '-seconds', String(seconds), primitive.name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
  const line = out.split('\n').find((l) => primitive.line.test(l));
  const numbers = line?.trim().split(/\s+/).map(Number).filter((n) => Number.isFinite(n));
  if (numbers === undefined || numbers.length < 2) return undefined;
  return { signPerSec: numbers[numbers.length - 2] as number, verifyPerSec: numbers[numbers.length - 1] as number };
}
