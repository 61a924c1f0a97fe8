/**
 * The size on the wire of the CONNECT a device sends: encoded by mqtt-packet, the encoder MQTT.js
 * itself uses, with the akenza fields (client id = device id, username "unused", the token as
 * password), so the figure is the real packet and not an estimate.
 */
import mqttPacket from 'mqtt-packet';

export interface ConnectFields {
  clientId: string;
  password: string;
  protocolVersion: 4 | 5;
  keepaliveSec: number;
  clean: boolean;
}

export function connectPacketBytes(fields: ConnectFields): number {
  const packet = {
    cmd: 'connect' as const,
    protocolId: 'MQTT' as const,
    protocolVersion: fields.protocolVersion,
    clean: fields.clean,
    clientId: fields.clientId,
    keepalive: fields.keepaliveSec,
    username: 'unused',
    password: Buffer.from(fields.password),
  };
  return mqttPacket.generate(packet, { protocolVersion: fields.protocolVersion }).length;
}
