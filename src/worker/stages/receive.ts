/**
 * What a subscribing device does with each message it receives: count it and, when the payload
 * carries its send time, record how long it took to arrive. Pure, so it is tested without sockets.
 */
import type { Recorder } from '../../metrics/recorder.js';
import { topicMatches } from '../../util/topic-filter.js';
import { METRIC } from '../../metrics/metric-names.js';

export interface Subscription {
  /** The filter topics are matched with: a shared subscription's without `$share/<group>/` (topic-filter.ts). */
  filter: string;
  /** wills: the messages are will messages, counted (wills.received) and not timed. */
  measure: 'uplink' | 'downlink' | 'wills';
  timestampField: string;
}

/**
 * The send time in a JSON payload's top-level `field`, as epoch milliseconds (the `{timestamp}`
 * of a payload template), or undefined when the payload is not JSON or has no such number.
 */
export function payloadTimestampMs(payload: Buffer, field: string): number | undefined {
  let data: unknown;
  try {
    data = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const value = (data as Record<string, unknown>)[field];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * Records one received message. The latency goes to the histogram of the first subscription
 * whose filter matches the topic. Sender and receiver time it on one clock: the process's, or
 * across shards the run's reference clock (clock-probe.ts), so the figure is exact to the
 * payload's millisecond resolution (a negative difference is recorded as 1 µs).
 */
export function recordReceived(recorder: Recorder, subscriptions: readonly Subscription[], topic: string, payload: Buffer, receivedMs: number): void {
  recorder.count(METRIC.received);
  const subscription = subscriptions.find((s) => topicMatches(s.filter, topic));
  if (subscription === undefined) return;
  if (subscription.measure === 'wills') {
    recorder.count(METRIC.willsReceived);
    return;
  }
  const sentMs = payloadTimestampMs(payload, subscription.timestampField);
  if (sentMs === undefined) {
    recorder.count(METRIC.receivedWithoutTimestamp);
    return;
  }
  const latencyMs = receivedMs - sentMs;
  // Below the payload's millisecond resolution a negative difference is rounding; beyond it, the
  // sender's clock was ahead of the receiver's (shards whose offset is unknown or uncorrected).
  if (latencyMs < -1) recorder.count(METRIC.negativeLatency);
  recorder.record(subscription.measure === 'uplink' ? METRIC.uplinkUs : METRIC.downlinkUs, latencyMs * 1000);
}
