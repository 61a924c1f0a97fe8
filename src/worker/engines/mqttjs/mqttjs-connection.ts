/**
 * What the MQTT.js engine adds to each MQTT.js connection for MQTT 5: the broker's limits, its
 * Receive Maximum window (MQTT.js keeps none for outgoing publishes), the reason code and Reason
 * String of each ack (MQTT.js reports 0x10 as plain success and keeps no Reason String), and the
 * broker's DISCONNECT. One per connection, so a late callback of an earlier connection cannot
 * free a place in this one's window.
 */
import type { MqttClient, Packet } from 'mqtt';
import { packetBytes } from '../packet-bytes.js';
import { disconnectReason, isFailure, NO_MATCHING_SUBSCRIBERS, refusedReason } from '../reason-codes.js';
import { fits, type BrokerCapabilities } from '../broker-limits.js';
import { SendWindow, type HeldPublish } from '../send-window.js';
import type { PublishExtras, PublishOutcomes, ServerDisconnect } from '../session-api.js';
import type { TopicAliases } from '../topic-aliases.js';
import { ReauthExchange } from '../reauth-exchange.js';
import { receiveAuth } from './reauth.js';

/** An ack's reason code other than 0x00 and its Reason String, kept by packet id until the publish's callback reads it. */
interface AckReason {
  code: number;
  reasonString: string | undefined;
}

/** What one connection knows beyond MQTT.js: the broker's limits, its window, acks' reasons, the broker's DISCONNECT. */
export interface Connection {
  client: MqttClient;
  capabilities: BrokerCapabilities | undefined;
  window: SendWindow<HeldPublish>;
  ackReasons: Map<number, AckReason>;
  serverDisconnect: ServerDisconnect | undefined;
  /** Topic aliases (MQTT 5), once the CONNACK gave the broker's maximum. */
  aliases: TopicAliases | undefined;
  /** The Authentication Method its CONNECT named (MQTT 5 `auth: method`); undefined: the password. */
  authMethod: string | undefined;
  /** Its re-authentication, if one waits for an answer (reauth.ts). */
  reauth: ReauthExchange;
}

/** A connection's state beside its MQTT.js client, before its CONNACK. */
export function newConnection(client: MqttClient, authMethod: string | undefined): Connection {
  return {
    client,
    capabilities: undefined,
    window: new SendWindow(),
    ackReasons: new Map(),
    serverDisconnect: undefined,
    aliases: undefined,
    authMethod,
    reauth: new ReauthExchange(),
  };
}

/** Acks with a reason code, kept for the publish's callback; a server's DISCONNECT, kept for the loss; an AUTH, for a re-authentication. */
export function onPacket(connection: Connection, packet: Packet): void {
  if (packet.cmd === 'puback' || packet.cmd === 'pubrec' || packet.cmd === 'pubcomp') {
    const code = packet.reasonCode ?? 0;
    if (code === 0 || packet.messageId === undefined) return;
    // A PUBREC's 0x10 is told when its PUBCOMP (reason 0) settles the publish.
    if (packet.cmd === 'pubcomp' && !isFailure(code) && connection.ackReasons.has(packet.messageId)) return;
    connection.ackReasons.set(packet.messageId, { code, reasonString: packet.properties?.reasonString });
  } else if (packet.cmd === 'disconnect') {
    const reasonString = packet.properties?.reasonString;
    connection.serverDisconnect = { reason: disconnectReason(packet.reasonCode ?? 0), ...(reasonString === undefined ? {} : { reasonString }) };
  } else if (packet.cmd === 'auth') receiveAuth(connection, packet);
}

/** [MQTT-3.1.2-24]: sized only when the broker set a Maximum Packet Size. */
export function fitsPacket(capabilities: BrokerCapabilities | undefined, topic: string, payload: string, qos: 0 | 1 | 2, retain: boolean): boolean {
  if (capabilities?.maximumPacketSize == null) return true;
  const packet = { cmd: 'publish', topic, payload, qos, retain, dup: false, ...(qos > 0 ? { messageId: 1 } : {}), properties: {} } as const;
  return fits(capabilities, packetBytes(packet, 5));
}

/** A QoS 1/2 publish that holds a place in its connection's window; the place is freed by its outcome. */
export function sendInWindow(
  connection: Connection,
  topic: string,
  payload: string,
  qos: 1 | 2,
  retain: boolean,
  ticket: number,
  outcomes: PublishOutcomes,
  extras?: PublishExtras,
): void {
  const { client } = connection;
  if (!fitsPacket(connection.capabilities, topic, payload, qos, retain)) {
    outcomes.refused(ticket, 'limit.packet-too-large');
    return release(connection);
  }
  const sent = sendAs(connection, topic, extras);
  client.publish(sent.topic, payload, { qos, retain, ...(sent.properties === undefined ? {} : { properties: sent.properties }) }, (error, packet) => {
    const id = (packet as { messageId?: number } | undefined)?.messageId;
    const reason = id === undefined ? undefined : connection.ackReasons.get(id);
    if (id !== undefined) connection.ackReasons.delete(id);
    // MQTT.js's ErrorWithReasonCode carries the ack's reason code.
    const code: unknown = error instanceof Error && 'code' in error ? error.code : undefined;
    if (error && typeof code === 'number' && isFailure(code)) outcomes.refused(ticket, refusedReason(code), reason?.reasonString);
    else if (error) outcomes.failed(ticket, error);
    else outcomes.published(ticket, reason?.code === NO_MATCHING_SUBSCRIBERS);
    release(connection);
  });
}

/** An outcome freed a place: the publish that waited longest goes now, or fails if its connection is gone. */
function release(connection: Connection): void {
  const next = connection.window.release();
  if (next === undefined) return;
  if (connection.client.connected && !connection.client.disconnecting)
    sendInWindow(connection, next.topic, next.payload, next.qos, next.retain, next.ticket, next.outcomes, next.extras);
  else next.outcomes.failed(next.ticket, new Error('Connection closed'));
}

/**
 * The topic and properties a publish goes out with: its MQTT 5 properties, and a topic alias when
 * asked and the broker allows. Aliased at send time, so the alias is registered in sending order.
 * MQTT.js registers an alias sent with its topic and resolves one sent with an empty topic
 * (client.ts _applyTopicAlias); its own assignment is not used (topic-aliases.ts says why).
 */
export function sendAs(connection: Connection, topic: string, extras: PublishExtras | undefined): { topic: string; properties?: PublishExtras['properties'] } {
  if (extras === undefined) return { topic };
  if (!extras.topicAlias || connection.aliases === undefined) return { topic, properties: extras.properties };
  const aliased = connection.aliases.use(topic);
  if (aliased.alias === 0) return { topic, properties: extras.properties };
  return { topic: aliased.topic, properties: { ...extras.properties, topicAlias: aliased.alias } };
}

/** A connection's end fails what still waited for a place, as MQTT.js fails what was in flight. */
export function failHeld(connection: Connection): void {
  const closed = new Error('Connection closed');
  for (const held of connection.window.takeHeld()) held.outcomes.failed(held.ticket, closed);
}
