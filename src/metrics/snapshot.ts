/**
 * What lands in reports and crosses processes: counters as plain numbers, histograms encoded.
 * Between a worker thread and its coordinator, histograms travel as bucket counts (IntervalMetrics).
 * Merging is addition, so one worker, many workers and many machines give one kind of result.
 */
import { addBucketCounts, addEncoded, createHistogram, encodeHistogram, type BucketCounts, type Histogram } from './histogram.js';

export interface MetricsSnapshot {
  counters: Record<string, number>;
  /** Encoded HDR histograms (compressed, base64), microseconds. */
  histograms: Record<string, string>;
}

/** A worker's interval as its coordinator in the same process reads it: histograms as bucket counts. */
export interface IntervalMetrics {
  counters: Record<string, number>;
  histograms: Record<string, BucketCounts>;
}

export function emptySnapshot(): MetricsSnapshot {
  return { counters: {}, histograms: {} };
}

/** An accumulating sum of snapshots, with histograms kept decoded so adding stays cheap. */
export class MetricsTotals {
  readonly counters: Record<string, number> = {};
  readonly #histograms = new Map<string, Histogram>();

  add(snapshot: MetricsSnapshot): void {
    this.#addCounters(snapshot.counters);
    for (const [name, encoded] of Object.entries(snapshot.histograms)) addEncoded(this.histogram(name), encoded);
  }

  /** Adds one worker interval, as the coordinator of the same process receives it. */
  addInterval(interval: IntervalMetrics): void {
    this.#addCounters(interval.counters);
    for (const [name, counts] of Object.entries(interval.histograms)) addBucketCounts(this.histogram(name), counts);
  }

  #addCounters(counters: Readonly<Record<string, number>>): void {
    for (const [name, value] of Object.entries(counters)) this.counters[name] = (this.counters[name] ?? 0) + value;
  }

  addTotals(other: MetricsTotals): void {
    for (const [name, value] of Object.entries(other.counters)) {
      this.counters[name] = (this.counters[name] ?? 0) + value;
    }
    for (const [name, histogram] of other.histograms()) this.histogram(name).add(histogram);
  }

  /** The named histogram, created empty on first use. */
  histogram(name: string): Histogram {
    let histogram = this.#histograms.get(name);
    if (histogram === undefined) {
      histogram = createHistogram();
      this.#histograms.set(name, histogram);
    }
    return histogram;
  }

  histograms(): IterableIterator<[string, Histogram]> {
    return this.#histograms.entries();
  }

  counter(name: string): number {
    return this.counters[name] ?? 0;
  }

  toSnapshot(): MetricsSnapshot {
    const histograms: Record<string, string> = {};
    for (const [name, histogram] of this.#histograms) histograms[name] = encodeHistogram(histogram);
    return { counters: { ...this.counters }, histograms };
  }
}
