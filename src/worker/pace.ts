/**
 * How a worker kept to its plan in a stage: how many planned actions it fired, and how late the
 * last one went out. A generator that falls behind shows it here first: its last action is late
 * by everything it could not catch up. The coordinator turns these into the stage's planned
 * against achieved figures (src/report/judge/stage-pace.ts).
 */
import type { Recorder } from '../metrics/recorder.js';
import { METRIC } from '../metrics/metric-names.js';

export class PaceMeter {
  #fired = 0;
  #lastLateMs = 0;
  readonly #beforeAction: (() => void) | undefined;

  /** `beforeAction` runs before each action (the slow-action fault; never set in a real run). */
  constructor(beforeAction?: () => void) {
    this.#beforeAction = beforeAction;
  }

  /** An action planned for `plannedMs` goes out now (`nowMs`). */
  fire(plannedMs: number, nowMs: number): void {
    this.#beforeAction?.();
    this.#fired++;
    this.#lastLateMs = Math.max(0, nowMs - plannedMs);
  }

  /** Hands the stage's figures to `recorder` (nothing for a stage without planned actions) and starts afresh. */
  endStage(recorder: Recorder): void {
    if (this.#fired > 0) {
      recorder.count(METRIC.actionsFired, this.#fired);
      recorder.record(METRIC.lastActionLateUs, this.#lastLateMs * 1000);
    }
    this.#fired = 0;
    this.#lastLateMs = 0;
  }
}
