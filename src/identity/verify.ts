/**
 * The broker's side of the akenza contract: is this CONNECT password a token that this device
 * signed, for this broker, and still valid? Every refusal has one reason, so it can be counted.
 */
import type { KeyObject } from 'node:crypto';
import type { Algorithm } from './algorithms.js';
import { verifyJwsSignature } from './jws-signature.js';
import { parseStrictJson } from './strict-json.js';
import { audienceFor } from './token.js';

export const REJECT_REASONS = [
  'missing-password',
  'token-too-large',
  'not-jwt',
  'unknown-device',
  'alg-not-allowed',
  'kid-missing',
  'kid-mismatch',
  'bad-signature',
  'bad-claims',
  'expired',
  'iat-in-future',
  'nbf-in-future',
  'lifetime-too-long',
  'bad-audience',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface DeviceRegistration {
  deviceId: string;
  alg: Algorithm;
  publicKey: KeyObject;
  kid: string;
  /** Overrides the policy's audience template for this device. */
  audienceTemplate?: string;
}

export interface VerifyPolicy {
  audienceTemplate: string;
  /** Allowed clock difference for `exp` and `iat` (seconds). */
  skewSec: number;
  /** Longest allowed `exp − iat` (seconds). */
  maxLifetimeSec: number;
  maxTokenBytes: number;
  requireKid: boolean;
}

/** `signatureChecked`: the signature step ran, so the time spent is a verify cost. */
export type VerifyOutcome = { ok: true; expSec: number; signatureChecked: true } | { ok: false; reason: RejectReason; signatureChecked: boolean };

/** Three base64url segments; the signature may be empty so that `alg: none` is refused by name. */
const JWS_COMPACT = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/;

/**
 * Checks a CONNECT password against a device's registration. Synchronous on purpose: the one
 * expensive step, the signature, is a single `crypto.verify` with the cached KeyObject, so a
 * call blocks the broker's event loop for one verify and no longer.
 */
export function verifyDeviceToken(token: string, registration: DeviceRegistration | undefined, policy: VerifyPolicy, nowSec: number): VerifyOutcome {
  if (token.length === 0) return reject('missing-password');
  if (Buffer.byteLength(token) > policy.maxTokenBytes) return reject('token-too-large');
  const parts = JWS_COMPACT.exec(token);
  if (parts === null) return reject('not-jwt');
  // The expression's three groups are not optional: each is a string, possibly empty.
  const [, headerB64 = '', payloadB64 = '', signatureB64 = ''] = parts;
  const header = decodeJsonObject(headerB64);
  if (header === undefined) return reject('not-jwt');
  if (registration === undefined) return reject('unknown-device');
  // Only the registered key's algorithm is allowed: this refuses `none`, HMAC and any
  // algorithm confusion before a key is ever used (RFC 8725 §3.1).
  if (header['alg'] !== registration.alg) return reject('alg-not-allowed');
  const kid = header['kid'];
  if (kid === undefined) {
    if (policy.requireKid) return reject('kid-missing');
  } else if (kid !== registration.kid) {
    return reject('kid-mismatch');
  }
  // RFC 7515 §4.1.11: a recipient must refuse extensions it does not understand; we know none.
  if (header['crit'] !== undefined) return reject('not-jwt');
  if (!isBase64Url(signatureB64)) return reject('not-jwt');
  const signature = Buffer.from(signatureB64, 'base64url');
  if (!verifyJwsSignature(registration.alg, registration.publicKey, `${headerB64}.${payloadB64}`, signature)) {
    return { ok: false, reason: 'bad-signature', signatureChecked: true };
  }
  const audience = audienceFor(registration.audienceTemplate ?? policy.audienceTemplate, registration.deviceId);
  const outcome = checkClaims(decodeJsonObject(payloadB64), audience, policy, nowSec);
  return outcome.ok ? outcome : { ...outcome, signatureChecked: true };
}

/**
 * A base64url segment of a JSON object (RFC 7515 §2) in UTF-8 with no repeated member name
 * (strict-json.ts), or undefined for anything else.
 */
function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  if (!isBase64Url(segment)) return undefined;
  const bytes = Buffer.from(segment, 'base64url');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  const value = parseStrictJson(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Canonical unpadded base64url (RFC 7515 §2, RFC 4648 §3.5): the alphabet is checked by the
 * pattern; here a length of 4n+1 (which cannot encode whole bytes) and non-zero pad bits are
 * refused. Node's decoder ignores pad bits, so without this `…Q` and `…R` would decode to the
 * same signature and one token could be presented under several spellings.
 */
function isBase64Url(segment: string): boolean {
  return segment.length % 4 !== 1 && Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

function checkClaims(claims: Record<string, unknown> | undefined, audience: string, policy: VerifyPolicy, nowSec: number): VerifyOutcome {
  if (claims === undefined) return reject('not-jwt');
  const { exp, iat, aud, nbf } = claims;
  // RFC 7519 §2 NumericDate: a JSON number. Strings and missing values are refused.
  if (!isNumericDate(exp) || !isNumericDate(iat)) return reject('bad-claims');
  if (nbf !== undefined && !isNumericDate(nbf)) return reject('bad-claims');
  if (exp <= nowSec - policy.skewSec) return reject('expired');
  if (iat > nowSec + policy.skewSec) return reject('iat-in-future');
  // RFC 7519 §4.1.5: not to be accepted before `nbf`, with the same allowance for skew.
  if (nbf !== undefined && nbf > nowSec + policy.skewSec) return reject('nbf-in-future');
  if (exp - iat > policy.maxLifetimeSec) return reject('lifetime-too-long');
  // A single string, equal to this device's audience. An array is refused even if it holds the
  // right value: akenza issues one audience per device, and a list is a sign of a token minted
  // for something else.
  if (aud !== audience) return reject('bad-audience');
  return { ok: true, expSec: exp, signatureChecked: true };
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function reject(reason: RejectReason): VerifyOutcome {
  return { ok: false, reason, signatureChecked: false };
}
