/** What an MQTT 5 broker announced (its CONNACK's capabilities, per URL) and the Reason Strings it gave, as text for the console and HTML. */
import type { BrokerSection } from '../model/run-result.js';

type Capabilities = NonNullable<BrokerSection['capabilities']>[string];

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/** Label and value of each capability, in the order of MQTT 5 §3.2.2.3. */
export function capabilityRows(c: Capabilities): [string, string][] {
  return [
    ['Receive Maximum', String(c.receiveMaximum)],
    ['Maximum QoS', String(c.maximumQos)],
    ['Retain Available', yesNo(c.retainAvailable)],
    ['Maximum Packet Size', c.maximumPacketSize === null ? 'no limit' : `${c.maximumPacketSize} B`],
    ['Topic Alias Maximum', String(c.topicAliasMaximum)],
    ['Wildcard subscriptions', yesNo(c.wildcardSubscriptionAvailable)],
    ['Shared subscriptions', yesNo(c.sharedSubscriptionAvailable)],
    ['Subscription identifiers', yesNo(c.subscriptionIdentifiersAvailable)],
    ['Server Keep Alive', c.serverKeepAliveSec === null ? 'not set' : `${c.serverKeepAliveSec} s`],
    ['Assigned client id', c.assignedClientId ?? 'none'],
  ];
}

export function capabilityLines(broker: BrokerSection): string[] {
  const lines = Object.entries(broker.capabilities ?? {}).map(
    ([url, c]) =>
      `broker announced (${url}): ${capabilityRows(c)
        .map(([label, value]) => `${label} ${value}`)
        .join(' · ')}`,
  );
  for (const [reason, texts] of Object.entries(broker.reasonStrings ?? {}))
    lines.push(`reason strings, ${reason}: ${texts.map((t) => JSON.stringify(t)).join(', ')}`);
  return lines;
}

/** The smallest Receive Maximum any broker URL announced, or undefined (MQTT 3.1.1, or no CONNACK). */
export function receiveMaximumOf(broker: BrokerSection): number | undefined {
  const values = Object.values(broker.capabilities ?? {}).map((c) => c.receiveMaximum);
  return values.length === 0 ? undefined : Math.min(...values);
}
