/**
 * Fires one action per device at its planned arrival time (a rate, a ramp or all at once) and
 * waits for every action to finish. The times come from scenario/arrival.ts, so `validate`'s
 * estimate and the run agree.
 */
import { arrivalOffsetMs, type ArrivalPlan } from '../../scenario/arrival.js';
import type { Clock } from '../../util/clock.js';
import type { PaceMeter } from '../pace.js';
import { runPlanned, type PlannedEvent } from '../schedule.js';

/** Planned times of this worker's devices, whose places in the stage's global order are `positions`. */
export function* arrivalTimes(startMs: number, arrival: ArrivalPlan, positions: readonly number[]): Generator<PlannedEvent> {
  // Positions are ascending within a worker (devices are assigned in global order), so times are too.
  for (let i = 0; i < positions.length; i++) yield { device: i, seq: 0, atMs: startMs + arrivalOffsetMs(positions[i] as number, arrival) };
}

export async function runArrivals(
  startMs: number,
  arrival: ArrivalPlan,
  positions: readonly number[],
  clock: Clock,
  act: (device: number) => Promise<void>,
  shouldStop: () => boolean,
  pace?: PaceMeter,
): Promise<void> {
  const pending: Promise<void>[] = [];
  await runPlanned(arrivalTimes(startMs, arrival, positions), clock, (event) => pending.push(act(event.device)), shouldStop, pace);
  await Promise.all(pending);
}
