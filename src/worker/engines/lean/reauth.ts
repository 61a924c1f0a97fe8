/**
 * The lean engine's side of a re-authentication (reauth-exchange.ts holds its state): the AUTH 0x19
 * it writes and the AUTH it reads, both MQTT 5 §3.15 (auth-frames.ts), and the DISCONNECT 0x82
 * that answers any other AUTH (§4.13: a Protocol Error closes the connection).
 */
import mqttPacket from 'mqtt-packet';
import { receivedPacketBytes } from '../packet-bytes.js';
import type { AuthVerdict, ReauthExchange } from '../reauth-exchange.js';
import type { ReauthOutcome } from '../session-api.js';
import { decodeAuth, reauthFrame } from './auth-frames.js';

/** DISCONNECT 0x82 Protocol Error (§3.14.2.1). */
export const PROTOCOL_ERROR_DISCONNECT = mqttPacket.generate({ cmd: 'disconnect', reasonCode: 0x82 }, { protocolVersion: 5 });

/** Writes AUTH 0x19 with `token` under `method` and resolves with its answer. */
export function sendReauth(exchange: ReauthExchange, method: string, token: string, timeoutMs: number, write: (frame: Buffer) => void): Promise<ReauthOutcome> {
  const frame = reauthFrame(method, token);
  return exchange.start(frame.length, timeoutMs, () => write(frame));
}

/** An AUTH's body (after its fixed header) arrived on a connection made under `method` (undefined: the password). */
export function receiveAuth(exchange: ReauthExchange, body: Buffer, method: string | undefined): AuthVerdict {
  return exchange.answer(decodeAuth(body), receivedPacketBytes(body.length), method);
}
