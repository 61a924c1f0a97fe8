/**
 * PUBLISH packets written straight into one buffer: the lean engine's hottest path. mqtt-packet's
 * generate() builds a packet from an object, measuring and copying it in several buffers; this
 * measures the topic and payload once and writes everything into a single allocation.
 *
 * Layout (MQTT 3.1.1 §3.3, MQTT 5 §3.3): fixed header (type 3, DUP 0, QoS, RETAIN; remaining
 * length as a variable byte integer, §2.2.3), topic as a UTF-8 string with its 2-byte length, the
 * packet identifier at QoS 1 and 2, an empty property block (one 0 byte) in MQTT 5, the payload.
 */
export function encodePublish(topic: string, payload: string, qos: 0 | 1 | 2, retain: boolean, id: number, protocolVersion: 4 | 5): Buffer {
  const topicBytes = Buffer.byteLength(topic);
  const payloadBytes = Buffer.byteLength(payload);
  const remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + (protocolVersion === 5 ? 1 : 0) + payloadBytes;
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  const packet = Buffer.allocUnsafe(1 + lengthBytes + remaining);
  packet[0] = 0x30 | (qos << 1) | (retain ? 1 : 0);
  let at = 1;
  let rest = remaining;
  do {
    const byte = rest % 128;
    rest = Math.floor(rest / 128);
    packet[at++] = rest > 0 ? byte | 0x80 : byte;
  } while (rest > 0);
  packet.writeUInt16BE(topicBytes, at);
  at += 2;
  at += packet.write(topic, at, 'utf8');
  if (qos > 0) {
    packet.writeUInt16BE(id, at);
    at += 2;
  }
  if (protocolVersion === 5) packet[at++] = 0;
  packet.write(payload, at, 'utf8');
  return packet;
}
