/**
 * Stage plans beyond connect, publish, subscribe, hold and disconnect, and the rules across
 * fields that stages must keep. Kept apart from plan.ts so each file holds one idea.
 */
import type { GroupPlan, PlanProblem, StagePlan } from './run-plan.js';
import type { Scenario, ScenarioStage } from './schema.js';
import { formatDurationMs, formatRatePerSec } from './units.js';
import { planPublishProperties } from './mqtt5-plan.js';

/** A reconnect storm: a share of the connected devices dropped abruptly, then back at a rate. */
export interface ReconnectStormPlan {
  type: 'reconnect-storm';
  groups: string[];
  percent: number;
  ratePerSec: number | null;
}

/** Connections closed abruptly and left down, so the broker publishes the devices' wills. */
export interface DropPlan {
  type: 'drop';
  groups: string[];
  percent: number;
}

/** Downlinks from a backend group to every device of the receiving groups. */
export interface DownlinkPlan {
  type: 'downlink';
  /** The receiving groups. */
  groups: string[];
  /** The sending (backend) group. */
  from: string;
  ratePerDevicePerSec: number;
  countPerDevice: number;
  qos: 0 | 1 | 2;
  retain: false;
  topicTemplate: string;
}

/** Nothing happens for a while; no connection is needed. */
export interface PausePlan {
  type: 'pause';
  groups: string[];
  durationMs: number;
}

export function planExtraStage(
  stage: Extract<ScenarioStage, { type: 'reconnect-storm' | 'drop' | 'pause' }>,
  applies: string[],
): ReconnectStormPlan | DropPlan | PausePlan {
  if (stage.type === 'pause') return { type: 'pause', groups: [], durationMs: stage.duration };
  if (stage.type === 'drop') return { type: 'drop', groups: applies, percent: stage.percent };
  return { type: 'reconnect-storm', groups: applies, percent: stage.percent, ratePerSec: stage.rate ?? null };
}

/**
 * A publish stage's rate per device: `rate` as written, or `totalRate` shared by the stage's
 * devices. Exactly one must be given.
 */
export function planPublishRate(
  stage: { rate?: number | undefined; totalRate?: number | undefined },
  index: number,
  groups: GroupPlan[],
  applies: string[],
  problems: PlanProblem[],
): number {
  if ((stage.rate === undefined) === (stage.totalRate === undefined)) {
    problems.push({ path: ['stages', index], message: 'a publish stage needs exactly one of rate (per device) or totalRate (across its devices)' });
    return 1;
  }
  if (stage.rate !== undefined) return stage.rate;
  const devices = groups.filter((g) => applies.includes(g.name)).reduce((n, g) => n + g.count, 0);
  return (stage.totalRate ?? 1) / Math.max(1, devices);
}

/** A publish stage: its rate and count per device, and its MQTT 5 properties. */
export function planPublishStage(
  stage: Extract<ScenarioStage, { type: 'publish' }>,
  index: number,
  groups: GroupPlan[],
  applies: string[],
  problems: PlanProblem[],
  protocolVersion: 4 | 5,
): Extract<StagePlan, { type: 'publish' }> {
  const rate = planPublishRate(stage, index, groups, applies, problems);
  let count = stage.count ?? 0;
  if ((stage.count === undefined) === (stage.duration === undefined)) {
    problems.push({ path: ['stages', index], message: 'a publish stage needs exactly one of duration or count' });
  } else if (stage.duration !== undefined) {
    count = Math.floor((stage.duration / 1000) * rate + 1e-9);
    if (count < 1) {
      problems.push({
        path: ['stages', index, 'duration'],
        message: `${formatDurationMs(stage.duration)} is shorter than one interval at ${formatRatePerSec(stage.rate ?? stage.totalRate ?? rate)} (${(1000 / rate).toFixed(0)}ms per device)`,
      });
    }
  }
  const properties = planPublishProperties(stage.properties, index, protocolVersion, problems);
  return {
    type: 'publish',
    groups: applies,
    ratePerDevicePerSec: rate,
    countPerDevice: count,
    qos: stage.qos,
    retain: stage.retain,
    order: stage.order,
    properties,
  };
}

/** A downlink stage: a backend group sends to every device of the receiving groups at a rate each. */
export function planDownlinkStage(
  stage: Extract<ScenarioStage, { type: 'downlink' }>,
  index: number,
  groups: GroupPlan[],
  problems: PlanProblem[],
): DownlinkPlan {
  const known = groups.map((g) => g.name);
  if (!known.includes(stage.from)) problems.push({ path: ['stages', index, 'from'], message: `no group named "${stage.from}" (groups: ${known.join(', ')})` });
  const receivers = stage.groups ?? known.filter((g) => g !== stage.from);
  if (receivers.includes(stage.from)) problems.push({ path: ['stages', index, 'groups'], message: `the sending group "${stage.from}" cannot also receive` });
  const rate = planPublishRate(stage, index, groups, receivers, problems);
  let count = stage.count ?? 0;
  if ((stage.count === undefined) === (stage.duration === undefined)) {
    problems.push({ path: ['stages', index], message: 'a downlink stage needs exactly one of duration or count' });
  } else if (stage.duration !== undefined) {
    count = Math.floor((stage.duration / 1000) * rate + 1e-9);
    if (count < 1)
      problems.push({
        path: ['stages', index, 'duration'],
        message: `${formatDurationMs(stage.duration)} is shorter than one interval (${(1000 / rate).toFixed(0)}ms per device)`,
      });
  }
  return {
    type: 'downlink',
    groups: receivers,
    from: stage.from,
    ratePerDevicePerSec: rate,
    countPerDevice: count,
    qos: stage.qos,
    retain: false,
    topicTemplate: stage.topic,
  };
}

/** Which devices of a stage a reconnect storm drops: those whose position crosses a whole share. Spread evenly, the same on every worker and shard. */
export function isDropped(position: number, percent: number): boolean {
  return Math.floor(((position + 1) * percent) / 100) > Math.floor((position * percent) / 100);
}

/** Rules across fields that the schema alone cannot see. */
export function checkStageRules(scenario: Scenario, stages: StagePlan[], problems: PlanProblem[]): void {
  if (scenario.mqtt.sessionExpiry !== undefined && scenario.mqtt.protocolVersion !== 5) {
    problems.push({
      path: ['mqtt', 'sessionExpiry'],
      message: 'session expiry is an MQTT 5 property; set protocolVersion: 5 (3.1.1 has only clean: true/false)',
    });
  }
  if (scenario.capacity !== undefined) {
    const rated = stages.filter((s) => s.type === 'connect' && (s.ratePerSec !== null || s.ramp !== null));
    if (rated.length < 2)
      problems.push({ path: ['capacity'], message: `a capacity search needs at least two connect stages with a rate, one per step (found ${rated.length})` });
  }
  checkUplinkTimestamps(scenario, stages, problems);
  checkDownlinks(scenario, stages, problems);
}

/** A downlink stage needs a connected sender, receivers that subscribed, and a broker that lets a client publish to others. */
function checkDownlinks(scenario: Scenario, stages: StagePlan[], problems: PlanProblem[]): void {
  const connected = new Set<string>();
  const subscribed = new Set<string>();
  stages.forEach((stage, i) => {
    if (stage.type === 'connect') stage.groups.forEach((g) => connected.add(g));
    if (stage.type === 'disconnect') stage.groups.forEach((g) => (connected.delete(g), subscribed.delete(g)));
    if (stage.type === 'subscribe') stage.groups.forEach((g) => subscribed.add(g));
    if (stage.type !== 'downlink') return;
    if (!connected.has(stage.from))
      problems.push({ path: ['stages', i, 'from'], message: `group "${stage.from}" must be connected by an earlier connect stage to send downlinks` });
    const deaf = stage.groups.filter((g) => !subscribed.has(g));
    if (deaf.length > 0)
      problems.push({
        path: ['stages', i, 'groups'],
        message: `${deaf.join(', ')} must subscribe (a subscribe stage before this one) to receive and time downlinks`,
      });
    if (scenario.broker === 'embedded') {
      problems.push({
        path: ['stages', i],
        message: 'the embedded broker lets a device publish only to its own uplink topic; it sends downlinks itself with embedded.downlink',
      });
    }
  });
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
      problems.push({
        path: ['stages', i, 'measure'],
        message: 'uplink latency needs a publishing group whose payload carries {timestamp} (or a sized payload)',
      });
    }
  });
}
