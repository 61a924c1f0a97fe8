/**
 * The signature step of a compact JWS (RFC 7515 §5.2), over node:crypto with the registered
 * KeyObject. jose's `compactVerify` does the same work through WebCrypto, which first imports the
 * key as a CryptoKey and hops to the thread pool; on the broker that costs more than the
 * signature itself (see docs/benchmarks.md), so the broker verifies here instead.
 */
import { constants, verify, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import type { Algorithm } from './algorithms.js';
import { ECDSA_PART_BYTES, ecdsaJoseToDer } from './ecdsa-signature-format.js';

interface SignatureParams {
  /** Digest for node:crypto; null for EdDSA, which hashes inside the algorithm. */
  digest: string | null;
  /**
   * RFC 7518 §3.4: an ECDSA JWS signature is R || S, each the curve's size, not DER. We turn it
   * into DER for node:crypto ourselves: its `dsaEncoding: 'ieee-p1363'` costs about a third of
   * the ES256 verify rate on Node 24 (docs/rsa-vs-ec.md).
   */
  ecSignatureBytes?: number;
  pss?: boolean;
}

const PARAMS: Record<Algorithm, SignatureParams> = {
  RS256: { digest: 'sha256' },
  RS384: { digest: 'sha384' },
  RS512: { digest: 'sha512' },
  // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash.
  PS256: { digest: 'sha256', pss: true },
  ES256: { digest: 'sha256', ecSignatureBytes: 2 * ECDSA_PART_BYTES.ES256 },
  ES384: { digest: 'sha384', ecSignatureBytes: 2 * ECDSA_PART_BYTES.ES384 },
  ES512: { digest: 'sha512', ecSignatureBytes: 2 * ECDSA_PART_BYTES.ES512 },
  EdDSA: { digest: null },
};

/** RFC 7518 §3.3 and §3.5: RSA keys for JWS must be at least 2048 bits. */
export const MIN_RSA_BITS = 2048;

/**
 * True when `signature` is a valid `alg` signature over `signingInput` (ASCII of
 * `base64url(header) "." base64url(payload)`). Synchronous: one call blocks the event loop
 * for exactly one verify and no longer.
 */
export function verifyJwsSignature(alg: Algorithm, publicKey: KeyObject, signingInput: string, signature: Buffer): boolean {
  const params = PARAMS[alg];
  if (params.ecSignatureBytes !== undefined && signature.length !== params.ecSignatureBytes) return false;
  return verify(params.digest, Buffer.from(signingInput, 'ascii'), keyInput(publicKey, params), cryptoSignature(params, signature));
}

/** The same check on libuv's thread pool, for the comparison in bench/verify.ts. */
export function verifyJwsSignatureAsync(alg: Algorithm, publicKey: KeyObject, signingInput: string, signature: Buffer): Promise<boolean> {
  const params = PARAMS[alg];
  if (params.ecSignatureBytes !== undefined && signature.length !== params.ecSignatureBytes) return Promise.resolve(false);
  const bytes = cryptoSignature(params, signature);
  return new Promise((resolve, reject) => {
    verify(params.digest, Buffer.from(signingInput, 'ascii'), keyInput(publicKey, params), bytes, (error, ok) => (error ? reject(error) : resolve(ok)));
  });
}

/** What node:crypto verifies: DER for ECDSA, the JWS bytes as they are for the rest. */
function cryptoSignature(params: SignatureParams, signature: Buffer): Buffer {
  return params.ecSignatureBytes === undefined ? signature : ecdsaJoseToDer(signature);
}

function keyInput(key: KeyObject, params: SignatureParams): KeyObject | VerifyKeyObjectInput {
  if (params.pss === true) return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  return key;
}
