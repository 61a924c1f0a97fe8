/**
 * Topic rules of the akenza contract: a device publishes only to its uplink topic (and below),
 * and subscribes only to its downlink topic (and below), publishing at no more than the allowed QoS.
 * Refusals are counted.
 */
import type { Client, PublishPacket, Subscription } from 'aedes';
import { BROKER_METRIC, type BrokerMetrics } from './broker-metrics.js';
import { remoteAddressOf, type AclAction, type OnDenial } from './denials.js';
import { downlinkAllowed, uplinkAllowed } from '../util/akenza-topics.js';

export type MaxQos = 1 | 2;

/** MQTT 5 DISCONNECT reason 0x9B, QoS not supported (§3.14.2.1). */
const QOS_NOT_SUPPORTED = 0x9b;

// The rule itself is pure and shared with `validate` (util/akenza-topics.ts).
export { downlinkAllowed, downlinkTopic, uplinkAllowed, uplinkTopic } from '../util/akenza-topics.js';

/** Marks the errors of ACL refusals, which Aedes 2 reports as client errors for MQTT 5. */
const ACL_DENIAL = Symbol('acl-denial');

function denial(message: string): Error {
  return Object.assign(new Error(message), { [ACL_DENIAL]: true });
}

export function isAclDenial(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ACL_DENIAL in error;
}

function deny(metrics: BrokerMetrics, onDenial: OnDenial | undefined, client: Client, action: AclAction, topic: string): void {
  metrics.recorder.count(`${BROKER_METRIC.aclDeniedPrefix}${action}`);
  onDenial?.({
    kind: 'acl-denied',
    clientId: client.id,
    remoteAddress: remoteAddressOf(client),
    action,
    topic,
    ...(client.version === 5 ? { mqtt5: true as const } : {}),
  });
}

export function createAuthorizePublish(metrics: BrokerMetrics, maxQos: MaxQos, onDenial?: OnDenial) {
  return (client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void): void => {
    // client is null for messages the broker publishes itself (downlinks).
    if (client === null) return callback(null);
    // MQTT 3.1.1 has no way to refuse a PUBLISH but to close the connection [MQTT-3.3.5-2];
    // Aedes closes it when this callback gets an error. For MQTT 5, Aedes 2 answers the error
    // with PUBACK/PUBREC 0x87 and keeps the session.
    if (packet.qos > maxQos) {
      deny(metrics, onDenial, client, 'qos', packet.topic);
      const error = denial(`QoS ${packet.qos} not allowed`);
      // MQTT 5: a QoS above the advertised Maximum QoS is DISCONNECT 0x9B [MQTT-3.2.2-11].
      if (client.version === 5) return client.disconnect({ reasonCode: QOS_NOT_SUPPORTED }, () => callback(error));
      return callback(error);
    }
    if (uplinkAllowed(client.id, packet.topic)) return callback(null);
    deny(metrics, onDenial, client, 'publish', packet.topic);
    callback(denial(`publish to ${packet.topic} not allowed for ${client.id}`));
  };
}

export function createAuthorizeSubscribe(metrics: BrokerMetrics, onDenial?: OnDenial) {
  return (client: Client, subscription: Subscription, callback: (error: Error | null, subscription?: Subscription | null) => void): void => {
    if (!downlinkAllowed(client.id, subscription.topic)) {
      deny(metrics, onDenial, client, 'subscribe', subscription.topic);
      // A null subscription makes Aedes answer SUBACK 0x80 (failure) for this filter [MQTT-3.9.3],
      // or 0x87 (Not authorized) to an MQTT 5 client (§3.9.3).
      return callback(null, null);
    }
    // The server may grant a lower QoS than asked for [MQTT-3.9.3-2], but Aedes 1.x takes the
    // granted QoS from the SUBSCRIBE before this hook runs. No harm: only the broker publishes
    // on downlink topics, at QoS 0 or 1, and delivery is at the lower of the two QoS.
    callback(null, subscription);
  };
}
