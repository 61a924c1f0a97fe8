/**
 * Lines timelines up on wall-clock seconds: a point at second s of a run that started at T
 * covers the wall-clock second floor(T/1000) + s. Counts add; gauges (connected, in flight) add
 * across shards; per-second percentiles come from the added per-second histograms, so they are
 * exact, not averages of percentiles.
 */
import { createHistogram, decodeHistogram, encodeHistogram, type Histogram } from '../../metrics/histogram.js';
import { emptyTimelinePoint, type TimelinePoint } from '../model/run-result.js';

export interface TimelineInput {
  startedAt: string;
  timeline: readonly TimelinePoint[];
}

export function mergeTimelines(inputs: readonly TimelineInput[], mergedStartMs: number): TimelinePoint[] {
  const baseSec = Math.floor(mergedStartMs / 1000);
  const points = new Map<number, { point: TimelinePoint; histogram: Histogram | undefined }>();
  for (const input of inputs) {
    const offsetSec = Math.floor(Date.parse(input.startedAt) / 1000) - baseSec;
    for (const p of input.timeline) {
      const second = p.second + offsetSec;
      let entry = points.get(second);
      if (entry === undefined) {
        entry = {
          point: emptyTimelinePoint(second),
          histogram: undefined,
        };
        points.set(second, entry);
      }
      const q = entry.point;
      q.connects += p.connects;
      q.connectFailures += p.connectFailures;
      q.published += p.published;
      q.acked += p.acked;
      q.errors += p.errors;
      q.connected += p.connected;
      q.inFlight += p.inFlight;
      for (const field of ['lost', 'reconnects', 'refreshes'] as const) if (p[field] !== undefined) q[field] = (q[field] ?? 0) + p[field];
      if (p.publishAckEncoded !== undefined) {
        entry.histogram ??= createHistogram();
        entry.histogram.add(decodeHistogram(p.publishAckEncoded));
      }
    }
  }
  return [...points.values()]
    .sort((a, b) => a.point.second - b.point.second)
    .map(({ point, histogram }) => {
      if (histogram === undefined || histogram.totalCount === 0) return point;
      return {
        ...point,
        publishAckP50Us: histogram.getValueAtPercentile(50),
        publishAckP99Us: histogram.getValueAtPercentile(99),
        publishAckEncoded: encodeHistogram(histogram),
      };
    });
}
