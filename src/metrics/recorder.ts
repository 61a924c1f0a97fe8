/**
 * A worker's live metrics for one interval. `takeInterval` hands over what was recorded since
 * the last call and starts afresh, so the coordinator can both sum and build a timeline.
 */
import { createHistogram, encodeHistogram, recordUs, type Histogram } from './histogram.js';
import type { MetricsSnapshot } from './snapshot.js';

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
    let histogram = this.#histograms.get(name);
    if (histogram === undefined) {
      histogram = createHistogram();
      this.#histograms.set(name, histogram);
    }
    recordUs(histogram, valueUs, n);
  }

  takeInterval(): MetricsSnapshot {
    const histograms: Record<string, string> = {};
    for (const [name, histogram] of this.#histograms) {
      if (histogram.totalCount === 0) continue;
      histograms[name] = encodeHistogram(histogram);
      histogram.reset();
    }
    const counters = this.#counters;
    this.#counters = {};
    return { counters, histograms };
  }
}
