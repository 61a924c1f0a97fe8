/**
 * The lean engine's wire format: MQTT frames split out of a byte stream, and the few packets a
 * device receives decoded by hand (CONNACK, PUBACK, SUBACK, PUBLISH), MQTT 3.1.1 and 5. Pure
 * functions: no state lives here, so one device costs no parser object of its own.
 * Larger packets (CONNECT, SUBSCRIBE, PUBLISH) are encoded by mqtt-packet, MQTT.js's codec.
 */

/** Control packet types, MQTT 3.1.1 §2.2.1. */
export const PACKET = { connack: 2, publish: 3, puback: 4, pubrec: 5, pubrel: 6, pubcomp: 7, suback: 9, pingresp: 13, disconnect: 14, auth: 15 } as const;

export interface Frame {
  type: number;
  flags: number;
  body: Buffer;
}

/**
 * Splits `buffer` into whole frames; returns them and the bytes of an unfinished one (or
 * undefined). The remaining length is a variable byte integer of 1-4 bytes (§2.2.3).
 */
export function splitFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer | undefined } {
  const frames: Frame[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    let length = 0;
    let multiplier = 1;
    let i = offset + 1;
    let complete = false;
    while (i < buffer.length && i <= offset + 4) {
      const byte = buffer[i++] as number;
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) {
        complete = true;
        break;
      }
    }
    if (!complete) {
      if (i > offset + 4) throw new Error('malformed remaining length');
      break;
    }
    if (i + length > buffer.length) break;
    const first = buffer[offset] as number;
    frames.push({ type: first >> 4, flags: first & 0x0f, body: buffer.subarray(i, i + length) });
    offset = i + length;
  }
  return { frames, rest: offset < buffer.length ? buffer.subarray(offset) : undefined };
}

/** The CONNACK's return code (3.1.1 §3.2.2.3) or reason code (5 §3.2.2.2); both at byte 1. */
export function connackCode(body: Buffer): number {
  return body[1] ?? 255;
}

/**
 * An MQTT 5 ack's reason code (PUBACK, PUBREC, PUBCOMP: §3.4.2.1) and, on a failure, its Reason
 * String (property 0x1F, §3.4.2.2.2). A remaining length of 2 means 0x00 Success.
 */
export function ackReason(body: Buffer): { code: number; reasonString: string | undefined } {
  const code = body[2] ?? 0;
  return { code, reasonString: code >= 0x80 ? reasonStringOf(body, 3) : undefined };
}

/** A server DISCONNECT's reason code (MQTT 5 §3.14.2.1; none: 0x00) and Reason String (§3.14.2.2.3). */
export function disconnectReason(body: Buffer): { code: number; reasonString: string | undefined } {
  return { code: body[0] ?? 0, reasonString: reasonStringOf(body, 1) };
}

/**
 * The Reason String in a property block starting at `offset`, if there is one. Only the
 * properties an ack or a DISCONNECT may carry are stepped over: Reason String (0x1F), User
 * Property (0x26, a string pair), Session Expiry Interval (0x11, four bytes) and Server
 * Reference (0x1C, a string) (§2.2.2.2).
 */
function reasonStringOf(body: Buffer, offset: number): string | undefined {
  if (offset >= body.length) return undefined;
  const length = readVarint(body, offset);
  let at = length.end;
  const end = Math.min(at + length.value, body.length);
  const string = (): string => {
    const n = body.readUInt16BE(at);
    const text = body.toString('utf8', at + 2, at + 2 + n);
    at += 2 + n;
    return text;
  };
  try {
    while (at < end) {
      const id = body[at++];
      if (id === 0x1f) return string();
      if (id === 0x26) {
        string();
        string();
      } else if (id === 0x1c) string();
      else if (id === 0x11) at += 4;
      else return undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Packet identifier of PUBACK, PUBREC, PUBCOMP and SUBACK: the first two bytes. */
export function packetId(body: Buffer): number {
  return body.readUInt16BE(0);
}

/** SUBACK return codes, after the packet id and, in MQTT 5, the properties (§3.9.2.1). */
export function subackCodes(body: Buffer, protocolVersion: 4 | 5): number[] {
  let offset = 2;
  if (protocolVersion === 5) offset = skipVarint(body, offset);
  return [...body.subarray(offset)];
}

/** A received PUBLISH (§3.3): topic, packet id when QoS > 0, payload. */
export function decodePublish(flags: number, body: Buffer, protocolVersion: 4 | 5): { topic: string; qos: number; id: number; payload: Buffer } {
  const qos = (flags >> 1) & 3;
  const topicLength = body.readUInt16BE(0);
  const topic = body.toString('utf8', 2, 2 + topicLength);
  let offset = 2 + topicLength;
  let id = 0;
  if (qos > 0) {
    id = body.readUInt16BE(offset);
    offset += 2;
  }
  if (protocolVersion === 5) offset = skipVarint(body, offset);
  return { topic, qos, id, payload: body.subarray(offset) };
}

/** Skips a variable byte integer and the bytes it counts (an MQTT 5 property block). */
function skipVarint(body: Buffer, offset: number): number {
  const length = readVarint(body, offset);
  return length.end + length.value;
}

/** A Variable Byte Integer (§1.5.5) at `offset`: its value, and where the bytes after it begin. */
function readVarint(body: Buffer, offset: number): { value: number; end: number } {
  let value = 0;
  let multiplier = 1;
  let byte: number;
  do {
    byte = body[offset++] ?? 0;
    value += (byte & 0x7f) * multiplier;
    multiplier *= 128;
  } while ((byte & 0x80) !== 0 && offset < body.length);
  return { value, end: offset };
}

/** Two-byte packets and the four-byte acks, MQTT 3.1.1 (an MQTT 5 ack with reason 0 may omit it, §3.4.2.1). */
export const PINGREQ = Buffer.from([0xc0, 0x00]);
export const DISCONNECT = Buffer.from([0xe0, 0x00]);

export function ackPacket(type: number, id: number): Buffer {
  // PUBREL has flags 0b0010 (§3.6.1); PUBACK none.
  return Buffer.from([(type << 4) | (type === PACKET.pubrel ? 0x02 : 0), 0x02, id >> 8, id & 0xff]);
}
