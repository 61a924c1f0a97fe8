/**
 * JWS algorithms a device may sign with (RFC 7518 §3). akenza accepts RS256 and ES256; the rest
 * are here so users can compare costs.
 */
export const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export type KeyKind = 'rsa' | 'ec' | 'ed25519';

export interface AlgorithmInfo {
  kind: KeyKind;
  /** For EC: the named curve the algorithm requires (RFC 7518 §3.4). */
  curve?: 'prime256v1' | 'secp384r1' | 'secp521r1';
}

const INFO: Record<Algorithm, AlgorithmInfo> = {
  RS256: { kind: 'rsa' },
  RS384: { kind: 'rsa' },
  RS512: { kind: 'rsa' },
  PS256: { kind: 'rsa' },
  ES256: { kind: 'ec', curve: 'prime256v1' },
  ES384: { kind: 'ec', curve: 'secp384r1' },
  ES512: { kind: 'ec', curve: 'secp521r1' },
  EdDSA: { kind: 'ed25519' },
};

export function isAlgorithm(value: unknown): value is Algorithm {
  return ALGORITHMS.some((alg) => alg === value);
}

export function algorithmInfo(alg: Algorithm): AlgorithmInfo {
  return INFO[alg];
}
