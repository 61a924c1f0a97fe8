/**
 * A worker's live metrics for one interval. `takeInterval` hands over what was recorded since
 * the last call and starts afresh, so the coordinator can both sum and build a timeline.
 */
import { bucketCounts, createHistogram, encodeHistogram, recordUs, type Histogram } from './histogram.js';
import type { IntervalMetrics, MetricsSnapshot } from './snapshot.js';

export class Recorder {
  #counters: Record<string, number> = {};
  readonly #histograms = new Map<string, Histogram>();

  count(name: string, n = 1): void {
    this.#counters[name] = (this.#counters[name] ?? 0) + n;
  }

  record(name: string, valueUs: number): void {
    this.recordCount(name, valueUs, 1);
  }

  /** Records `n` samples of one value at once. */
  recordCount(name: string, valueUs: number, n: number): void {
    recordUs(this.histogram(name), valueUs, n);
  }

  /**
   * The histogram `name`, made on first use. It stays the same object for the recorder's life
   * (takeInterval empties it in place), so a hot path may hold it and record with `recordUs`.
   */
  histogram(name: string): Histogram {
    let histogram = this.#histograms.get(name);
    if (histogram === undefined) {
      histogram = createHistogram();
      this.#histograms.set(name, histogram);
    }
    return histogram;
  }

  takeInterval(): MetricsSnapshot {
    return this.#take(encodeHistogram);
  }

  /** takeInterval for the coordinator of the same process: histograms as bucket counts, not encoded. */
  takeIntervalCounts(): IntervalMetrics {
    return this.#take(bucketCounts);
  }

  #take<H>(convert: (histogram: Histogram) => H): { counters: Record<string, number>; histograms: Record<string, H> } {
    const histograms: Record<string, H> = {};
    for (const [name, histogram] of this.#histograms) {
      if (histogram.totalCount === 0) continue;
      histograms[name] = convert(histogram);
      histogram.reset();
    }
    const counters = this.#counters;
    this.#counters = {};
    return { counters, histograms };
  }
}
