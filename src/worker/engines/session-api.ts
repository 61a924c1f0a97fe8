/**
 * What the worker needs of one device's session, whichever engine holds it: the lean
 * engine (lean/lean-session.ts, the default) or MQTT.js (mqttjs-session.ts, the reference). What a device does
 * beyond one connection (reconnecting, subscribing again) is the worker's, the same for both.
 */
import type { MqttPlan } from '../../scenario/run-plan.js';
import type { BrokerTarget } from '../messages.js';
import type { BrokerCapabilities } from './broker-limits.js';
import type { PublishProperties } from './message-properties.js';

export type ConnectOutcome = { ok: true } | { ok: false; reason: string };
/**
 * How one re-authentication ended (reauth-exchange.ts): accepted, with the MQTT packet bytes of
 * the AUTH sent and of the AUTH that answered it; or not: `disconnected.<name>` (the broker's
 * DISCONNECT), `closed`, `timeout`, `not-connected`, `bad-answer`, `busy`.
 */
export type ReauthOutcome = { ok: true; authBytes: number; answerBytes: number } | { ok: false; reason: string; reasonString?: string };
export type SubscribeOutcome = { ok: true } | { ok: false; reason: string };
export type MessageListener = (topic: string, payload: Buffer) => void;

/**
 * Where a session reports how each publish ended, under the ticket its caller gave it: one object
 * for a worker's publishes (publisher.ts), so a message costs no promise and no closure.
 */
export interface PublishOutcomes {
  /**
   * Acknowledged (PUBACK at QoS 1, PUBCOMP at QoS 2) or, at QoS 0, handed to the socket.
   * `noSubscribers`: the ack said 0x10 No matching subscribers (MQTT 5 §3.4.2.1): accepted all the same.
   */
  published(ticket: number, noSubscribers?: boolean): void;
  /** Not sent ('not-connected'), or its connection closed before the ack ('Connection closed', MQTT.js's words). */
  failed(ticket: number, error: unknown): void;
  /**
   * Refused, never acknowledged: by the broker, a PUBACK, PUBREC or PUBCOMP reason code of 0x80 or
   * more (`refused.<name>`, reason-codes.ts), with its Reason String if it sent one; or, before
   * sending, by the limits the broker announced (`limit.<name>`, broker-limits.ts).
   */
  refused(ticket: number, reason: string, reasonString?: string): void;
  /** The publish waits for a place in the broker's Receive Maximum window (send-window.ts); its outcome comes later. */
  heldBack(ticket: number, receiveMaximum: number): void;
  /** Sent at `qos`, the broker's Maximum QoS, below the QoS asked (`mqtt.qosAboveMaximum: downgrade`). */
  downgraded(ticket: number, qos: 0 | 1): void;
}

/** Why a connection the broker ended went: its DISCONNECT's reason (MQTT 5 §3.14.2.1), when it sent one. */
export interface ServerDisconnect {
  /** `disconnected.<name>` (reason-codes.ts). */
  reason: string;
  reasonString?: string;
}

/** A session's word that its connection went without the harness closing it. */
export type LostListener = (reason: string, disconnect?: ServerDisconnect) => void;

/**
 * A publish made during a refresh goes out once the refresh is over (`send`, on the new
 * connection); a refresh that throws fails it, as it failed an awaited publish before.
 */
export function publishAfterRefresh(refreshing: Promise<unknown>, send: () => void, ticket: number, outcomes: PublishOutcomes): void {
  refreshing.then(send, (error: unknown) => outcomes.failed(ticket, error));
}

/** What an MQTT 5 PUBLISH carries besides topic and payload: its properties, and whether to alias its topic (topic-aliases.ts). */
export interface PublishExtras {
  properties: PublishProperties;
  topicAlias: boolean;
}

/** Bytes of the CONNECT sent and the CONNACK received (0 when none came), as MQTT packets, before TLS or WebSocket framing. */
export interface ConnectBytes {
  connectBytes: number;
  connackBytes: number;
}

export interface Session {
  readonly deviceId: string;
  readonly connected: boolean;
  /** Connected, or reconnecting with a fresh token: a publish will go out. */
  readonly usable: boolean;
  /** Opens the connection and resolves once CONNACK (or a failure) arrives. */
  connect(target: BrokerTarget, mqttPlan: MqttPlan, password: string): Promise<ConnectOutcome>;
  /** Reconnects with a fresh token once in-flight messages are acknowledged; publishes meanwhile wait. */
  refresh(target: BrokerTarget, mqttPlan: MqttPlan, password: string): Promise<ConnectOutcome>;
  /**
   * Sends one PUBLISH and reports its outcome to `outcomes` under `ticket`: once, or never if its
   * ack never comes while the connection stays up. During a refresh it waits and goes out on the
   * new connection. The report may come before this returns (QoS 0, or a session not connected).
   * `extras`: MQTT 5 properties and topic aliasing; absent, a bare PUBLISH (the fast path).
   */
  publish(topic: string, payload: string, qos: 0 | 1 | 2, retain: boolean, ticket: number, outcomes: PublishOutcomes, extras?: PublishExtras): void;
  /**
   * One SUBSCRIBE, on the current connection or, during a refresh, on the new one; making it again
   * on a later connection is the worker's (subscriptions.ts).
   */
  subscribe(filter: string, qos: 0 | 1 | 2): Promise<SubscribeOutcome>;
  /** Every PUBLISH delivered to this session goes to `listener`, on this and every later connection. */
  onMessage(listener: MessageListener): void;
  /**
   * MQTT 5 re-authentication (§4.12.1): AUTH 0x19 with `token` under the method the CONNECT used,
   * on the open connection. Resolves at the broker's AUTH 0x00, or on a DISCONNECT, the connection
   * closing, or `timeoutMs` without an answer. Publishes and subscriptions go on meanwhile.
   * A connection that ends meanwhile is lost as any other (the LostListener runs first); a
   * connection made with the password, or none, sends nothing (`not-connected`); one at a time
   * (`busy`). Any AUTH but that answer is a protocol error that closes the connection (`bad-answer`).
   */
  reauthenticate(token: string, timeoutMs: number): Promise<ReauthOutcome>;
  /** Sends DISCONNECT and closes; resolves when the socket is gone. */
  disconnect(): Promise<void>;
  /** Drops the connection abruptly (no DISCONNECT), as a failing network would; not counted as lost. */
  drop(): Promise<void>;
  /** The wire size of the last CONNECT sent and of the CONNACK received. */
  readonly lastConnectBytes: ConnectBytes;
  /** What the broker announced in the last CONNACK (MQTT 5); undefined on MQTT 3.1.1 or before a CONNACK. */
  readonly capabilities: BrokerCapabilities | undefined;
  /** The last CONNACK's Session Present flag: the broker kept the session, subscriptions included (MQTT 3.1.1 §3.2.2.2, MQTT 5 §3.2.2.1.1). */
  readonly sessionPresent: boolean;
}
