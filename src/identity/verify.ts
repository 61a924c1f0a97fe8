/**
 * The broker's side of the akenza contract: is this CONNECT password a token that this device
 * signed, for this broker, and still valid? Every refusal has one reason, so it can be counted.
 */
import { compactVerify, decodeProtectedHeader, errors } from 'jose';
import type { KeyObject } from 'node:crypto';
import type { Algorithm } from './algorithms.js';
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

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export async function verifyDeviceToken(
  token: string,
  registration: DeviceRegistration | undefined,
  policy: VerifyPolicy,
  nowSec: number,
): Promise<VerifyOutcome> {
  if (token.length === 0) return reject('missing-password');
  if (Buffer.byteLength(token) > policy.maxTokenBytes) return reject('token-too-large');
  if (!JWS_COMPACT.test(token)) return reject('not-jwt');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return reject('not-jwt');
  }
  if (registration === undefined) return reject('unknown-device');
  // Only the registered key's algorithm is allowed: this refuses `none`, HMAC and any
  // algorithm confusion before a key is ever used (RFC 8725 §3.1).
  if (header.alg !== registration.alg) return reject('alg-not-allowed');
  if (header.kid === undefined) {
    if (policy.requireKid) return reject('kid-missing');
  } else if (header.kid !== registration.kid) {
    return reject('kid-mismatch');
  }
  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(token, registration.publicKey, { algorithms: [registration.alg] }));
  } catch (error) {
    return error instanceof errors.JWSSignatureVerificationFailed ? { ok: false, reason: 'bad-signature', signatureChecked: true } : reject('not-jwt');
  }
  const audience = audienceFor(registration.audienceTemplate ?? policy.audienceTemplate, registration.deviceId);
  const outcome = checkClaims(payloadBytes, audience, policy, nowSec);
  return outcome.ok ? outcome : { ...outcome, signatureChecked: true };
}

function checkClaims(payloadBytes: Uint8Array, audience: string, policy: VerifyPolicy, nowSec: number): VerifyOutcome {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payloadBytes).toString('utf8'));
  } catch {
    return reject('not-jwt');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return reject('not-jwt');
  const { exp, iat, aud } = claims as Record<string, unknown>;
  // RFC 7519 §2 NumericDate: a JSON number. Strings and missing values are refused.
  if (!isNumericDate(exp) || !isNumericDate(iat)) return reject('bad-claims');
  if (exp <= nowSec - policy.skewSec) return reject('expired');
  if (iat > nowSec + policy.skewSec) return reject('iat-in-future');
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
