/**
 * The `kid` of a compact JWS, read before anything is verified, only to choose a key
 * (RFC 7515 §4.1.4). Whatever it returns, the token is then checked in full.
 */
import { parseStrictJson } from './strict-json.js';

/** Longest header we look into: a kid chooses a key, it is not worth parsing megabytes for. */
const MAX_HEADER_CHARS = 2048;

export function peekKid(token: string): string | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot > MAX_HEADER_CHARS) return undefined;
  const header = parseStrictJson(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
  if (typeof header !== 'object' || header === null) return undefined;
  const kid = (header as { kid?: unknown }).kid;
  return typeof kid === 'string' ? kid : undefined;
}
