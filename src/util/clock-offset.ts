/**
 * How far one clock is from a reference, NTP-style (RFC 5905 §8): a request stamped t1 on the
 * local clock, received t2 and answered t3 on the reference, the answer received t4 locally.
 *   offset = ((t2 − t1) + (t3 − t4)) / 2     round trip = (t4 − t1) − (t3 − t2)
 * The offset is exact when both legs take equally long; whatever the legs, the true offset lies
 * within half the round trip of it. So, as NTP's clock filter does, the sample with the lowest
 * round trip of a burst is kept, and half its round trip is the uncertainty. Pure.
 */

export interface ClockSample {
  /** Local send, reference receive, reference send, local receive: epoch ms on their own clocks. */
  t1: number;
  t2: number;
  t3: number;
  t4: number;
}

export interface ClockEstimate {
  /** Reference minus local, ms: add it to a local time to get the reference's. */
  offsetMs: number;
  /** Half the best round trip, ms: the true offset is within ± this of `offsetMs`. */
  uncertaintyMs: number;
  /** Samples the estimate was chosen from, and the local time it was made. */
  samples: number;
  atMs: number;
}

export function offsetOf(s: ClockSample): { offsetMs: number; roundTripMs: number } {
  return { offsetMs: (s.t2 - s.t1 + (s.t3 - s.t4)) / 2, roundTripMs: Math.max(0, s.t4 - s.t1 - (s.t3 - s.t2)) };
}

/** The estimate of one burst of samples: the lowest round trip wins; undefined for none. */
export function estimateOffset(samples: readonly ClockSample[], atMs: number): ClockEstimate | undefined {
  let best: { offsetMs: number; roundTripMs: number } | undefined;
  for (const sample of samples) {
    const o = offsetOf(sample);
    if (best === undefined || o.roundTripMs < best.roundTripMs) best = o;
  }
  return best === undefined ? undefined : { offsetMs: best.offsetMs, uncertaintyMs: best.roundTripMs / 2, samples: samples.length, atMs };
}
