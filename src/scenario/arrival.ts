/**
 * When the n-th device of a stage arrives (connects, disconnects, comes back): all at once, at a
 * constant rate, or on a ramp whose rate changes linearly from one value to another over a
 * duration, as k6's ramping-arrival-rate executor does. Pure, shared by the worker's schedules
 * and by `validate`'s estimates, so both tell the same story.
 */
export interface RampPlan {
  fromPerSec: number;
  toPerSec: number;
  overMs: number;
}

/** null rate and null ramp: everyone at once. */
export interface ArrivalPlan {
  ratePerSec: number | null;
  ramp: RampPlan | null;
}

/**
 * Offset from the stage start, in ms, of the device at `position` (0-based, in the stage's global
 * order). On a ramp, the number of arrivals by time t is the integral of the rate,
 * n(t) = from·t + (to − from)·t² / (2·over), solved here for t; devices beyond the ramp's
 * (from + to) / 2 · over arrive at the final rate after it.
 */
export function arrivalOffsetMs(position: number, arrival: ArrivalPlan): number {
  if (arrival.ramp !== null) return rampOffsetMs(position, arrival.ramp);
  return arrival.ratePerSec === null ? 0 : (position * 1000) / arrival.ratePerSec;
}

function rampOffsetMs(position: number, ramp: RampPlan): number {
  const overSec = ramp.overMs / 1000;
  const a = ramp.fromPerSec;
  const b = ramp.toPerSec;
  const inRamp = ((a + b) / 2) * overSec;
  if (position >= inRamp) return (overSec + (position - inRamp) / b) * 1000;
  if (a === b) return (position / a) * 1000;
  const slope = (b - a) / overSec;
  const t = (-a + Math.sqrt(Math.max(0, a * a + 2 * slope * position))) / slope;
  return t * 1000;
}

/** How long `count` arrivals take: until the slot after the last one (count / rate at a constant rate; 0 for all at once). */
export function arrivalDurationMs(count: number, arrival: ArrivalPlan): number {
  return count <= 0 ? 0 : arrivalOffsetMs(count, arrival);
}

/** The arrival plan in words: "at 100/s", "ramping from 10/s to 200/s over 30s", "all at once". */
export function arrivalInWords(arrival: ArrivalPlan, rate: (perSec: number) => string, duration: (ms: number) => string): string {
  if (arrival.ramp !== null) return `ramping from ${rate(arrival.ramp.fromPerSec)} to ${rate(arrival.ramp.toPerSec)} over ${duration(arrival.ramp.overMs)}`;
  return arrival.ratePerSec === null ? 'all at once' : `at ${rate(arrival.ratePerSec)}`;
}
