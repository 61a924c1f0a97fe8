/**
 * The lean engine's CONNACK: its code and Session Present flag read by hand (frames.ts), and in
 * MQTT 5 its properties (§3.2.2.3) decoded by mqtt-packet's parser, once per connection.
 */
import mqttPacket, { type IConnackPacket } from 'mqtt-packet';
import { capabilitiesOf, type BrokerCapabilities } from '../broker-limits.js';
import { PACKET } from './frames.js';

/** The capabilities a CONNACK's body announces (MQTT 5); a body mqtt-packet cannot parse gives the spec's defaults. */
export function connackCapabilities(body: Buffer): BrokerCapabilities {
  let connack: IConnackPacket | undefined;
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  parser.on('packet', (packet) => {
    if (packet.cmd === 'connack') connack = packet;
  });
  parser.on('error', () => {});
  const header = [PACKET.connack << 4];
  let rest = body.length;
  do {
    const byte = rest % 128;
    rest = Math.floor(rest / 128);
    header.push(rest > 0 ? byte | 0x80 : byte);
  } while (rest > 0);
  parser.parse(Buffer.concat([Buffer.from(header), body]));
  return capabilitiesOf(connack?.properties);
}
