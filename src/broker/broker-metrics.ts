/** The embedded broker's own side of the cost: verify times per algorithm, auth outcomes, traffic. */
import { Recorder } from '../metrics/recorder.js';
import { MetricsTotals, type MetricsSnapshot } from '../metrics/snapshot.js';

export const BROKER_METRIC = {
  verifyUsPrefix: 'verifyUs.',
  authAccepted: 'auth.accepted',
  authRejectedPrefix: 'auth.rejected.',
  connections: 'connections',
  disconnections: 'disconnections',
  messagesIn: 'messagesIn',
  bytesIn: 'bytesIn',
  aclDeniedPrefix: 'acl.denied.',
} as const;

export class BrokerMetrics {
  readonly recorder = new Recorder();
  readonly #totals = new MetricsTotals();

  /** Everything recorded so far, as one cumulative snapshot. */
  snapshot(): MetricsSnapshot {
    this.#totals.add(this.recorder.takeInterval());
    return this.#totals.toSnapshot();
  }
}
