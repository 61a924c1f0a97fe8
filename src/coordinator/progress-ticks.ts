/** The coordinator's once-a-second progress tick: the run's totals so far against the second before. */
import type { MetricsTotals } from '../metrics/snapshot.js';
import type { ProgressTick } from './progress.js';
import { buildTick } from './tick.js';

export interface TickState {
  nowMs: number;
  total: MetricsTotals;
  connected: number;
  targetConnected: number;
  stage: { index: number; type: string; startedMs: number } | undefined;
}

export class ProgressTicks {
  readonly #startedMs: number;
  readonly #stageDurationsMs: readonly number[];
  #previousCounters: Record<string, number> = {};

  constructor(startedMs: number, stageDurationsMs: readonly number[]) {
    this.#startedMs = startedMs;
    this.#stageDurationsMs = stageDurationsMs;
  }

  /** The tick for `state`; the next one's per-second rates are counted from it. */
  next(state: TickState): ProgressTick {
    const tick = buildTick({
      ...state,
      startedMs: this.#startedMs,
      previous: this.#previousCounters,
      stageCount: this.#stageDurationsMs.length,
      stageDurationsMs: this.#stageDurationsMs,
    });
    this.#previousCounters = { ...state.total.counters };
    return tick;
  }
}
