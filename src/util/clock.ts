/** Wall-clock time with sub-millisecond resolution, injectable so schedules test without sleeping. */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Clock {
  /** Epoch milliseconds (fractional). */
  nowMs(): number;
  sleepMs(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  nowMs: () => performance.timeOrigin + performance.now(),
  sleepMs: (ms) => sleep(ms),
};

/** Whole epoch milliseconds (Date.now()): the coordinator's clock, whose times go into reports. */
export const wallClock: Clock = {
  nowMs: () => Date.now(),
  sleepMs: (ms) => sleep(ms),
};
