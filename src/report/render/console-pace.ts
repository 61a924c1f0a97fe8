/** Planned against achieved, one line per stage that had a plan to keep, for the console summary. */
import type { StageRecord } from '../model/run-result.js';

/** `receiveMaximum`: the broker's (MQTT 5), named when sends waited on it, so it is told apart from the generator's saturation. */
export function paceLines(stages: readonly StageRecord[], receiveMaximum?: number): string[] {
  const lines = stages.flatMap((s) => (s.pace === undefined || s.pace.achievedRatio === null ? [] : [paceLine(s, receiveMaximum)]));
  return lines.length === 0 ? [] : ['planned → achieved', ...lines];
}

function paceLine(s: StageRecord, receiveMaximum: number | undefined): string {
  const held = s.total.counters['heldByReceiveMaximum'] ?? 0;
  const heldNote = held === 0 ? '' : `; ${held} sends held back by the broker's Receive Maximum${receiveMaximum === undefined ? '' : ` (${receiveMaximum})`}`;
  const p = s.pace as NonNullable<StageRecord['pace']>;
  const rate = (r: number | null): string => (r === null ? 'at once' : `${Math.round(r)}/s`);
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  return (
    `  ${s.index + 1}. ${s.type}: ${p.planned.actions} at ${rate(p.planned.ratePerSec)} over ${seconds(p.planned.durationMs)} → ` +
    `${p.achieved.actions} at ${rate(p.achieved.ratePerSec)}, took ${seconds(p.achieved.durationMs)}; last action ${seconds(p.lastActionLateMs ?? 0)} late; ` +
    `${Math.round((p.achievedRatio ?? 0) * 100)}% of plan${heldNote}${p.behindPlan ? ' · BEHIND PLAN' : ''}`
  );
}
