/** What the embedded broker can be told, and its defaults (the one place they live). */
import { DEFAULT_AUDIENCE_TEMPLATE } from '../identity/token.js';
import type { KeySetEntry } from '../identity/jwks.js';
import type { DeviceRecord } from '../identity/registry-file.js';
import type { VerifyPolicy } from '../identity/verify.js';
import type { MaxQos } from './acl.js';
import type { OnDenial } from './denials.js';
import { DEFAULT_AUTH_METHOD } from './enhanced-auth.js';

export interface TlsMaterial {
  certPem: string;
  keyPem: string;
}

export interface DownlinkOptions {
  /** A downlink to every connected device this often. */
  intervalMs: number;
  qos: 0 | 1;
}

export interface BrokerOptions {
  host: string;
  /** Plain MQTT over TCP; 0 picks a free port, null opens none. */
  port: number | null;
  /** MQTT over TLS (1.2 minimum, 1.3 allowed); needs `tls`. */
  tlsPort?: number | null;
  /** MQTT over WebSocket (plain HTTP upgrade). */
  wsPort?: number | null;
  tls?: TlsMaterial;
  policy: VerifyPolicy;
  devices?: Iterable<DeviceRecord>;
  /** Keys of a JWK Set: any client id whose token names one of these kids (`broker --jwks`). */
  keySet?: Iterable<KeySetEntry>;
  /** Drop a connection that sends no CONNECT within this time. */
  connectTimeoutMs?: number;
  /** Largest MQTT packet accepted; a larger one closes the connection. */
  maxPacketBytes?: number;
  /** Highest QoS a device may publish or be granted. */
  maxQos?: MaxQos;
  /** Disconnect a session once its token has expired for longer than the skew. */
  expiryDisconnect?: boolean;
  /** How often expired sessions are looked for. */
  expirySweepMs?: number;
  downlink?: DownlinkOptions;
  /** Told of every refused CONNECT and ACL denial (the `broker` command's operator log). */
  onDenial?: OnDenial;
  /** MQTT 5 Authentication Method whose Authentication Data is the token (enhanced-auth.ts). */
  authMethod?: string;
  /** Answer AUTH 0x19 (re-authentication); when false it is refused with DISCONNECT 0x82. */
  reauth?: boolean;
  /** Advertised to MQTT 5 clients in CONNACK (inbound QoS 1/2 in flight per connection). */
  receiveMaximum?: number;
  /** Wall clock (epoch ms); injected so tests can move it. */
  nowMs?: () => number;
}

export const DEFAULT_VERIFY_POLICY: VerifyPolicy = {
  audienceTemplate: DEFAULT_AUDIENCE_TEMPLATE,
  skewSec: 60,
  maxLifetimeSec: 24 * 3600,
  maxTokenBytes: 8192,
  requireKid: true,
};

export const BROKER_DEFAULTS = {
  connectTimeoutMs: 10_000,
  maxPacketBytes: 256 * 1024,
  maxQos: 1 as MaxQos,
  expiryDisconnect: true,
  expirySweepMs: 1000,
  authMethod: DEFAULT_AUTH_METHOD,
  reauth: true,
  receiveMaximum: 1024,
} as const;
