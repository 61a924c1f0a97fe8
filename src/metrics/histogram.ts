/**
 * The one hdr-histogram-js setup (as autocannon's lib/histUtil.js): microseconds, 3 significant
 * digits, 1 µs to 1 hour. Every latency in the harness goes through here, so every histogram can
 * be added to every other one.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

export type { Histogram };

/** 1 hour in microseconds: anything slower is clamped, never dropped. */
export const HIGHEST_TRACKABLE_US = 3_600_000_000;

export function createHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
    useWebAssembly: false,
  });
}

/** Records one value, clamping into the trackable range so a wild value is counted, not lost. */
export function recordUs(histogram: Histogram, valueUs: number, count = 1): void {
  const v = Math.round(valueUs);
  histogram.recordValueWithCount(v < 1 ? 1 : v > HIGHEST_TRACKABLE_US ? HIGHEST_TRACKABLE_US : v, count);
}

/** HdrHistogram's compressed V2 encoding, base64: what crosses threads and lands in reports. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  const decoded = decodeFromCompressedBase64(encoded, 32, false);
  // Decoded histograms take the size of their data; copy into the standard setup so that
  // later adds of larger values never overflow.
  const histogram = createHistogram();
  histogram.add(decoded);
  decoded.destroy();
  return histogram;
}

/**
 * Adds an encoded histogram into each of `into`, decoding it once. The decoded histogram keeps
 * the size of its data and is only read from (its buckets mean the same values as the standard
 * setup's, which is only longer), so no full-size copy is made: the coordinator does this for
 * every histogram of every worker's snapshot, once a second.
 */
export function addEncoded(into: readonly Histogram[], encoded: string): void {
  const decoded = decodeFromCompressedBase64(encoded, 32, false);
  for (const histogram of into) histogram.add(decoded);
  decoded.destroy();
}

export interface HistogramSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export function summarizeHistogram(histogram: Histogram): HistogramSummary {
  if (histogram.totalCount === 0) {
    return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  }
  return {
    count: histogram.totalCount,
    min: histogram.minNonZeroValue,
    mean: Math.round(histogram.mean * 10) / 10,
    p50: histogram.getValueAtPercentile(50),
    p90: histogram.getValueAtPercentile(90),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
    max: histogram.maxValue,
  };
}
