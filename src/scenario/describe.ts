/**
 * The plan in words, with estimates, for `validate`: what will happen, how long it takes, how
 * much each worker holds and what the peak rates are, before anything connects.
 */
import { estimateKeygenMs, estimateSignMs } from '../identity/costs.js';
import { planStageLayout, totalDevices } from './plan.js';
import type { GroupPlan, RunPlan, StagePlan } from './run-plan.js';
import { formatDurationMs } from './units.js';
import { arrivalDurationMs, arrivalInWords } from './arrival.js';
import { isDropped } from './plan-stages.js';

const rate = (perSec: number): string => (perSec >= 1 || perSec === 0 ? `${round(perSec)}/s` : `${round(perSec * 60)}/min`);
const round = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, ''));
const seconds = (ms: number): string => (ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);

export interface PlanDescription {
  lines: string[];
  estimatedDurationMs: number;
  peakMessagesPerSec: number;
  maxConnectionsPerWorker: number;
}

export function describePlan(plan: RunPlan): PlanDescription {
  const lines: string[] = [];
  const devices = totalDevices(plan);
  lines.push(
    `${devices} devices in ${plan.groups.length} group${plan.groups.length === 1 ? '' : 's'} on ${plan.workers} workers, broker ${plan.broker.kind === 'embedded' ? 'embedded' : plan.broker.urls.join(', ')}${plan.localAddresses.length > 0 ? ` from ${plan.localAddresses.length} source addresses` : ''}:`,
  );
  for (const group of plan.groups)
    lines.push(
      `  ${group.name}: ${group.count} ${group.alg} devices (${group.ids === null ? group.idPattern : `ids from ${group.idPattern}`}), ${keysInWords(group)}, tokens of ${formatDurationMs(group.token.lifetimeSec * 1000)}, ${payloadInWords(group)}`,
    );
  let totalMs = 0;
  let peak = 0;
  plan.stages.forEach((stage, i) => {
    const { total } = planStageLayout(plan, stage);
    const { text, durationMs, messagesPerSec } = stageInWords(stage, total);
    peak = Math.max(peak, messagesPerSec);
    totalMs += durationMs;
    lines.push(`${i + 1}. ${text}${durationMs > 0 ? ` (${seconds(durationMs)})` : ''}`);
  });
  if (plan.capacity !== null) {
    const stop = plan.capacity.stopAtBreak ? 'the run ends at the first step that breaks' : 'every step runs';
    lines.push(`capacity search: each connect stage is a step judged on its own by ${plan.capacity.thresholds.map((t) => t.expression).join(', ')}; ${stop}`);
  }
  const signMs = plan.groups.reduce((ms, g) => ms + estimateSignMs(g.alg, g.count, plan.workers), 0);
  const keygenMs = plan.groups.reduce((ms, g) => ms + (g.keys.mode === 'per-device' ? estimateKeygenMs(g.alg, g.rsaBits, g.count, plan.workers) : 0), 0);
  const perWorker = Math.ceil(devices / plan.workers);
  lines.push(`estimated duration ${seconds(totalMs)}, up to ${perWorker} connections per worker, peak ${round(peak)} msg/s`);
  lines.push(
    `${devices} tokens to pre-sign, about ${seconds(signMs)}; generating per-device keys the first time, about ${seconds(keygenMs)} (kept for later runs)`,
  );
  return { lines, estimatedDurationMs: totalMs, peakMessagesPerSec: peak, maxConnectionsPerWorker: perWorker };
}

/** Each stage's planned duration in ms (0 for stages that take as long as they take). */
export function estimateStageDurationsMs(plan: RunPlan): number[] {
  return plan.stages.map((stage) => stageInWords(stage, planStageLayout(plan, stage).total).durationMs);
}

function payloadInWords(group: GroupPlan): string {
  const p = group.payload;
  if (p.kind === 'size') return `payloads of ${p.bytes} B`;
  return `${p.json ? 'JSON' : 'text'} payload template of ${Buffer.byteLength(p.template)} B`;
}

function keysInWords(group: GroupPlan): string {
  const keys = group.keys;
  switch (keys.mode) {
    case 'per-device':
      return `per-device keys in ${keys.storePath}`;
    case 'pool':
      return `a pool of ${keys.size} keys in ${keys.storePath}`;
    case 'shared':
      return `one shared key from ${keys.privateKeyPath}`;
    case 'files':
      return `one key file per device in ${keys.dir}`;
  }
}

function stageInWords(stage: StagePlan, devices: number): { text: string; durationMs: number; messagesPerSec: number } {
  const interleaved = (stage.type === 'connect' || stage.type === 'publish') && stage.order === 'interleaved' && stage.groups.length > 1 ? ', interleaved' : '';
  const who = `${devices} devices (${stage.groups.join(', ')}${interleaved})`;
  switch (stage.type) {
    case 'connect':
      return { text: `${who} connect ${arrivalInWords(stage, rate, formatDurationMs)}`, durationMs: arrivalDurationMs(devices, stage), messagesPerSec: 0 };
    case 'publish': {
      const durationMs = (stage.countPerDevice / stage.ratePerDevicePerSec) * 1000;
      const total = devices * stage.ratePerDevicePerSec;
      return {
        text: `${who} publish ${rate(stage.ratePerDevicePerSec)} each, ${stage.countPerDevice} messages each, at QoS ${stage.qos}${stage.retain ? ', retained' : ''}${stage.properties === null ? '' : `, with MQTT 5 properties${stage.properties.topicAlias ? ' and topic aliases' : ''}`}: ${devices * stage.countPerDevice} messages at ${round(total)} msg/s`,
        durationMs,
        messagesPerSec: total,
      };
    }
    case 'subscribe':
      return {
        text: `${who} subscribe to ${stage.topicTemplate} at QoS ${stage.qos} and ${stage.measure === 'wills' ? 'count the wills received' : `measure ${stage.measure} latency`}`,
        durationMs: 0,
        messagesPerSec: 0,
      };
    case 'hold':
      return { text: `${who} hold their connections`, durationMs: stage.durationMs, messagesPerSec: 0 };
    case 'disconnect': {
      const arrival = { ratePerSec: stage.ratePerSec, ramp: null };
      return {
        text: `${who} disconnect ${arrivalInWords(arrival, rate, formatDurationMs)}`,
        durationMs: arrivalDurationMs(devices, arrival),
        messagesPerSec: 0,
      };
    }
    case 'reconnect-storm': {
      const dropped = droppedCount(devices, stage.percent);
      const arrival = { ratePerSec: stage.ratePerSec, ramp: null };
      return {
        text: `${who}: ${round(stage.percent)}% (${dropped}) drop their connections abruptly and reconnect ${arrivalInWords(arrival, rate, formatDurationMs)}`,
        durationMs: arrivalDurationMs(dropped, arrival),
        messagesPerSec: 0,
      };
    }
    case 'drop':
      return {
        text: `${who}: ${round(stage.percent)}% (${droppedCount(devices, stage.percent)}) drop their connections abruptly and stay down`,
        durationMs: 0,
        messagesPerSec: 0,
      };
    case 'pause':
      return { text: 'pause', durationMs: stage.durationMs, messagesPerSec: 0 };
    case 'downlink': {
      const total = devices * stage.ratePerDevicePerSec;
      return {
        text: `${stage.from} sends ${who} ${rate(stage.ratePerDevicePerSec)} downlinks each on ${stage.topicTemplate}, ${stage.countPerDevice} each, at QoS ${stage.qos}: ${devices * stage.countPerDevice} messages at ${round(total)} msg/s`,
        durationMs: (stage.countPerDevice / stage.ratePerDevicePerSec) * 1000,
        messagesPerSec: total,
      };
    }
  }
}

function droppedCount(devices: number, percent: number): number {
  let n = 0;
  for (let p = 0; p < devices; p++) if (isDropped(p, percent)) n++;
  return n;
}
