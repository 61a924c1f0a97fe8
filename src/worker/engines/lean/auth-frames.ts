/**
 * MQTT 5 AUTH (§3.15) for the lean engine: the AUTH 0x19 a device sends to re-authenticate with
 * a fresh token (encoded by mqtt-packet, like the other packets a device sends), and the AUTH a
 * broker answers with, decoded by hand like the other packets a device receives (frames.ts).
 */
import mqttPacket from 'mqtt-packet';

/** AUTH packet type (§2.1.2) and its reason codes (§3.15.2.1). */
export const AUTH_TYPE = 15;
export const AUTH_REASON = { success: 0x00, continueAuthentication: 0x18, reAuthenticate: 0x19 } as const;

/** Property identifiers an AUTH may carry (§3.15.2.2). */
const PROPERTY = { authenticationMethod: 0x15, authenticationData: 0x16, reasonString: 0x1f, userProperty: 0x26 } as const;

/** AUTH 0x19 (Re-authenticate) carrying `token` as Authentication Data under `method`. */
export function reauthFrame(method: string, token: string): Buffer {
  return mqttPacket.generate(
    { cmd: 'auth', reasonCode: AUTH_REASON.reAuthenticate, properties: { authenticationMethod: method, authenticationData: Buffer.from(token, 'utf8') } },
    { protocolVersion: 5 },
  );
}

export interface DecodedAuth {
  reasonCode: number;
  method?: string;
  data?: Buffer;
  reasonString?: string;
}

/**
 * The body of a received AUTH (after the fixed header). An empty body is reason 0x00 with no
 * properties (§3.15.2.1). Returns undefined for a body that does not follow §3.15.
 */
export function decodeAuth(body: Buffer): DecodedAuth | undefined {
  if (body.length === 0) return { reasonCode: AUTH_REASON.success };
  const reasonCode = body[0] as number;
  if (!Object.values(AUTH_REASON).includes(reasonCode as 0)) return undefined;
  const decoded: DecodedAuth = { reasonCode };
  if (body.length === 1) return decoded;
  const length = readVarint(body, 1);
  if (length === undefined || length.end + length.value !== body.length) return undefined;
  let offset = length.end;
  while (offset < body.length) {
    const id = body[offset++] as number;
    if (id === PROPERTY.userProperty) {
      const key = readPrefixed(body, offset);
      const value = key === undefined ? undefined : readPrefixed(body, key.end);
      if (value === undefined) return undefined;
      offset = value.end;
      continue;
    }
    const field = readPrefixed(body, offset);
    if (field === undefined) return undefined;
    offset = field.end;
    // Each of these may appear once; a second is a Protocol Error (§3.15.2.2).
    if (id === PROPERTY.authenticationMethod && decoded.method === undefined) decoded.method = field.bytes.toString('utf8');
    else if (id === PROPERTY.authenticationData && decoded.data === undefined) decoded.data = field.bytes;
    else if (id === PROPERTY.reasonString && decoded.reasonString === undefined) decoded.reasonString = field.bytes.toString('utf8');
    else return undefined;
  }
  return decoded;
}

function readVarint(body: Buffer, offset: number): { value: number; end: number } | undefined {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 4; i++) {
    const byte = body[offset + i];
    if (byte === undefined) return undefined;
    value += (byte & 0x7f) * multiplier;
    multiplier *= 128;
    if ((byte & 0x80) === 0) return { value, end: offset + i + 1 };
  }
  return undefined;
}

/** A two-byte length and that many bytes: a UTF-8 string or binary data (§1.5.4, §1.5.6). */
function readPrefixed(body: Buffer, offset: number): { bytes: Buffer; end: number } | undefined {
  if (offset + 2 > body.length) return undefined;
  const end = offset + 2 + body.readUInt16BE(offset);
  if (end > body.length) return undefined;
  return { bytes: body.subarray(offset + 2, end), end };
}
