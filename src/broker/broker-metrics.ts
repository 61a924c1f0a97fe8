/** The embedded broker's own side of the cost: verify times per algorithm, auth outcomes, traffic. */
import { Recorder } from '../metrics/recorder.js';
import { MetricsTotals, type MetricsSnapshot } from '../metrics/snapshot.js';

export const BROKER_METRIC = {
  /** Histogram per algorithm, µs: `verifyUs.ES256`. */
  verifyUsPrefix: 'verifyUs.',
  authAccepted: 'auth.accepted',
  /** Counter per reason: `auth.rejected.expired`. */
  authRejectedPrefix: 'auth.rejected.',
  /** TCP connections accepted by any listener, whether they log in or not. */
  sockets: 'sockets',
  /** Sessions that completed CONNECT/CONNACK. */
  connections: 'connections',
  disconnections: 'disconnections',
  /** A CONNECT whose client id was already connected: the old session is closed [MQTT-3.1.4-2]. */
  takeovers: 'takeovers',
  /** Sessions closed because their token expired (after the skew). */
  expiryDisconnects: 'expiry.disconnected',
  /** AUTH 0x19 answered AUTH 0x00: the session's expiry moved to the new token's. */
  reauthAccepted: 'reauth.accepted',
  /** AUTH 0x19 refused (DISCONNECT 0x87 or 0x82), by reason: `reauth.refused.expired`. */
  reauthRefusedPrefix: 'reauth.refused.',
  messagesIn: 'messagesIn',
  messagesOut: 'messagesOut',
  payloadBytesIn: 'payloadBytesIn',
  payloadBytesOut: 'payloadBytesOut',
  /** Socket bytes, TCP level. */
  bytesIn: 'bytesIn',
  bytesOut: 'bytesOut',
  downlinksPublished: 'downlinks.published',
  /** `acl.denied.publish`, `acl.denied.subscribe`, `acl.denied.qos`. */
  aclDeniedPrefix: 'acl.denied.',
  /** `guard.too-large`, `guard.malformed`, `guard.connect-timeout`, `guard.inflight-inbound`. */
  guardPrefix: 'guard.',
  /** Errors of sessions and of sockets that never logged in, by kind. */
  clientErrors: 'clientErrors',
  connectionErrors: 'connectionErrors',
} as const;

export class BrokerMetrics {
  readonly recorder = new Recorder();
  readonly #totals = new MetricsTotals();
  /** Called before each snapshot, to add what is read rather than counted (socket bytes). */
  readonly #beforeSnapshot: (recorder: Recorder) => void;

  constructor(beforeSnapshot: (recorder: Recorder) => void = () => {}) {
    this.#beforeSnapshot = beforeSnapshot;
  }

  /** Everything recorded so far, as one cumulative snapshot. */
  snapshot(): MetricsSnapshot {
    this.#beforeSnapshot(this.recorder);
    this.#totals.add(this.recorder.takeInterval());
    return this.#totals.toSnapshot();
  }
}
