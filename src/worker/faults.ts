/**
 * Faults injected into a worker on purpose, to prove that the harness notices them. They reach a
 * worker only as the `faults` field of its task, which the coordinator copies from
 * `PlanRunOptions.faults` (src/coordinator/run-options.ts); only the harness's tests set it
 * (test/support/faulty-cli.ts), never a flag, a scenario field or an environment variable.
 * `blockLoopMs` (every second of a stage, block this worker's event loop), `hangMs` (worker 0
 * stops answering when the first stage starts), `crash` (worker 0 throws when the first stage
 * starts), `deafAfterMs` (worker 0's first subscribing device stops taking in messages this long
 * after its subscription was granted, as if the broker had dropped it: the lost-subscription check
 * must see it), `slowActionMs` (every worker busy-waits before each planned action: a generator
 * too slow for its plan), `clockSkewMs` (the worker's clock runs ahead, as a shard on another
 * machine's may: the clock probe must find it). Each is bounded in time.
 */
import type { Clock } from '../util/clock.js';

export interface WorkerFaults {
  /** Busy-wait this many ms (at most 900) once a second while a stage runs. */
  blockLoopMs?: number;
  /** At most MAX_FAULT_MS. */
  hangMs?: number;
  crash?: boolean;
  /** At most MAX_FAULT_MS. */
  deafAfterMs?: number;
  /** Busy-wait this many ms (at most 1000) before each planned action. */
  slowActionMs?: number;
  /** This worker's clock runs this many ms ahead of the machine's (a shard on another machine): the clock probe must find it. */
  clockSkewMs?: number;
}

/** The worker's clock, skewed by the `clockSkewMs` fault (at most a minute either way). */
export function faultyClock(clock: Clock, faults: WorkerFaults | undefined): Clock {
  const skewMs = Math.max(-60_000, Math.min(60_000, faults?.clockSkewMs ?? 0));
  return skewMs === 0 ? clock : { nowMs: () => clock.nowMs() + skewMs, sleepMs: (ms) => clock.sleepMs(ms) };
}

/** The longest a hang or a deafness lasts, whatever a test asks: every fault ends. */
export const MAX_FAULT_MS = 600_000;

/** The one-off faults of worker 0 at the first stage: a crash, or a loop that stops answering. */
export function firstStageFaults(faults: WorkerFaults | undefined, workerIndex: number, stageIndex: number): void {
  if (faults === undefined || workerIndex !== 0 || stageIndex !== 0) return;
  if (faults.crash === true) throw new Error('injected crash (WorkerFaults.crash)');
  if (faults.hangMs !== undefined) {
    const until = performance.now() + Math.min(faults.hangMs, MAX_FAULT_MS);
    while (performance.now() < until) {
      // Deliberately unresponsive, for a bounded time: this is the fault.
    }
  }
}

/** Starts the faults for a stage; returns the function that stops them. */
export function startFaults(faults: WorkerFaults | undefined): () => void {
  if (faults?.blockLoopMs === undefined) return () => {};
  const blockMs = Math.min(faults.blockLoopMs, 900);
  const timer = setInterval(() => {
    const until = performance.now() + blockMs;
    while (performance.now() < until) {
      // Deliberately blocking: this is the fault.
    }
  }, 1000);
  return () => clearInterval(timer);
}

/** The per-action fault, if one is set: a busy-wait before each planned action. */
export function actionFault(faults: WorkerFaults | undefined): (() => void) | undefined {
  if (faults?.slowActionMs === undefined) return undefined;
  const ms = Math.min(faults.slowActionMs, 1000);
  return () => {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // Deliberately slow: this is the fault.
    }
  };
}
