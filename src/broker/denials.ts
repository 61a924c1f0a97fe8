/**
 * What the broker tells its operator about one client it turned away: a refused CONNECT or a
 * topic the ACL denied. The token is never part of it.
 */
import type { Client } from 'aedes';
import type { RejectReason } from '../identity/verify.js';
import type { ReauthRefusal } from './enhanced-auth.js';

export type AclAction = 'publish' | 'subscribe' | 'qos';

export type Denial =
  /** `mqtt5`: the client spoke MQTT 5, so it got CONNACK 0x86 (for 4) or 0x87 (for 5). */
  | { kind: 'refused'; clientId: string; remoteAddress: string; reason: RejectReason; returnCode: 4 | 5; mqtt5?: true }
  /**
   * On 3.1.1 a denied PUBLISH closes the connection [MQTT-3.3.5-2] and a denied filter gets SUBACK
   * 0x80 [MQTT-3.9.3]; on MQTT 5 (`mqtt5`) they get PUBACK/SUBACK 0x87, and a QoS above the
   * maximum DISCONNECT 0x9B.
   */
  | { kind: 'acl-denied'; clientId: string; remoteAddress: string; action: AclAction; topic: string; mqtt5?: true }
  /** An AUTH 0x19 (re-authentication) refused: the connection is closed with DISCONNECT `reasonCode`. */
  | { kind: 'reauth-refused'; clientId: string; remoteAddress: string; reason: ReauthRefusal; reasonCode: number };

export type OnDenial = (denial: Denial) => void;

/** host:port of the client's TCP peer, through a WebSocket's upgrade request where there is one. */
export function remoteAddressOf(client: Client): string {
  const socket = client.req?.socket ?? ('remoteAddress' in client.conn ? client.conn : undefined);
  const host = socket?.remoteAddress;
  if (host === undefined) return 'unknown';
  return `${host.includes(':') ? `[${host}]` : host}:${socket?.remotePort ?? '?'}`;
}
