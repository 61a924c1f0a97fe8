/**
 * Capacity search: each connect stage of a scenario with `capacity:` is one step at its own
 * rate. The capacity thresholds are checked on each step's own figures (its stage section), so
 * a step is judged by what happened while it ran, not diluted by the steps before it. The
 * verdict names the last rate that held and the first that broke. Pure: RunPlan and stage
 * records in, a CapacitySection out; the coordinator calls it after every step, `report` can too.
 */
import type { RunPlan, StagePlan } from '../../scenario/run-plan.js';
import type { CapacitySection, CapacityStep, StageRecord, ThresholdOutcome } from '../model/run-result.js';
import { evaluateThresholds, viewOfResult } from './thresholds.js';
import { itemAt } from '../../util/item-at.js';

type ConnectStage = Extract<StagePlan, { type: 'connect' }>;

/** A step's rate: a constant rate, or the rate a ramp ends at (its peak when it rises). */
export function stepRatePerSec(stage: ConnectStage): number | null {
  if (stage.ramp !== null) return Math.max(stage.ramp.fromPerSec, stage.ramp.toPerSec);
  return stage.ratePerSec;
}

/** Judges one finished connect stage; undefined when the stage is not a capacity step. */
export function judgeStep(plan: RunPlan, record: StageRecord): CapacityStep | undefined {
  const stage = plan.stages[record.index];
  if (plan.capacity === null || stage?.type !== 'connect') return undefined;
  const rate = stepRatePerSec(stage);
  if (rate === null) return undefined;
  const outcomes: ThresholdOutcome[] = evaluateThresholds(plan.capacity.thresholds, viewOfResult(record));
  return {
    stageIndex: record.index,
    ratePerSec: rate,
    devices: record.total.counters['connectAttempts'] ?? 0,
    held: outcomes.every((o) => o.passed),
    outcomes,
  };
}

/** The capacity verdict from the steps judged so far, in stage order. */
export function capacityVerdict(steps: readonly CapacityStep[]): CapacitySection {
  const broken = steps.findIndex((s) => !s.held);
  const held = broken < 0 ? steps : steps.slice(0, broken);
  const lastHeld = held.length === 0 ? null : itemAt(held, held.length - 1).ratePerSec;
  const firstBroken = broken < 0 ? null : itemAt(steps, broken);
  return {
    lastHeldPerSec: lastHeld,
    firstBrokenPerSec: firstBroken?.ratePerSec ?? null,
    verdict: verdictText(lastHeld, firstBroken, steps.length),
    steps: [...steps],
  };
}

function verdictText(lastHeld: number | null, firstBroken: CapacityStep | null, judged: number): string {
  const rate = (perSec: number): string => `${Number.isInteger(perSec) ? perSec : perSec.toFixed(2)}/s`;
  if (judged === 0) return 'no capacity step ran';
  if (firstBroken === null) return `held at every step, up to ${rate(lastHeld as number)}: the limit is above the highest step`;
  const why = firstBroken.outcomes
    .filter((o) => !o.passed)
    .map((o) => o.expression)
    .join(', ');
  const broke = `broke at ${rate(firstBroken.ratePerSec)} (${why})`;
  return lastHeld === null ? `${broke}; no step held: the limit is below the first step` : `held up to ${rate(lastHeld)}; ${broke}`;
}
