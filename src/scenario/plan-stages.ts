/**
 * Stage plans beyond connect, publish, subscribe, hold and disconnect, and the rules across
 * fields that stages must keep. Kept apart from plan.ts so each file holds one idea.
 */
import type { GroupPlan, PlanProblem, StagePlan } from './plan.js';
import type { Scenario, StageInput } from './schema.js';
import { parseDurationMs, parseRatePerSec } from './units.js';

export type ExtraStagePlan =
  | { type: 'reconnect-storm'; groups: string[]; percent: number; ratePerSec: number | null }
  | { type: 'pause'; groups: string[]; durationMs: number };

export function planExtraStage(stage: Extract<StageInput, { type: 'reconnect-storm' | 'pause' }>, applies: string[]): ExtraStagePlan {
  if (stage.type === 'pause') return { type: 'pause', groups: [], durationMs: parseDurationMs(stage.duration) as number };
  return { type: 'reconnect-storm', groups: applies, percent: stage.percent, ratePerSec: stage.rate === undefined ? null : (parseRatePerSec(stage.rate) as number) };
}

/**
 * A publish stage's rate per device: `rate` as written, or `totalRate` shared by the stage's
 * devices. Exactly one must be given.
 */
export function planPublishRate(stage: Extract<StageInput, { type: 'publish' }>, index: number, groups: GroupPlan[], applies: string[], problems: PlanProblem[]): number {
  if ((stage.rate === undefined) === (stage.totalRate === undefined)) {
    problems.push({ path: ['stages', index], message: 'a publish stage needs exactly one of rate (per device) or totalRate (across its devices)' });
    return 1;
  }
  if (stage.rate !== undefined) return parseRatePerSec(stage.rate) as number;
  const devices = groups.filter((g) => applies.includes(g.name)).reduce((n, g) => n + g.count, 0);
  return (parseRatePerSec(stage.totalRate as string) as number) / Math.max(1, devices);
}

/** Which devices of a stage a reconnect storm drops: those whose position crosses a whole share. Spread evenly, the same on every worker and shard. */
export function isDropped(position: number, percent: number): boolean {
  return Math.floor(((position + 1) * percent) / 100) > Math.floor((position * percent) / 100);
}

/** Rules across fields that the schema alone cannot see. */
export function checkStageRules(scenario: Scenario, stages: StagePlan[], problems: PlanProblem[]): void {
  if (scenario.mqtt.sessionExpiry !== undefined && scenario.mqtt.protocolVersion !== 5) {
    problems.push({ path: ['mqtt', 'sessionExpiry'], message: 'session expiry is an MQTT 5 property; set protocolVersion: 5 (3.1.1 has only clean: true/false)' });
  }
  if (scenario.capacity !== undefined) {
    const rated = stages.filter((s) => s.type === 'connect' && (s.ratePerSec !== null || s.ramp !== null));
    if (rated.length < 2) problems.push({ path: ['capacity'], message: `a capacity search needs at least two connect stages with a rate, one per step (found ${rated.length})` });
  }
  checkUplinkTimestamps(scenario, stages, problems);
}

/** A subscriber measuring uplink latency needs publishers whose payload carries the send time. */
function checkUplinkTimestamps(scenario: Scenario, stages: StagePlan[], problems: PlanProblem[]): void {
  const publishing = new Set(stages.flatMap((s) => (s.type === 'publish' ? s.groups : [])));
  const carriesTime = scenario.groups.some((g) => {
    if (!publishing.has(g.name)) return false;
    if (typeof g.payload === 'string') return g.payload.includes('{timestamp}');
    return 'size' in g.payload || JSON.stringify(g.payload.json).includes('{timestamp}');
  });
  stages.forEach((stage, i) => {
    if (stage.type === 'subscribe' && stage.measure === 'uplink' && publishing.size > 0 && !carriesTime) {
      problems.push({ path: ['stages', i, 'measure'], message: 'uplink latency needs a publishing group whose payload carries {timestamp} (or a sized payload)' });
    }
  });
}
