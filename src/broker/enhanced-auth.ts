/**
 * MQTT 5 enhanced authentication (§4.12) in front of Aedes 2, for one method: a device's JWT as
 * Authentication Data, under a configurable Authentication Method (`CUSTOM-JWT` by default, as in
 * Azure Event Grid), on CONNECT and in-session by AUTH 0x19 (Re-authenticate, §4.12.1).
 *
 * Design (docs/reauth.md, "Design"): Aedes 2.0.0-beta.1 speaks MQTT 5 but refuses any CONNECT
 * that carries an Authentication Method with CONNACK 0x8C, and drops the connection on an AUTH
 * packet. It is used as it is, with three small interceptions here, so that everything else
 * (sessions, QoS, ACL, 3.1.1) stays Aedes's own:
 * - `preConnect` takes the token out of a CONNECT whose method is ours and removes the method
 *   and data from the packet, so Aedes goes on to `authenticate`, where the token is checked
 *   exactly like a password (auth.ts). Another method is left in place: Aedes answers 0x8C.
 * - The CONNACK of such a connection must carry the same Authentication Method [MQTT-4.12.0-5],
 *   and Aedes builds its CONNACK properties itself: mqtt-packet's `writeToStream`, through which
 *   Aedes writes every packet, is wrapped once to add it (and the Maximum QoS) to CONNACKs bound
 *   for a stream of ours. Every other packet passes with one property comparison.
 * - Each connection's parser has its 'packet' listener wrapped: AUTH packets are answered here
 *   (AUTH 0x00, or DISCONNECT 0x87 for a token that fails, 0x82 for an AUTH out of protocol) and never reach Aedes; every other packet goes on to
 *   Aedes's own listener unchanged. An AUTH on 3.1.1 never gets this far: mqtt-packet refuses
 *   type 15 below version 5 and Aedes closes the connection, as Aedes 1.x did.
 */
import mqttPacket from 'mqtt-packet';
import type { Client } from 'aedes';
import { verifyDeviceToken, type RejectReason, type VerifyPolicy } from '../identity/verify.js';
import { BROKER_METRIC, type BrokerMetrics } from './broker-metrics.js';
import { remoteAddressOf, type OnDenial } from './denials.js';
import type { DeviceRegistry } from './registry.js';

/** MQTT 5 reason codes used here (§2.4). */
export const REASON = {
  success: 0x00,
  continueAuthentication: 0x18,
  reAuthenticate: 0x19,
  protocolError: 0x82,
  notAuthorized: 0x87,
  receiveMaximumExceeded: 0x93,
  qosNotSupported: 0x9b,
  maximumConnectTime: 0xa0,
} as const;

export const DEFAULT_AUTH_METHOD = 'CUSTOM-JWT';

/** Why a re-authentication was refused: the CONNECT reasons, and two of its own. */
export type ReauthRefusal = RejectReason | 'key-changed' | 'exp-not-later' | 'no-method-at-connect' | 'method-mismatch' | 'not-reauthenticate' | 'reauth-off';

/** What a connection presented its token with at CONNECT, and what it was accepted with. */
interface SessionAuth {
  /** The Authentication Method of the CONNECT; undefined for a password login. */
  method: string | undefined;
  /** Token from the CONNECT's Authentication Data, read by `authenticate` once. */
  pendingToken: string | undefined;
  kid: string | undefined;
  expSec: number | undefined;
}

export interface EnhancedAuthContext {
  /** The one Authentication Method accepted (the token is its Authentication Data). */
  method: string;
  /** Whether AUTH 0x19 is answered; when false, it is refused with DISCONNECT 0x82. */
  reauth: boolean;
  registry: DeviceRegistry;
  policy: VerifyPolicy;
  metrics: BrokerMetrics;
  nowMs: () => number;
  /** Advertised in CONNACK as Maximum QoS when below 2. */
  maxQos: 1 | 2;
  /** The Receive Maximum advertised in CONNACK, enforced for inbound QoS 2. */
  receiveMaximum: number;
  /** A re-authenticated session's new expiry. */
  onReauthenticated: (client: Client, expSec: number) => void;
  onDenial?: OnDenial;
}

type PacketListener = (packet: mqttPacket.Packet) => void;
interface AedesClientInternals {
  _parser: { listeners(event: 'packet'): PacketListener[]; removeAllListeners(event: 'packet'): void; on(event: 'packet', l: PacketListener): void };
  connackSent: boolean;
  _keepaliveTimer: NodeJS.Timeout | null;
}

/**
 * Inbound QoS 2 messages awaiting PUBREL, per connection. Aedes 1.2 bounds them at 1000
 * (`maxInflightInbound`, a hardening fix the 2.0.0 beta branched before), so that a client that
 * withholds PUBREL cannot grow the broker's incoming store toward 65535 entries; the same bound
 * is kept here for 3.1.1 (the connection is closed), and for MQTT 5 the advertised Receive
 * Maximum is the bound (DISCONNECT 0x93, [MQTT-3.3.4-9]). QoS 1 needs none: Aedes acknowledges
 * it before it publishes.
 */
export const MAX_INFLIGHT_INBOUND_V311 = 1000;

// Keyed by object: mqtt-packet hands writeToStream a plain WritableStream, which is our Duplex.
const sessionsByStream = new WeakMap<object, SessionAuth>();
let writeWrapped = false;

/**
 * Adds the Authentication Method (when the CONNECT had one) and the Maximum QoS to v5 CONNACKs
 * written to our streams. Installed once per process; streams of other brokers or clients pass.
 */
function wrapWriteToStream(maxQosOf: (stream: object) => number | undefined): void {
  if (writeWrapped) return;
  writeWrapped = true;
  type Write = (packet: mqttPacket.Packet, stream: NodeJS.WritableStream, opts?: { protocolVersion?: number }) => boolean;
  const original = mqttPacket.writeToStream as Write;
  const wrapped: Write = (packet, stream, opts) => {
    if (packet.cmd === 'connack' && opts?.protocolVersion === 5 && packet.reasonCode === 0) {
      const session = sessionsByStream.get(stream);
      const maxQos = maxQosOf(stream);
      if (session !== undefined || maxQos !== undefined) {
        const connack = packet;
        connack.properties = {
          ...connack.properties,
          ...(session?.method === undefined ? {} : { authenticationMethod: session.method }),
          ...(maxQos === undefined || maxQos >= 2 ? {} : { maximumQoS: maxQos }),
        };
      }
    }
    return original(packet, stream, opts);
  };
  // writeToStream.cacheNumbers is a switch on the function itself: forwarded, not copied.
  Object.defineProperty(wrapped, 'cacheNumbers', {
    get: () => (original as unknown as { cacheNumbers: boolean }).cacheNumbers,
    set: (on: boolean) => ((original as unknown as { cacheNumbers: boolean }).cacheNumbers = on),
  });
  (mqttPacket as unknown as { writeToStream: Write }).writeToStream = wrapped;
}

const maxQosByStream = new WeakMap<object, 1 | 2>();

export class EnhancedAuth {
  readonly #context: EnhancedAuthContext;

  constructor(context: EnhancedAuthContext) {
    if (context.method.length === 0 || Buffer.byteLength(context.method) > 65535)
      throw new Error('the authentication method must be 1 to 65535 bytes of UTF-8');
    this.#context = context;
    wrapWriteToStream((stream) => maxQosByStream.get(stream));
  }

  get method(): string {
    return this.#context.method;
  }

  /** Aedes's preConnect hook: takes our method's token out of a v5 CONNECT. */
  readonly preConnect = (client: Client, packet: mqttPacket.IConnectPacket, callback: (error: Error | null, ok: boolean) => void): void => {
    const properties = packet.protocolVersion === 5 ? packet.properties : undefined;
    if (properties?.authenticationMethod === this.#context.method) {
      const session = this.#session(client);
      session.method = properties.authenticationMethod;
      session.pendingToken = properties.authenticationData?.toString('utf8') ?? '';
      // Aedes refuses any CONNECT with a method (0x8C); this one is ours, checked in authenticate.
      delete properties.authenticationMethod;
      delete properties.authenticationData;
    }
    callback(null, true);
  };

  /** The token to check at CONNECT: Authentication Data under our method, else the password. */
  tokenAtConnect(client: Client, password: Readonly<Buffer | undefined>): string {
    const session = sessionsByStream.get(client.conn);
    const pending = session?.pendingToken;
    if (session !== undefined && pending !== undefined) {
      session.pendingToken = undefined;
      return pending;
    }
    return password === undefined ? '' : password.toString('utf8');
  }

  /** Notes the key and expiry a connection was accepted with, for re-authentication. */
  accepted(client: Client, kid: string, expSec: number): void {
    const session = this.#session(client);
    session.kid = kid;
    session.expSec = expSec;
  }

  /** Puts the AUTH handler and the inbound QoS 2 bound in front of Aedes on a fresh client. */
  attach(client: Client): void {
    maxQosByStream.set(client.conn, this.#context.maxQos);
    const parser = (client as unknown as AedesClientInternals)._parser;
    const aedesListeners = parser.listeners('packet');
    parser.removeAllListeners('packet');
    let awaitingPubrel: Set<number> | undefined;
    let refused = false;
    parser.on('packet', (packet) => {
      // Nothing more reaches Aedes from a connection being closed for exceeding the bound.
      if (refused) return;
      if (packet.cmd === 'auth') return this.#onAuth(client, packet);
      if (packet.cmd === 'publish' && packet.qos === 2) {
        awaitingPubrel ??= new Set();
        const id = packet.messageId ?? 0;
        if (!awaitingPubrel.has(id) && awaitingPubrel.size >= (client.version === 5 ? this.#context.receiveMaximum : MAX_INFLIGHT_INBOUND_V311)) {
          this.#count(`${BROKER_METRIC.guardPrefix}inflight-inbound`);
          refused = true;
          // MQTT 5: DISCONNECT 0x93 (Receive Maximum exceeded); 3.1.1: closed, as Aedes 1.2 did.
          return client.disconnect({ reasonCode: REASON.receiveMaximumExceeded });
        }
        awaitingPubrel.add(id);
      } else if (packet.cmd === 'pubrel') awaitingPubrel?.delete(packet.messageId ?? 0);
      for (const listener of aedesListeners) listener.call(parser, packet);
    });
  }

  #session(client: Client): SessionAuth {
    let session = sessionsByStream.get(client.conn);
    if (session === undefined) sessionsByStream.set(client.conn, (session = { method: undefined, pendingToken: undefined, kid: undefined, expSec: undefined }));
    return session;
  }

  #onAuth(client: Client, packet: mqttPacket.IAuthPacket): void {
    const internals = client as unknown as AedesClientInternals;
    // AUTH before CONNACK: we never send AUTH during CONNECT, so none is expected (§4.12).
    if (!internals.connackSent || client.closed) {
      this.#count(`${BROKER_METRIC.reauthRefusedPrefix}not-connected`);
      client.conn.destroy();
      return;
    }
    // Aedes refreshes the keepalive timer for the packets it handles only [MQTT-3.1.2-22].
    internals._keepaliveTimer?.refresh();
    const outcome = this.#reauthenticate(client, packet);
    if (outcome.ok) {
      this.#count(BROKER_METRIC.reauthAccepted);
      this.#context.onReauthenticated(client, outcome.expSec);
      const reply: mqttPacket.IAuthPacket = { cmd: 'auth', reasonCode: REASON.success, properties: { authenticationMethod: this.#context.method } };
      mqttPacket.writeToStream(reply, client.conn, { protocolVersion: 5 });
      return;
    }
    this.#count(`${BROKER_METRIC.reauthRefusedPrefix}${outcome.reason}`);
    this.#context.onDenial?.({
      kind: 'reauth-refused',
      clientId: client.id,
      remoteAddress: remoteAddressOf(client),
      reason: outcome.reason,
      reasonCode: outcome.reasonCode,
    });
    client.disconnect({ reasonCode: outcome.reasonCode, properties: { reasonString: `re-authentication refused: ${outcome.reason}` } });
  }

  #reauthenticate(client: Client, packet: mqttPacket.IAuthPacket): { ok: true; expSec: number } | { ok: false; reason: ReauthRefusal; reasonCode: number } {
    const { registry, policy, metrics } = this.#context;
    const session = this.#session(client);
    const method = packet.properties?.authenticationMethod;
    const refuse = (reason: ReauthRefusal, reasonCode: number = REASON.notAuthorized) => ({ ok: false as const, reason, reasonCode });
    // 0x8C (Bad authentication method) is not a DISCONNECT reason code (§3.14.2.1), so every
    // AUTH this broker will not take is 0x82 (Protocol Error), with a reason string.
    if (!this.#context.reauth) return refuse('reauth-off', REASON.protocolError);
    // [MQTT-3.1.2-30]: no AUTH from a client that connected without a method; [MQTT-4.12.1-1]:
    // the same method as at CONNECT.
    if (session.method === undefined) return refuse('no-method-at-connect', REASON.protocolError);
    if (method !== session.method) return refuse('method-mismatch', REASON.protocolError);
    // Only 0x19 starts a re-authentication; we never ask to continue, so 0x18 or 0x00 is out of turn.
    if (packet.reasonCode !== REASON.reAuthenticate) return refuse('not-reauthenticate', REASON.protocolError);
    const token = packet.properties?.authenticationData?.toString('utf8') ?? '';
    const registration = registry.resolve(client.id, token);
    const startMs = performance.now();
    const outcome = verifyDeviceToken(token, registration, policy, this.#context.nowMs() / 1000);
    if (registration !== undefined && outcome.signatureChecked)
      metrics.recorder.record(BROKER_METRIC.verifyUsPrefix + registration.alg, (performance.now() - startMs) * 1000);
    if (!outcome.ok) return refuse(outcome.reason);
    if (registration === undefined || registration.kid !== session.kid) return refuse('key-changed');
    if (session.expSec !== undefined && outcome.expSec <= session.expSec) return refuse('exp-not-later');
    session.expSec = outcome.expSec;
    return { ok: true, expSec: outcome.expSec };
  }

  #count(name: string): void {
    this.#context.metrics.recorder.count(name);
  }
}
