/**
 * Hand-made compact JWS for attack tests: header and payload may be any text (not JSON, duplicate
 * names), signed with node:crypto, so nothing in a JWT library can tidy an attack away.
 */
import { createHmac, sign, type KeyObject } from 'node:crypto';

export type Part = Record<string, unknown> | string | Buffer;

export const b64 = (part: Part): string =>
  (Buffer.isBuffer(part) ? part : Buffer.from(typeof part === 'string' ? part : JSON.stringify(part))).toString('base64url');

/** ES256 (R‖S, RFC 7518 §3.4), RS256, HS256 with `secret`, or no signature at all. */
export function craft(header: Part, payload: Part, by: { es256: KeyObject } | { rs256: KeyObject } | { hs256: string } | 'unsigned'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  if (by === 'unsigned') return `${input}.`;
  if ('hs256' in by) return `${input}.${createHmac('sha256', by.hs256).update(input).digest('base64url')}`;
  if ('es256' in by) return `${input}.${sign('sha256', Buffer.from(input), { key: by.es256, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), by.rs256).toString('base64url')}`;
}
