/**
 * The names of what a worker records, in one place: counters and histograms (METRIC), and the
 * counted failures, `connectFailed.<reason>` and `errors.<kind>`. The report splits counters by
 * these prefixes into its `connectFailures` and `errors` sections (report/model/run-result.ts).
 */

/** Histogram and counter names a worker records, per group. */
export const METRIC = {
  signUs: 'signUs',
  connectUs: 'connectUs',
  /** When a device's CONNACK came, from its connect stage's start: max is when its group was all in. */
  connectDoneUs: 'connectDoneUs',
  /** Sums of the CONNECT packets sent and CONNACKs received in connect stages, as on the wire. */
  connectBytes: 'connectBytes',
  connackBytes: 'connackBytes',
  publishAckUs: 'publishAckUs',
  publishAckUncorrectedUs: 'publishAckUncorrectedUs',
  sendLagUs: 'sendLagUs',
  /** Downtime of a token-refresh reconnect: DISCONNECT sent until the new CONNACK. */
  refreshUs: 'refreshUs',
  refreshes: 'refreshes',
  /** MQTT 5 re-authentication: AUTH 0x19 sent until the broker's AUTH 0x00. */
  reauthUs: 'reauthUs',
  /** Re-authentications the broker accepted (AUTH 0x00); refusals are `errors.reauth-refused.<reason>`. */
  reauths: 'reauths',
  /**
   * Devices configured for `reauth` that fell back to reconnecting (the broker refused the
   * Authentication Method or did not take AUTH); why, by name, in `reauthFallback.<reason>`.
   */
  reauthFallbacks: 'reauthFallbacks',
  /** MQTT bytes on the wire of token refreshes, both ways: AUTH and its answer, or DISCONNECT, CONNECT and CONNACK. */
  refreshBytes: 'refreshBytes',
  /** Downtime of a device that came back: after a reconnect storm dropped it, or after a lost connection (the drop or loss until the new CONNACK). */
  reconnectUs: 'reconnectUs',
  /** Connections a reconnect storm dropped. */
  dropped: 'dropped',
  /** Devices back after a storm drop or a lost connection. */
  reconnects: 'reconnects',
  /** CONNECTs sent to come back after a lost connection (not token refreshes). */
  reconnectAttempts: 'reconnectAttempts',
  /** Devices that used up their reconnect attempts and stayed down. */
  reconnectGaveUp: 'reconnectGaveUp',
  eventLoopDelayUs: 'eventLoopDelayUs',
  /** Planned actions a worker fired in a stage (connects, disconnects, comebacks, messages). */
  actionsFired: 'actionsFired',
  /** How late against its plan a worker's last action of a stage went out: one sample per worker and stage. */
  lastActionLateUs: 'lastActionLateUs',
  /** Payload timestamp to arrival at a subscriber: uplink (device → backend) or downlink. */
  uplinkUs: 'uplinkUs',
  downlinkUs: 'downlinkUs',
  devices: 'devices',
  tokensSigned: 'tokensSigned',
  /** Bytes of the tokens pre-signed before the first stage, one per device (÷ devices: bytes per token). */
  presignedTokenBytes: 'presignedTokenBytes',
  keysGenerated: 'keysGenerated',
  connectAttempts: 'connectAttempts',
  connected: 'connected',
  connectFailed: 'connectFailed',
  published: 'published',
  acked: 'acked',
  disconnected: 'disconnected',
  subscribed: 'subscribed',
  /** Filters subscribed again on a device's new connection (after a refresh, a lost connection or a storm). */
  resubscribed: 'resubscribed',
  received: 'received',
  /** Will messages received by `measure: wills` subscribers, and the wills a `drop` stage made the broker owe. */
  willsReceived: 'willsReceived',
  willsExpected: 'willsExpected',
  /** Messages received on a reconnect that found its session kept (Session Present): the queue drained. */
  queuedReceived: 'queuedReceived',
  /** From the CONNACK with Session Present to the last message the kept session delivered. */
  sessionDrainUs: 'sessionDrainUs',
  /** Received messages whose payload had no usable timestamp, so gave no latency. */
  receivedWithoutTimestamp: 'receivedWithoutTimestamp',
  /** Received messages timed as sent after they arrived: the sender's clock was ahead (see clock-probe.ts). */
  negativeLatency: 'negativeLatency',
  missedSlots: 'missedSlots',
  /** Publishes acknowledged with 0x10 No matching subscribers (MQTT 5): in `acked` too. */
  ackedNoSubscribers: 'ackedNoSubscribers',
  /**
   * Publishes refused, never acked: by a PUBACK, PUBREC or PUBCOMP reason code of 0x80 or more, or
   * unsent by the broker's limits; by name in `errors.refused.<name>` and `errors.limit.<name>`.
   */
  refused: 'refused',
  /** Planned publishes that waited for a place in the broker's Receive Maximum window (MQTT 5). */
  heldByReceiveMaximum: 'heldByReceiveMaximum',
  /** Publishes sent at the broker's Maximum QoS, below their stage's (`mqtt.qosAboveMaximum: downgrade`). */
  qosDowngraded: 'qosDowngraded',
  /** Acks that came after their stage stopped waiting (already counted as errors.ack-timeout). */
  ackedLate: 'ackedLate',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

export const CONNECT_FAILED_PREFIX = 'connectFailed.';
export const ERRORS_PREFIX = 'errors.';

/** The kinds of error the worker names itself (a session's own reasons come through sessionErrorCounter). */
export type WorkerErrorReason =
  | 'not-connected'
  | 'ack-timeout'
  | 'lost-in-flight'
  | 'publish-failed'
  | `refresh-failed.${string}`
  | `reauth-refused.${string}`
  | `reconnect-failed.${string}`
  | `reconnect-gave-up.${string}`
  | `resubscribe-failed.${string}`;

export type ErrorCounter = `${typeof ERRORS_PREFIX}${string}`;

export function errorCounter(reason: WorkerErrorReason): ErrorCounter {
  return `${ERRORS_PREFIX}${reason}`;
}

/**
 * An error a session reported in its own words (a lost connection, a refused subscription): the
 * engines name these (worker/engines/session-api.ts), and they are counted as they come.
 */
export function sessionErrorCounter(reason: string): ErrorCounter {
  return `${ERRORS_PREFIX}${reason}`;
}

/** A refused or failed CONNECT, by reason: the CONNACK code's name or the socket error code. */
export function connectFailedCounter(reason: string): `${typeof CONNECT_FAILED_PREFIX}${string}` {
  return `${CONNECT_FAILED_PREFIX}${reason}`;
}

/** A refused publish by name: `errors.refused.not-authorized`, `errors.limit.packet-too-large`. */
export function refusalCounter(reason: string): ErrorCounter {
  return `${ERRORS_PREFIX}${reason}`;
}

/** A server's DISCONNECT by name (`disconnected.server-busy`): a plain counter beside errors.connection-lost, which counts the loss. */
export function serverDisconnectCounter(reason: string): string {
  return reason;
}

export function isErrorCounter(name: string): name is ErrorCounter {
  return name.startsWith(ERRORS_PREFIX);
}

/** Why a device configured for `reauth` refreshes by reconnecting (`reauthFallback.bad-authentication-method`): a plain counter beside `reauthFallbacks`. */
export function reauthFallbackCounter(reason: string): string {
  return `reauthFallback.${reason}`;
}
