/**
 * A worker's metrics snapshots: each group's recorder and the worker's own figures (event-loop
 * delay and utilisation) handed over per interval, with the worker's live state beside them.
 */
import { Recorder } from '../metrics/recorder.js';
import type { IntervalMetrics } from '../metrics/snapshot.js';
import type { GroupPlan } from '../scenario/run-plan.js';
import type { Clock } from '../util/clock.js';
import { EventLoopDelayMonitor } from './event-loop-delay.js';
import type { Fleet } from './fleet.js';
import { type WorkerSnapshot } from './messages.js';
import { METRIC } from '../metrics/metric-names.js';

/** What the worker is doing when a snapshot is taken. */
export interface WorkerState {
  /** The stage the interval belongs to; -1 is preparation. */
  stageIndex: number;
  connected: number;
  inFlight: number;
}

export class SnapshotTaker {
  readonly #workerIndex: number;
  readonly #groups: readonly GroupPlan[];
  readonly #fleet: Fleet;
  readonly #clock: Clock;
  readonly #harness = new Recorder();
  readonly #eventLoop = new EventLoopDelayMonitor();
  #lastElu = performance.eventLoopUtilization();

  constructor(workerIndex: number, groups: readonly GroupPlan[], fleet: Fleet, clock: Clock) {
    this.#workerIndex = workerIndex;
    this.#groups = groups;
    this.#fleet = fleet;
    this.#clock = clock;
  }

  /** The worker's own figures (not any group's): event-loop delay, the stages' pace. */
  get harness(): Recorder {
    return this.#harness;
  }

  /** Hands over everything recorded since the last snapshot; `final` marks the task's result. */
  take(final: boolean, state: WorkerState): WorkerSnapshot {
    const groups: Record<string, IntervalMetrics> = {};
    this.#groups.forEach((group, g) => {
      groups[group.name] = this.#fleet.recorder(g).takeIntervalCounts();
    });
    this.#eventLoop.drainInto(this.#harness, METRIC.eventLoopDelayUs);
    const elu = performance.eventLoopUtilization();
    const loop = performance.eventLoopUtilization(elu, this.#lastElu);
    this.#lastElu = elu;
    return {
      workerIndex: this.#workerIndex,
      atMs: this.#clock.nowMs(),
      final,
      stageIndex: state.stageIndex,
      connected: state.connected,
      inFlight: state.inFlight,
      groups,
      harness: this.#harness.takeIntervalCounts(),
      loop: { activeMs: loop.active, idleMs: loop.idle },
    };
  }

  stop(): void {
    this.#eventLoop.stop();
  }
}
