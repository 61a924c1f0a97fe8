/**
 * The judgements a coordinator makes while a run goes on: abortOnFail thresholds against the run
 * so far, and each step of a capacity search on its own figures.
 */
import { judgeStep } from '../report/judge/capacity.js';
import type { CapacityStep, StageRecord } from '../report/model/run-result.js';
import { evaluateThresholds, type MetricsView } from '../report/judge/thresholds.js';
import type { RunPlan } from '../scenario/run-plan.js';
import type { Threshold } from '../scenario/threshold.js';

/** The expression of the first abortOnFail threshold the run so far crosses (with a value), if any; `view` is built only when one is watched. */
export function crossedAbortThreshold(thresholds: readonly Threshold[], view: () => MetricsView): string | undefined {
  const watched = thresholds.filter((t) => t.abortOnFail);
  if (watched.length === 0) return undefined;
  return evaluateThresholds(watched, view()).find((o) => !o.passed && o.actual !== null)?.expression;
}

/** The steps of a capacity search, judged as each connect stage ends. */
export class CapacitySteps {
  readonly #plan: RunPlan;
  readonly steps: CapacityStep[] = [];

  constructor(plan: RunPlan) {
    this.#plan = plan;
  }

  /**
   * Judges a finished stage; true when it was a step that broke and the run should end there.
   * The run stays `complete`: finding the limit is what it was for.
   */
  broke(record: StageRecord, onStep: (step: CapacityStep) => void): boolean {
    const capacity = this.#plan.capacity;
    if (capacity === null) return false;
    const step = judgeStep(this.#plan, record);
    if (step === undefined) return false;
    this.steps.push(step);
    onStep(step);
    return !step.held && capacity.stopAtBreak;
  }
}
