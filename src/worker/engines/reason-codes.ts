/**
 * MQTT reason codes by name, one table for both engines (no MQTT.js here: the lean engine uses it
 * too). MQTT 5 §2.4, Table 2-6 (every code and the packets that may carry it); MQTT 3.1.1's
 * CONNACK return codes (§3.2.2.3) and its one SUBACK failure code 0x80 (§3.9.3).
 *
 * Names are the spec's words in kebab case. A report counts them under the packet's family:
 * `refused.<name>` for a PUBACK, PUBREC or PUBCOMP at 0x80 or above, `suback.<name>`,
 * `unsuback.<name>`, `disconnected.<name>` for a server's DISCONNECT, and the CONNACK's under
 * `connectFailures.<name>` (docs/mqtt5.md).
 */

/** MQTT 5 §2.4 Table 2-6; 0x00 is Success, Normal disconnection or Granted QoS 0 by packet. */
const V5: Readonly<Record<number, string>> = {
  0x00: 'success',
  0x01: 'granted-qos-1',
  0x02: 'granted-qos-2',
  0x04: 'disconnect-with-will-message',
  0x10: 'no-matching-subscribers',
  0x11: 'no-subscription-existed',
  0x18: 'continue-authentication',
  0x19: 're-authenticate',
  0x80: 'unspecified-error',
  0x81: 'malformed-packet',
  0x82: 'protocol-error',
  0x83: 'implementation-specific-error',
  0x84: 'unsupported-protocol-version',
  0x85: 'client-identifier-not-valid',
  0x86: 'bad-username-or-password',
  0x87: 'not-authorized',
  0x88: 'server-unavailable',
  0x89: 'server-busy',
  0x8a: 'banned',
  0x8b: 'server-shutting-down',
  0x8c: 'bad-authentication-method',
  0x8d: 'keep-alive-timeout',
  0x8e: 'session-taken-over',
  0x8f: 'topic-filter-invalid',
  0x90: 'topic-name-invalid',
  0x91: 'packet-identifier-in-use',
  0x92: 'packet-identifier-not-found',
  0x93: 'receive-maximum-exceeded',
  0x94: 'topic-alias-invalid',
  0x95: 'packet-too-large',
  0x96: 'message-rate-too-high',
  0x97: 'quota-exceeded',
  0x98: 'administrative-action',
  0x99: 'payload-format-invalid',
  0x9a: 'retain-not-supported',
  0x9b: 'qos-not-supported',
  0x9c: 'use-another-server',
  0x9d: 'server-moved',
  0x9e: 'shared-subscriptions-not-supported',
  0x9f: 'connection-rate-exceeded',
  0xa0: 'maximum-connect-time',
  0xa1: 'subscription-identifiers-not-supported',
  0xa2: 'wildcard-subscriptions-not-supported',
};

/** MQTT 3.1.1 §3.2.2.3 CONNACK return codes. */
const CONNACK_V3: Readonly<Record<number, string>> = {
  0x00: 'connection-accepted',
  0x01: 'unacceptable-protocol',
  0x02: 'identifier-rejected',
  0x03: 'server-unavailable',
  0x04: 'bad-username-or-password',
  0x05: 'not-authorized',
};

/** 0x10 on a PUBACK or PUBREC: accepted, though nobody subscribes (MQTT 5 §3.4.2.1). */
export const NO_MATCHING_SUBSCRIBERS = 0x10;

/** A reason code of 0x80 or more is a failure (MQTT 5 §2.4); so is 3.1.1's SUBACK 0x80 (§3.9.3). */
export function isFailure(code: number): boolean {
  return code >= 0x80;
}

/** The name of an MQTT 5 reason code; one outside the table keeps its number (`code-<n>`). */
export function reasonName(code: number): string {
  return V5[code] ?? `code-${code}`;
}

/** A CONNACK's return (3.1.1) or reason (5) code as connect failures count it. */
export function connackReason(code: number, protocolVersion: 4 | 5): string {
  return (protocolVersion === 5 ? V5[code] : CONNACK_V3[code]) ?? `connack-${code}`;
}

/** A SUBACK's failure as counted: `suback.not-authorized`; 3.1.1 has one failure code, 0x80 (§3.9.3). */
export function subackReason(code: number, protocolVersion: 4 | 5): `suback.${string}` {
  return `suback.${protocolVersion === 5 ? reasonName(code) : 'failure'}`;
}

/** A refused PUBACK, PUBREC or PUBCOMP as counted: `refused.quota-exceeded`. */
export function refusedReason(code: number): `refused.${string}` {
  return `refused.${reasonName(code)}`;
}

/** A server's DISCONNECT as counted: `disconnected.server-busy` (MQTT 5 §3.14.2.1). */
export function disconnectReason(code: number): `disconnected.${string}` {
  return `disconnected.${reasonName(code)}`;
}
