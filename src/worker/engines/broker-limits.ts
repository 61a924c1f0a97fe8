/**
 * What an MQTT 5 broker announces in its CONNACK (MQTT 5 §3.2.2.3) and the checks a publish
 * passes before it is sent, the same for both engines. An absent property has the spec's default.
 * MQTT 3.1.1 has no such properties: its sessions hold no capabilities and check nothing.
 */
import type { IConnackPacket } from 'mqtt-packet';
import type { PublishOutcomes } from './session-api.js';

export type ConnackProperties = NonNullable<IConnackPacket['properties']>;

/** The broker's capabilities as one connection saw them; recorded per broker target in the report. */
export interface BrokerCapabilities {
  /** §3.2.2.3.3: QoS 1 and 2 publishes it takes unacknowledged at once; absent: 65,535. */
  receiveMaximum: number;
  /** §3.2.2.3.4: absent: 2. */
  maximumQos: 0 | 1 | 2;
  /** §3.2.2.3.5: absent: true. */
  retainAvailable: boolean;
  /** §3.2.2.3.6: the largest packet it takes, in bytes; absent (null): no limit but the protocol's. */
  maximumPacketSize: number | null;
  /** §3.2.2.3.8: absent: 0, no topic aliases. */
  topicAliasMaximum: number;
  /** §3.2.2.3.11, §3.2.2.3.12, §3.2.2.3.13: absent: true. */
  wildcardSubscriptionAvailable: boolean;
  subscriptionIdentifiersAvailable: boolean;
  sharedSubscriptionAvailable: boolean;
  /** §3.2.2.3.14: the keepalive the client must use instead of its own; null: its own. */
  serverKeepAliveSec: number | null;
  /** §3.2.2.3.7: set when the client sent an empty client id. */
  assignedClientId: string | null;
}

export function capabilitiesOf(properties: ConnackProperties | undefined): BrokerCapabilities {
  const p = properties ?? {};
  const qos = p.maximumQoS;
  return {
    receiveMaximum: p.receiveMaximum ?? 65_535,
    maximumQos: qos === 0 || qos === 1 ? qos : 2,
    retainAvailable: p.retainAvailable ?? true,
    maximumPacketSize: p.maximumPacketSize ?? null,
    topicAliasMaximum: p.topicAliasMaximum ?? 0,
    wildcardSubscriptionAvailable: p.wildcardSubscriptionAvailable ?? true,
    subscriptionIdentifiersAvailable: p.subscriptionIdentifiersAvailable ?? true,
    sharedSubscriptionAvailable: p.sharedSubscriptionAvailable ?? true,
    serverKeepAliveSec: p.serverKeepAlive ?? null,
    assignedClientId: p.assignedClientIdentifier ?? null,
  };
}

/** A publish the broker's limits keep from being sent: counted as `errors.limit.<name>`, never acked. */
export type LimitRefusal = 'limit.packet-too-large' | 'limit.qos-not-supported' | 'limit.retain-not-supported';

/**
 * The QoS a publish goes out at, or why it may not go out: above Maximum QoS it is refused or
 * downgraded as the scenario chose (§3.2.2.3.4 [MQTT-3.2.2-11]); a retained message to a broker
 * without Retain Available is refused ([MQTT-3.2.2-14]). The packet's size is checked apart
 * (`fits`), once it is known.
 */
export function admitPublish(caps: BrokerCapabilities, qos: 0 | 1 | 2, retain: boolean, aboveMaximum: 'refuse' | 'downgrade'): 0 | 1 | 2 | LimitRefusal {
  if (retain && !caps.retainAvailable) return 'limit.retain-not-supported';
  if (qos <= caps.maximumQos) return qos;
  return aboveMaximum === 'downgrade' ? caps.maximumQos : 'limit.qos-not-supported';
}

/**
 * The QoS a publish goes out at under the broker's limits (its own when the broker announced
 * none), its downgrade told to `outcomes`; undefined when refused, the refusal told too.
 */
export function admitOrRefuse(
  caps: BrokerCapabilities | undefined,
  qos: 0 | 1 | 2,
  retain: boolean,
  aboveMaximum: 'refuse' | 'downgrade',
  ticket: number,
  outcomes: PublishOutcomes,
): 0 | 1 | 2 | undefined {
  if (caps === undefined) return qos;
  const admitted = admitPublish(caps, qos, retain, aboveMaximum);
  if (typeof admitted === 'string') {
    outcomes.refused(ticket, admitted);
    return undefined;
  }
  if (admitted < qos) outcomes.downgraded(ticket, admitted as 0 | 1);
  return admitted;
}

/** [MQTT-3.1.2-24]: the client must not send a packet larger than the broker's Maximum Packet Size. */
export function fits(caps: BrokerCapabilities | undefined, packetBytes: number): boolean {
  return caps?.maximumPacketSize == null || packetBytes <= caps.maximumPacketSize;
}
