/**
 * The size on the wire of MQTT packets, from mqtt-packet, the encoder MQTT.js itself uses: a
 * session sizes the very packet objects MQTT.js sends, and `sign-bench` sizes a CONNECT with the
 * akenza fields (client id = device id, username "unused", the token as password).
 */
import mqttPacket from 'mqtt-packet';

export interface ConnectFields {
  clientId: string;
  password: string;
  protocolVersion: 4 | 5;
  keepaliveSec: number;
  clean: boolean;
}

/** Bytes of `packet` as MQTT.js writes it (`writeToStream` with the same protocol version). */
export function packetBytes(packet: mqttPacket.Packet, protocolVersion: 4 | 5): number {
  return mqttPacket.generate(packet, { protocolVersion }).length;
}

/**
 * Bytes of a received packet from its parsed remaining length: 1 byte of fixed header, the
 * remaining length as a variable byte integer (MQTT 3.1.1 §2.2.3), then that many bytes.
 */
export function receivedPacketBytes(remainingLength: number): number {
  let lengthBytes = 1;
  for (let rest = remainingLength; rest >= 128; rest = Math.floor(rest / 128)) lengthBytes++;
  return 1 + lengthBytes + remainingLength;
}

export function connectPacketBytes(fields: ConnectFields): number {
  const packet: mqttPacket.IConnectPacket = {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: fields.protocolVersion,
    clean: fields.clean,
    clientId: fields.clientId,
    keepalive: fields.keepaliveSec,
    username: 'unused',
    password: Buffer.from(fields.password),
  };
  return packetBytes(packet, fields.protocolVersion);
}
