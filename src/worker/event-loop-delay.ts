/**
 * The generator watching itself: how late this worker's event loop runs timers, from Node's
 * `monitorEventLoopDelay` (itself an HdrHistogram in C). Its samples cannot be read one by one,
 * so each interval its percentile steps (0, 50, 75, 87.5, … 100: log-spaced, like a .hgrm) are
 * copied into our histogram with their sample counts. The count is exact; values are exact at
 * those steps, so percentiles between steps read the next step up (never understated).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Recorder } from '../metrics/recorder.js';

const RESOLUTION_MS = 10;
const RESOLUTION_NS = RESOLUTION_MS * 1_000_000;

export class EventLoopDelayMonitor {
  readonly #histogram: IntervalHistogram;

  constructor() {
    this.#histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#histogram.enable();
  }

  /** Moves what was sampled since the last call into `recorder` as `name`, in µs. */
  drainInto(recorder: Recorder, name: string): void {
    const h = this.#histogram;
    const total = h.count;
    if (total > 0) {
      let recorded = 0;
      for (const [percentile, valueNs] of h.percentiles) {
        // Each sample is the whole timer period; the delay is what exceeds the resolution.
        const cumulative = percentile === 0 ? 1 : Math.round((percentile / 100) * total);
        const n = Math.min(cumulative, total) - recorded;
        if (n > 0) recorder.recordCount(name, Math.max(0, valueNs - RESOLUTION_NS) / 1000, n);
        recorded += Math.max(0, n);
      }
    }
    h.reset();
  }

  stop(): void {
    this.#histogram.disable();
  }
}
