/**
 * Device tokens as akenza's documentation makes them (RFC 7519): header `alg`, `kid`, `typ`;
 * claims `iat`, `exp`, `aud`. Field order matches PyJWT's, so an RS256 token (deterministic
 * signature) is byte-identical to the reference vectors.
 */
import { SignJWT } from 'jose';
import type { KeyObject } from 'node:crypto';
import { renderTemplate } from '../util/template.js';
import type { Algorithm } from './algorithms.js';

export const DEFAULT_AUDIENCE_TEMPLATE = 'https://akenza.io/devices/{deviceId}';
export const DEFAULT_TOKEN_LIFETIME_SEC = 20 * 60;

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

export async function signDeviceToken(input: DeviceTokenInput): Promise<string> {
  const iat = Math.floor(input.nowSec);
  const claims = { iat, exp: iat + input.lifetimeSec, aud: audienceFor(input.audienceTemplate, input.deviceId) };
  const header = input.kid === undefined ? { alg: input.alg, typ: 'JWT' } : { alg: input.alg, kid: input.kid, typ: 'JWT' };
  return new SignJWT(claims).setProtectedHeader(header).sign(input.privateKey);
}
