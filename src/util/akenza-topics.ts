/**
 * The topics of the akenza contract, and which of them a device may use: it publishes only to
 * its uplink topic (and below), and subscribes only to its downlink topic (and below). Pure, so
 * the embedded broker enforces the rule (broker/acl.ts) and `validate` foresees it
 * (scenario/embedded-acl.ts) from the one definition.
 */

export function uplinkTopic(deviceId: string): string {
  return `/up/device/id/${deviceId}`;
}

export function downlinkTopic(deviceId: string): string {
  return `/down/device/id/${deviceId}`;
}

export function uplinkAllowed(deviceId: string, topic: string): boolean {
  return isAtOrBelow(topic, uplinkTopic(deviceId));
}

/** A filter with wildcards is allowed only when it stays below the device's own root. */
export function downlinkAllowed(deviceId: string, filter: string): boolean {
  return isAtOrBelow(filter, downlinkTopic(deviceId));
}

function isAtOrBelow(topic: string, root: string): boolean {
  return topic === root || topic.startsWith(`${root}/`);
}
