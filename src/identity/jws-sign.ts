/**
 * A compact JWS signer over node:crypto with a cached KeyObject (RFC 7515 §7.1). jose 6 signs
 * through WebCrypto, asynchronously, which measured about a third of the rate of `crypto.sign`
 * for ES256 on this project's machines (docs/benchmarks.md); jose stays the reference that every
 * token is tested against.
 */
import { constants, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { Algorithm } from './algorithms.js';
import { ECDSA_PART_BYTES, ecdsaDerToJose } from './ecdsa-signature-format.js';

interface SignParams {
  /** Digest for crypto.sign; null for EdDSA, which hashes internally. */
  digest: 'sha256' | 'sha384' | 'sha512' | null;
  /**
   * ECDSA: bytes of R and of S. JWS wants R || S of fixed width (RFC 7518 §3.4); node:crypto
   * signs in DER and we convert, because its own conversion (`dsaEncoding: 'ieee-p1363'`)
   * costs more than half the ES256 rate on Node 24 (docs/rsa-vs-ec.md).
   */
  ecPartBytes: number | null;
  /** RSASSA-PSS with MGF1 and a salt as long as the digest (RFC 7518 §3.5). */
  pss: boolean;
}

const PARAMS: Record<Algorithm, SignParams> = {
  RS256: { digest: 'sha256', ecPartBytes: null, pss: false },
  RS384: { digest: 'sha384', ecPartBytes: null, pss: false },
  RS512: { digest: 'sha512', ecPartBytes: null, pss: false },
  PS256: { digest: 'sha256', ecPartBytes: null, pss: true },
  ES256: { digest: 'sha256', ecPartBytes: ECDSA_PART_BYTES.ES256, pss: false },
  ES384: { digest: 'sha384', ecPartBytes: ECDSA_PART_BYTES.ES384, pss: false },
  ES512: { digest: 'sha512', ecPartBytes: ECDSA_PART_BYTES.ES512, pss: false },
  EdDSA: { digest: null, ecPartBytes: null, pss: false },
};

function keyInput(alg: Algorithm, key: KeyObject): KeyObject | { key: KeyObject; padding: number; saltLength: number } {
  if (PARAMS[alg].pss) return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  return key;
}

/** The JWS signature bytes from what node:crypto returned. */
function jwsSignature(alg: Algorithm, signature: Buffer): Buffer {
  const partBytes = PARAMS[alg].ecPartBytes;
  return partBytes === null ? signature : ecdsaDerToJose(signature, partBytes);
}

function encodeSegment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The signing input `BASE64URL(header) . BASE64URL(payload)`. */
export function signingInput(header: object, payload: object): string {
  return `${encodeSegment(header)}.${encodeSegment(payload)}`;
}

/** Signs on the calling thread: the fastest path, for pre-signing before a stage starts. */
export function signCompactSync(alg: Algorithm, key: KeyObject, header: object, payload: object): string {
  const input = signingInput(header, payload);
  const signature = cryptoSign(PARAMS[alg].digest, Buffer.from(input), keyInput(alg, key));
  return `${input}.${jwsSignature(alg, signature).toString('base64url')}`;
}

/** Signs on libuv's thread pool, leaving the event loop free: for background refreshes. */
export function signCompactAsync(alg: Algorithm, key: KeyObject, header: object, payload: object): Promise<string> {
  const input = signingInput(header, payload);
  return new Promise((resolve, reject) => {
    cryptoSign(PARAMS[alg].digest, Buffer.from(input), keyInput(alg, key), (error, signature) => {
      if (error) reject(error);
      else resolve(`${input}.${jwsSignature(alg, signature).toString('base64url')}`);
    });
  });
}
