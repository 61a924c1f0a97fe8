/**
 * Planned against achieved, for every stage: the planned actions, duration and rate beside what
 * happened, and how late the last action went out. A stage whose last action was more than 5%
 * of its planned duration late (and more than a second: below that, timers and a shared
 * machine's scheduler decide, not the generator) ran behind plan: its latencies partly measure
 * the generator, not the broker. Pure: the coordinator and `merge` both call it.
 */
import { plannedPace } from '../../scenario/planned-pace.js';
import type { RunPlan } from '../../scenario/run-plan.js';
import type { StagePace, StageRecord } from '../model/run-result.js';

type PacePlan = Pick<RunPlan, 'groups' | 'stages'> & Partial<Pick<RunPlan, 'judgeGenerator'>>;

export const BEHIND_PLAN = {
  /** achieved ÷ planned rate below this is behind plan. */
  minRatio: 0.95,
  /** …and only when the last action was at least this late. */
  minLateMs: 1000,
} as const;

/**
 * `share`: the part of the plan's devices this report holds (1, or a shard's part), so a shard's
 * planned actions and rate are its own.
 */
export function stagePace(plan: PacePlan, record: Omit<StageRecord, 'pace'>, share: number): StagePace {
  const stage = plan.stages[record.index];
  const planned = stage === undefined ? { actions: 0, durationMs: 0, ratePerSec: null, paced: false } : plannedPace(plan, stage);
  // Only actions performed count: a message due while its device held no connection was not sent
  // (issue 24: "publish … 100% of plan" with 0 messages sent).
  const actions = Math.max(0, (record.total.counters['actionsFired'] ?? 0) - (record.total.errors['not-connected'] ?? 0));
  const late = record.total.histograms['lastActionLateUs']?.summary;
  const lastActionLateMs = late === undefined || late.count === 0 ? null : Math.round(late.max / 1000);
  // The span over which the actions really went out: the plan's, stretched by the last one's lateness.
  const spanMs = planned.durationMs + (lastActionLateMs ?? 0);
  const paced = planned.paced && lastActionLateMs !== null;
  // Achieved ÷ planned rate: actions ÷ span against planned actions ÷ planned duration. Actions
  // never fired (a stage stopped, a shard that failed in it) count against the ratio too.
  const plannedActions = planned.actions * share;
  const fired = plannedActions > 0 ? Math.min(1, actions / plannedActions) : 1;
  const achievedRatio = paced && planned.durationMs > 0 ? round(fired * (planned.durationMs / spanMs)) : null;
  return {
    planned: {
      actions: Math.round(planned.actions * share),
      durationMs: Math.round(planned.durationMs),
      ratePerSec: planned.ratePerSec === null ? null : round(planned.ratePerSec * share),
    },
    // A stage can end before its planned start (stopped at once): its measured duration is then negative.
    achieved: { actions, durationMs: Math.max(0, record.durationMs), ratePerSec: paced && spanMs > 0 ? round(actions / (spanMs / 1000)) : null },
    lastActionLateMs,
    achievedRatio,
    // Not judged when the scenario says judgeGenerator: false (absent in reports made before it existed).
    behindPlan:
      plan.judgeGenerator !== false && achievedRatio !== null && achievedRatio < BEHIND_PLAN.minRatio && (lastActionLateMs ?? 0) > BEHIND_PLAN.minLateMs,
  };
}

/** The records with their pace. */
export function withPace(plan: PacePlan, records: readonly Omit<StageRecord, 'pace'>[], share: number): StageRecord[] {
  return records.map((record) => ({ ...record, pace: stagePace(plan, record, share) }));
}

/** A behind-plan stage in words, with its numbers. */
export function behindPlanInWords(record: StageRecord): string | undefined {
  const pace = record.pace;
  if (pace === undefined || !pace.behindPlan) return undefined;
  const rate = (r: number | null): string => (r === null ? 'at once' : `${Math.round(r)}/s`);
  return (
    `stage ${record.index + 1} (${record.type}) ran behind plan: its last action went out ${((pace.lastActionLateMs ?? 0) / 1000).toFixed(1)} s late, ` +
    `${rate(pace.achieved.ratePerSec)} achieved of ${rate(pace.planned.ratePerSec)} planned (${Math.round((pace.achievedRatio ?? 0) * 100)}%), ` +
    `planned ${(pace.planned.durationMs / 1000).toFixed(1)} s, took ${(pace.achieved.durationMs / 1000).toFixed(1)} s`
  );
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
