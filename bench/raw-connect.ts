/** A hand-made MQTT 3.1.1 CONNECT: the load generator of the connect bench, cheaper than any client. */
export function varint(length: number): number[] {
  const out: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    out.push(byte);
  } while (length > 0);
  return out;
}

function utf8Field(text: string | Buffer): Buffer {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
}

/** CONNECT, MQTT 3.1.1 §3.1: clean session, keepalive 30 s, username "unused", a password. */
export function connectPacket(clientId: string, password: string): Buffer {
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0xc2, 0x00, 0x1e]);
  const payload = Buffer.concat([utf8Field(clientId), utf8Field('unused'), utf8Field(password)]);
  return Buffer.concat([Buffer.from([0x10, ...varint(variable.length + payload.length)]), variable, payload]);
}
