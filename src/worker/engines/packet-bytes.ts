/**
 * The size on the wire of MQTT packets, from mqtt-packet, the encoder MQTT.js itself uses: a
 * session sizes the very packet objects MQTT.js sends, and `sign-bench` sizes a CONNECT with the
 * akenza fields (client id = device id, username "unused", the token as password).
 */
import mqttPacket from 'mqtt-packet';
import type { MqttPlan } from '../../scenario/run-plan.js';
import type { ConnectExtras } from './message-properties.js';

export interface ConnectFields {
  clientId: string;
  password: string;
  protocolVersion: 4 | 5;
  keepaliveSec: number;
  clean: boolean;
  /** MQTT 5 only; absent or null: not sent. */
  sessionExpirySec?: number | null;
  /** MQTT 5 user properties and the will (3.1.1 too), rendered for this device (message-properties.ts). */
  extras?: ConnectExtras;
  /** MQTT 5 only: the token goes as Authentication Data under this Authentication Method, not as the password (§3.1.2.11.9). */
  authMethod?: string | undefined;
}

/** The Authentication Method a device's CONNECT names: only under `auth: method`, only on MQTT 5 (§4.12). */
export function authMethodOf(mqttPlan: Pick<MqttPlan, 'protocolVersion' | 'auth'>): string | undefined {
  return mqttPlan.protocolVersion === 5 && mqttPlan.auth.way === 'method' ? mqttPlan.auth.method : undefined;
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
  return packetBytes(connectPacket(fields), fields.protocolVersion);
}

/** The CONNECT a device sends, in either engine: the fields client-options.ts gives MQTT.js. */
export function connectPacket(fields: ConnectFields): mqttPacket.IConnectPacket {
  const properties: NonNullable<mqttPacket.IConnectPacket['properties']> = {};
  // MQTT 5 §3.1.2.11.2: absent means 0, the session ends with the connection.
  if (fields.protocolVersion === 5 && typeof fields.sessionExpirySec === 'number') properties.sessionExpiryInterval = fields.sessionExpirySec;
  if (fields.protocolVersion === 5 && fields.extras?.userProperties !== undefined) properties.userProperties = fields.extras.userProperties;
  const authMethod = fields.protocolVersion === 5 ? fields.authMethod : undefined;
  if (authMethod !== undefined) {
    properties.authenticationMethod = authMethod;
    properties.authenticationData = Buffer.from(fields.password, 'utf8');
  }
  return {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: fields.protocolVersion,
    clean: fields.clean,
    clientId: fields.clientId,
    keepalive: fields.keepaliveSec,
    username: 'unused',
    ...(authMethod !== undefined ? {} : { password: Buffer.from(fields.password) }),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    ...(fields.extras?.will === undefined ? {} : { will: fields.extras.will }),
  };
}
