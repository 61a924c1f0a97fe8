/**
 * The properties of an MQTT 5 CONNACK (§3.2.2.3), decoded by mqtt-packet's parser: a CONNACK
 * comes once a connection, so the lean engine does not hand-decode its seventeen property kinds.
 */
import mqttPacket from 'mqtt-packet';

export type ConnackProperties = NonNullable<mqttPacket.IConnackPacket['properties']>;

/** `body`: the CONNACK's bytes after its fixed header. */
export function connackProperties(body: Buffer): ConnackProperties {
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  let properties: ConnackProperties = {};
  parser.on('packet', (packet: mqttPacket.Packet) => {
    if (packet.cmd === 'connack') properties = packet.properties ?? {};
  });
  parser.on('error', () => {});
  parser.parse(Buffer.concat([Buffer.from([0x20]), remainingLength(body.length), body]));
  return properties;
}

/** A variable byte integer (§1.5.5). */
function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  let rest = length;
  do {
    const byte = rest % 128;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? byte | 0x80 : byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}
