/**
 * Device tokens as akenza's documentation makes them (RFC 7519): header `alg`, `kid`, `typ`;
 * claims `iat`, `exp`, `aud`, then any extra ones the scenario sets. Field order matches PyJWT's,
 * so an RS256 token (deterministic signature) is byte-identical to the reference vectors.
 */
import type { KeyObject } from 'node:crypto';
import { renderTemplate } from '../util/template.js';
import type { Algorithm } from './algorithms.js';
import { signCompactAsync, signCompactSync } from './jws-sign.js';

export const DEFAULT_AUDIENCE_TEMPLATE = 'https://akenza.io/devices/{deviceId}';
export const DEFAULT_TOKEN_LIFETIME_SEC = 20 * 60;
/** Claims and headers the harness sets itself; extras may not replace them. */
export const RESERVED_CLAIMS = ['iat', 'exp', 'aud'] as const;
export const RESERVED_HEADERS = ['alg', 'kid', 'typ'] as const;

export type ExtraValue = string | number | boolean;

/** How a group's tokens are made: everything but the device and the moment. */
export interface TokenSpec {
  alg: Algorithm;
  audienceTemplate: string;
  lifetimeSec: number;
  /** Put the key fingerprint in the header as `kid`. */
  includeKid: boolean;
  /** Extra claims; string values are templates (`{deviceId}`). */
  claims?: Readonly<Record<string, ExtraValue>>;
  /** Extra protected headers; string values are templates. */
  headers?: Readonly<Record<string, ExtraValue>>;
}

export interface DeviceTokenInput {
  deviceId: string;
  alg: Algorithm;
  privateKey: KeyObject;
  /** Omitted from the header when undefined, for brokers that use none. */
  kid: string | undefined;
  audienceTemplate: string;
  lifetimeSec: number;
  /** Seconds since the epoch; injected so tests and refresh planning control the clock. */
  nowSec: number;
}

export function audienceFor(template: string, deviceId: string): string {
  return renderTemplate(template, { deviceId });
}

function rendered(extra: Readonly<Record<string, ExtraValue>> | undefined, deviceId: string): Record<string, ExtraValue> {
  const out: Record<string, ExtraValue> = {};
  for (const [name, value] of Object.entries(extra ?? {})) out[name] = typeof value === 'string' ? renderTemplate(value, { deviceId }) : value;
  return out;
}

/** The header and claims of one device's token; `iat` is whole seconds (RFC 7519 §2 NumericDate). */
export function tokenParts(
  spec: TokenSpec,
  deviceId: string,
  kid: string,
  nowSec: number,
): { header: object; payload: { iat: number; exp: number; aud: string } } {
  const iat = Math.floor(nowSec);
  const payload = { iat, exp: iat + spec.lifetimeSec, aud: audienceFor(spec.audienceTemplate, deviceId), ...rendered(spec.claims, deviceId) };
  const header = spec.includeKid
    ? { alg: spec.alg, kid, typ: 'JWT', ...rendered(spec.headers, deviceId) }
    : { alg: spec.alg, typ: 'JWT', ...rendered(spec.headers, deviceId) };
  return { header, payload };
}

/** Signs on the calling thread (pre-signing). */
export function signTokenSync(spec: TokenSpec, deviceId: string, key: KeyObject, kid: string, nowSec: number): string {
  const { header, payload } = tokenParts(spec, deviceId, kid, nowSec);
  return signCompactSync(spec.alg, key, header, payload);
}

/** Signs on libuv's thread pool (background refresh). */
export function signTokenAsync(spec: TokenSpec, deviceId: string, key: KeyObject, kid: string, nowSec: number): Promise<string> {
  const { header, payload } = tokenParts(spec, deviceId, kid, nowSec);
  return signCompactAsync(spec.alg, key, header, payload);
}

/** One token with the akenza defaults: what the seed's `create_jwt` does. */
export function signDeviceToken(input: DeviceTokenInput): Promise<string> {
  const spec: TokenSpec = { alg: input.alg, audienceTemplate: input.audienceTemplate, lifetimeSec: input.lifetimeSec, includeKid: input.kid !== undefined };
  return signTokenAsync(spec, input.deviceId, input.privateKey, input.kid ?? '', input.nowSec);
}
