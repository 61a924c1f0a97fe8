/**
 * Planned times for an open model (as wrk2 and k6's arrival-rate executors): when each event
 * *should* happen is fixed before the run, so a slow broker cannot slow the schedule down, and
 * latency is measured from the planned time.
 */
import type { Clock } from './clock.js';
import type { PaceMeter } from './pace.js';

/**
 * Connect times: the stage's devices, in global order, at `ratePerSec` across all workers.
 * `positions` are this worker's devices' places in that order, ascending (stage-devices.ts sorts
 * them): events are yielded in list order, so ascending positions are what keeps them in time order.
 * null rate: all at once.
 */
export interface PlannedEvent {
  /** This worker's local device index. */
  device: number;
  /** Message sequence number (0 for connects). */
  seq: number;
  /** Planned epoch milliseconds. */
  atMs: number;
}

export function* connectTimes(startMs: number, ratePerSec: number | null, positions: readonly number[]): Generator<PlannedEvent> {
  for (let i = 0; i < positions.length; i++) {
    const position = positions[i] as number;
    yield { device: i, seq: 0, atMs: ratePerSec === null ? startMs : startMs + (position * 1000) / ratePerSec };
  }
}

/**
 * Publish times: every device sends `count` messages at `ratePerSec` each, its phase spread
 * evenly over one interval by its position among `totalDevices`, so the aggregate flow is
 * smooth. Yields events in time order.
 */
export function* publishTimes(startMs: number, ratePerSec: number, count: number, positions: readonly number[], totalDevices: number): Generator<PlannedEvent> {
  const intervalMs = 1000 / ratePerSec;
  for (let seq = 0; seq < count; seq++) {
    for (let i = 0; i < positions.length; i++) {
      const phase = (positions[i] as number) / totalDevices;
      yield { device: i, seq, atMs: startMs + (seq + phase) * intervalMs };
    }
  }
}

/**
 * Runs `fire` for each planned event in order, sleeping only when the next one is in the future.
 * Events already due fire back to back, so a late generator catches up instead of drifting.
 * Returns early, with the number of events fired, when `shouldStop` says so.
 */
/** A generator behind its plan fires this many events back to back, then yields once to the event loop. */
const YIELD_EVERY = 256;

export async function runPlanned(
  events: Iterable<PlannedEvent>,
  clock: Clock,
  fire: (event: PlannedEvent) => void,
  shouldStop: () => boolean,
  pace?: PaceMeter,
): Promise<number> {
  let fired = 0;
  let backToBack = 0;
  for (const event of events) {
    if (shouldStop()) break;
    const waitMs = event.atMs - clock.nowMs();
    if (waitMs >= 1) {
      await clock.sleepMs(waitMs);
      backToBack = 0;
    } else if (++backToBack % YIELD_EVERY === 0) {
      // Behind the plan: let acks, snapshots and a stop in between, without sleeping.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (shouldStop()) break;
    pace?.fire(event.atMs, clock.nowMs());
    fire(event);
    fired++;
  }
  return fired;
}
