/**
 * Per-operation costs measured on this project's reference machine (docs/benchmarks.md), used
 * only for estimates shown before a run: `validate` and the warning before a long key generation.
 */
import type { Algorithm } from './algorithms.js';

/** One signature on one core, microseconds. */
const SIGN_US: Record<Algorithm, number> = { RS256: 400, RS384: 400, RS512: 400, PS256: 430, ES256: 40, ES384: 1000, ES512: 1800, EdDSA: 45 };

/** One key pair on one core, milliseconds, by algorithm and RSA size. */
function keygenMs(alg: Algorithm, rsaBits: number): number {
  if (alg.startsWith('RS') || alg === 'PS256') return rsaBits >= 4096 ? 1800 : rsaBits >= 3072 ? 700 : 220;
  return alg === 'EdDSA' ? 0.1 : 0.4;
}

export function estimateSignMs(alg: Algorithm, tokens: number, cores: number): number {
  return (SIGN_US[alg] * tokens) / 1000 / Math.max(1, cores);
}

export function estimateKeygenMs(alg: Algorithm, rsaBits: number, keys: number, cores: number): number {
  return (keygenMs(alg, rsaBits) * keys) / Math.max(1, cores);
}
