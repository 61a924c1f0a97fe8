/**
 * The token every `sign-bench` figure is about: the akenza shape (header alg, kid, typ; claims
 * iat, exp, aud), for a device id of a typical length, so its bytes are what a fleet sends.
 */
import type { Algorithm } from '../identity/algorithms.js';
import { DEFAULT_AUDIENCE_TEMPLATE, DEFAULT_TOKEN_LIFETIME_SEC, type TokenSpec } from '../identity/token.js';
import { DEFAULT_VERIFY_POLICY } from '../broker/broker-options.js';
import type { VerifyPolicy } from '../identity/verify.js';

/** As the scenarios' default idPattern makes them (`device-{index:05}`). */
export const BENCH_DEVICE_ID = 'device-00001';

export function benchTokenSpec(alg: Algorithm): TokenSpec {
  return { alg, audienceTemplate: DEFAULT_AUDIENCE_TEMPLATE, lifetimeSec: DEFAULT_TOKEN_LIFETIME_SEC, includeKid: true };
}

/** The embedded broker's defaults (docs/embedded-broker.md). */
export const BENCH_VERIFY_POLICY: VerifyPolicy = DEFAULT_VERIFY_POLICY;
