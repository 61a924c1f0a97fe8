/**
 * Scheduled downlinks: every interval, one message to each connected device's downlink topic,
 * carrying the broker's send time so a device can measure downlink latency (same clock on one
 * machine). Payload: {"ts": <epoch ms>, "seq": <n>}.
 */
import type { Aedes } from 'aedes';
import { downlinkTopic } from './acl.js';
import type { DownlinkOptions } from './broker-options.js';
import { BROKER_METRIC } from './broker-metrics.js';

export function startDownlinks(
  aedes: Aedes,
  clientIds: () => string[],
  options: DownlinkOptions,
  nowMs: () => number,
  count: (name: string, n?: number) => void,
): { stop(): void } {
  let seq = 0;
  const timer = setInterval(() => {
    seq++;
    for (const clientId of clientIds()) {
      const payload = Buffer.from(JSON.stringify({ ts: nowMs(), seq }));
      aedes.publish({ cmd: 'publish', topic: downlinkTopic(clientId), payload, qos: options.qos, retain: false, dup: false }, () => {});
      count(BROKER_METRIC.downlinksPublished);
    }
  }, options.intervalMs);
  return { stop: () => clearInterval(timer) };
}
