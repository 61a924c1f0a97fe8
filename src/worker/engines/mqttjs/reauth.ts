/**
 * The MQTT.js engine's side of a re-authentication (reauth-exchange.ts holds its state). MQTT.js
 * 5.x has no public re-authentication: the AUTH 0x19 goes out through its `_sendPacket`, which
 * writes an AUTH at once and stores nothing (client.ts: not a publish or pubrel). Its answer is
 * seen on `packetreceive` before MQTT.js's own handler (handlers/auth.ts) takes it: that handler
 * accepts AUTH 0x00 under the CONNECT's method and does nothing more, and closes the connection on
 * any other AUTH (ErrorWithReasonCode 0x82), which the session then counts as lost.
 */
import type { IAuthPacket } from 'mqtt-packet';
import { packetBytes, receivedPacketBytes } from '../packet-bytes.js';
import type { ReauthOutcome } from '../session-api.js';
import type { Connection } from './mqttjs-connection.js';

/** AUTH reason code 0x19 Re-authenticate (§3.15.2.1). */
const RE_AUTHENTICATE = 0x19;

/** MQTT.js's private writer of one packet (client.ts `_sendPacket`). */
type SendPacket = (packet: IAuthPacket) => void;

/** Sends AUTH 0x19 with `token` under `method`, the connection's, and resolves with its answer. */
export function sendReauth(connection: Connection, method: string, token: string, timeoutMs: number): Promise<ReauthOutcome> {
  const packet: IAuthPacket = {
    cmd: 'auth',
    reasonCode: RE_AUTHENTICATE,
    properties: { authenticationMethod: method, authenticationData: Buffer.from(token, 'utf8') },
  };
  const client = connection.client as unknown as { _sendPacket: SendPacket };
  return connection.reauth.start(packetBytes(packet, 5), timeoutMs, () => client._sendPacket(packet));
}

/** An AUTH the broker sent; what is not the awaited answer, MQTT.js closes the connection for itself. */
export function receiveAuth(connection: Connection, packet: IAuthPacket): void {
  const { reasonCode, properties } = packet;
  connection.reauth.answer(
    { reasonCode, method: properties?.authenticationMethod, reasonString: properties?.reasonString },
    receivedPacketBytes(packet.length ?? 0),
    connection.authMethod,
  );
}
