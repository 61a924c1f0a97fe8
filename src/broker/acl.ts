/**
 * Topic rules of the akenza contract: a device publishes only to its uplink topic (and below),
 * and subscribes only to its downlink topic (and below). Refusals are counted.
 */
import type { Client, PublishPacket, Subscription } from 'aedes';
import { BROKER_METRIC, type BrokerMetrics } from './broker-metrics.js';

export function uplinkAllowed(deviceId: string, topic: string): boolean {
  return isAtOrBelow(topic, `/up/device/id/${deviceId}`);
}

export function downlinkAllowed(deviceId: string, filter: string): boolean {
  return isAtOrBelow(filter, `/down/device/id/${deviceId}`);
}

function isAtOrBelow(topic: string, root: string): boolean {
  return topic === root || topic.startsWith(`${root}/`);
}

export function createAuthorizePublish(metrics: BrokerMetrics) {
  return (client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void): void => {
    // client is null for messages the broker publishes itself (downlinks).
    if (client === null || uplinkAllowed(client.id, packet.topic)) return callback(null);
    metrics.recorder.count(`${BROKER_METRIC.aclDeniedPrefix}publish`);
    // MQTT 3.1.1 has no way to refuse a PUBLISH but to close the connection [MQTT-3.3.5-2].
    callback(new Error(`publish to ${packet.topic} not allowed for ${client.id}`));
  };
}

export function createAuthorizeSubscribe(metrics: BrokerMetrics) {
  return (client: Client, subscription: Subscription, callback: (error: Error | null, subscription?: Subscription | null) => void): void => {
    if (downlinkAllowed(client.id, subscription.topic)) return callback(null, subscription);
    metrics.recorder.count(`${BROKER_METRIC.aclDeniedPrefix}subscribe`);
    // A null subscription makes Aedes answer SUBACK 0x80 (failure) for this filter [MQTT-3.9.3].
    callback(null, null);
  };
}
