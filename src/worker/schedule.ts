/**
 * Planned times for an open model (as wrk2 and k6's arrival-rate executors): when each event
 * *should* happen is fixed before the run, so a slow broker cannot slow the schedule down, and
 * latency is measured from the planned time.
 */
import type { Clock } from '../util/clock.js';
import type { PaceMeter } from './pace.js';
import { itemAt } from '../util/item-at.js';

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
 * A planned schedule as numbers, no object per event: event k (0 ≤ k < count) is planned for
 * `atMs(k)`, in time order.
 */
export interface PlannedSeries {
  readonly count: number;
  atMs(k: number): number;
}

/**
 * Publish times: every device sends `count` messages at `ratePerSec` each, its phase spread
 * evenly over one interval by its position among `totalDevices`, so the aggregate flow is
 * smooth. Event k is message seq = ⌊k / devices⌋ of local device k mod devices (devices =
 * positions.length), in time order.
 */
export function publishSeries(startMs: number, ratePerSec: number, count: number, positions: readonly number[], totalDevices: number): PlannedSeries {
  const intervalMs = 1000 / ratePerSec;
  const devices = positions.length;
  const phases = Float64Array.from(positions, (position) => position / totalDevices);
  return {
    count: count * devices,
    atMs: (k) => startMs + (Math.floor(k / devices) + (phases[k % devices] as number)) * intervalMs,
  };
}

/** publishSeries as events, for tests and readers. */
export function* publishTimes(startMs: number, ratePerSec: number, count: number, positions: readonly number[], totalDevices: number): Generator<PlannedEvent> {
  const series = publishSeries(startMs, ratePerSec, count, positions, totalDevices);
  for (let k = 0; k < series.count; k++) yield { device: k % positions.length, seq: Math.floor(k / positions.length), atMs: series.atMs(k) };
}

/** A generator behind its plan fires this many events back to back, then yields once to the event loop. */
const YIELD_EVERY = 256;

/**
 * Runs `fire` for each planned event in order, one tick at a time: it sleeps only when the next
 * event is a millisecond or more ahead, then fires every event due by then back to back, so a
 * late generator catches up instead of drifting. No object or promise per event: one sleep per
 * tick. `fire` is given the time read for the event (`nowMs`), so it needs no clock read of its
 * own. Returns early, with the number of events fired, when `shouldStop` says so.
 */
export async function runSeries(
  series: PlannedSeries,
  clock: Clock,
  fire: (k: number, atMs: number, nowMs: number) => void,
  shouldStop: () => boolean,
  pace?: PaceMeter,
): Promise<number> {
  let backToBack = 0;
  for (let k = 0; k < series.count; k++) {
    if (shouldStop()) return k;
    const atMs = series.atMs(k);
    let nowMs = clock.nowMs();
    const waitMs = atMs - nowMs;
    let waited = true;
    if (waitMs >= 1) {
      await clock.sleepMs(waitMs);
      backToBack = 0;
    } else if (++backToBack % YIELD_EVERY === 0) {
      // Behind the plan: let acks, snapshots and a stop in between, without sleeping.
      await new Promise((resolve) => setImmediate(resolve));
    } else waited = false;
    if (waited) {
      if (shouldStop()) return k;
      nowMs = clock.nowMs();
    }
    pace?.fire(atMs, nowMs);
    fire(k, atMs, nowMs);
  }
  return series.count;
}

/** runSeries over a list of events (connects, disconnects: one per device). */
export function runPlanned(
  events: Iterable<PlannedEvent>,
  clock: Clock,
  fire: (event: PlannedEvent) => void,
  shouldStop: () => boolean,
  pace?: PaceMeter,
): Promise<number> {
  const list = [...events];
  return runSeries({ count: list.length, atMs: (k) => itemAt(list, k).atMs }, clock, (k) => fire(itemAt(list, k)), shouldStop, pace);
}
