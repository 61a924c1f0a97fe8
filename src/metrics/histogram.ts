/**
 * The one hdr-histogram-js setup (as autocannon's lib/histUtil.js): microseconds, 3 significant
 * digits, 1 µs to 1 hour. Every latency in the harness goes through here, so every histogram can
 * be added to every other one.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, JsHistogram, type Histogram } from 'hdr-histogram-js';

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
 * Adds an encoded histogram into `into`. An encoding of the standard setup decodes to the
 * standard setup (the encoding carries its range), and the decoded histogram is only read from,
 * so it is added as it is: no second full-size copy.
 */
export function addEncoded(into: Histogram, encoded: string): void {
  const decoded = decodeFromCompressedBase64(encoded, 32, false);
  into.add(decoded);
  decoded.destroy();
}

/**
 * A histogram's recorded buckets as [index, count, index, count, …] in the standard setup's
 * counts array (createHistogram): what a worker thread hands the coordinator each second. Both
 * ends share the setup, so nothing is compressed or encoded on the way. Code that runs once a
 * second never gets optimised, and measured so (100 calls each in a fresh process, 1,000 values
 * per histogram), the compressed base64 encoding cost 290–400 µs to encode and 660–900 µs to
 * decode and add, bucket counts 120–170 and 120–155 µs.
 */
export type BucketCounts = Float64Array;

function jsHistogram(histogram: Histogram): JsHistogram {
  if (!(histogram instanceof JsHistogram)) throw new Error('bucket counts need the JavaScript histogram (createHistogram)');
  return histogram;
}

/** The buckets `histogram` recorded something in, from its lowest to its highest; none for an empty one. */
export function bucketCounts(histogram: Histogram): BucketCounts {
  const h = jsHistogram(histogram);
  const pairs: number[] = [];
  if (h.totalCount > 0) {
    const last = h.countsArrayIndex(h.maxValue);
    for (let i = 0; i <= last; i++) {
      const count = h.getCountAtIndex(i);
      if (count > 0) pairs.push(i, count);
    }
  }
  return Float64Array.from(pairs);
}

/**
 * Adds bucket counts into `into` (of the standard setup): the same as adding the decoded
 * histogram they stand for. A decoded histogram's minimum is its lowest bucket's lowest value and
 * its maximum its highest bucket's highest (HdrHistogram's `establishInternalTackingValues`), so
 * the maximum is raised to that with a count of nothing.
 */
export function addBucketCounts(into: Histogram, counts: BucketCounts): void {
  if (counts.length < 2) return;
  const h = jsHistogram(into);
  for (let j = 0; j + 1 < counts.length; j += 2) h.recordValueWithCount(h.valueFromIndex(counts[j] as number), counts[j + 1] as number);
  h.recordValueWithCount(h.highestEquivalentValue(h.valueFromIndex(counts[counts.length - 2] as number)), 0);
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
