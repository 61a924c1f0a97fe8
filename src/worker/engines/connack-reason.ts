/** CONNACK return codes as the reasons both engines count (no MQTT.js here: the lean engine uses it too). */

/** CONNACK codes by name: MQTT 3.1.1 §3.2.2.3 and MQTT 5 §3.2.2.2. */
const CONNACK_V3: Record<number, string> = {
  1: 'unacceptable-protocol',
  2: 'identifier-rejected',
  3: 'server-unavailable',
  4: 'bad-username-or-password',
  5: 'not-authorized',
};
const CONNACK_V5: Record<number, string> = {
  128: 'unspecified-error',
  129: 'malformed-packet',
  130: 'protocol-error',
  132: 'unsupported-protocol-version',
  133: 'client-identifier-not-valid',
  134: 'bad-username-or-password',
  135: 'not-authorized',
  136: 'server-unavailable',
  137: 'server-busy',
  138: 'banned',
  140: 'bad-authentication-method',
  149: 'packet-too-large',
  151: 'quota-exceeded',
};

export function connackReason(code: number, protocolVersion: 4 | 5): string {
  return (protocolVersion === 5 ? CONNACK_V5[code] : CONNACK_V3[code]) ?? `connack-${code}`;
}
