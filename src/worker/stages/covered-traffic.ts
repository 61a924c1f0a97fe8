/**
 * What a subscriber should be receiving: the messages the run's own devices publish (publish
 * stages, on their groups' topics) and send as downlinks (downlink stages), over the whole plan,
 * every shard included, whose topics a filter covers. Stages run in step across workers and
 * shards, so the windows this worker saw are the run's. Used to tell a subscriber that went silent
 * while its filter's traffic went on (a lost subscription) from one that had nothing to receive.
 */
import { deviceId } from '../../scenario/plan.js';
import type { GroupPlan, RunPlan, StagePlan } from '../../scenario/run-plan.js';
import { renderTemplate } from '../../util/template.js';
import { topicMatches } from '../../util/topic-filter.js';

interface TrafficWindow {
  stage: StagePlan;
  startMs: number;
  endMs: number | undefined;
}

/** Wildcard filters are matched against every topic once; past this many distinct ones, no more are learned. */
const MAX_WILDCARD_FILTERS = 64;

export class CoveredTraffic {
  readonly #plan: RunPlan;
  readonly #windows: TrafficWindow[] = [];
  /** Per stage index: topic → devices publishing (or receiving downlinks) on it. */
  readonly #topics = new Map<number, Map<string, number>>();
  /** Per stage index and filter: messages per second the filter covers. */
  readonly #rates = new Map<string, number>();

  constructor(plan: RunPlan) {
    this.#plan = plan;
  }

  stageStarted(stage: StagePlan, startMs: number): void {
    if (stage.type === 'publish' || stage.type === 'downlink') this.#windows.push({ stage, startMs, endMs: undefined });
  }

  stageEnded(endMs: number): void {
    const open = this.#windows.at(-1);
    if (open !== undefined && open.endMs === undefined) open.endMs = endMs;
  }

  /**
   * Messages on topics `filter` covers, published between `fromMs` and `toMs` by the plan's rates,
   * and for how long in that span such traffic ran.
   */
  expected(filter: string, fromMs: number, toMs: number): { messages: number; coveredMs: number } {
    let messages = 0;
    let coveredMs = 0;
    for (const window of this.#windows) {
      const overlapMs = Math.min(toMs, window.endMs ?? toMs) - Math.max(fromMs, window.startMs);
      if (overlapMs <= 0) continue;
      const rate = this.#rate(window.stage, filter);
      if (rate === 0) continue;
      messages += (overlapMs / 1000) * rate;
      coveredMs += overlapMs;
    }
    return { messages, coveredMs };
  }

  #rate(stage: StagePlan, filter: string): number {
    if (stage.type !== 'publish' && stage.type !== 'downlink') return 0;
    const index = this.#plan.stages.indexOf(stage);
    const key = `${index}\u0000${filter}`;
    const known = this.#rates.get(key);
    if (known !== undefined) return known;
    const topics = this.#topicsOf(index, stage);
    let devices = 0;
    if (!filter.includes('+') && !filter.includes('#')) devices = topics.get(filter) ?? 0;
    else if (this.#rates.size < MAX_WILDCARD_FILTERS * Math.max(1, this.#plan.stages.length)) {
      for (const [topic, n] of topics) if (topicMatches(filter, topic)) devices += n;
    }
    const rate = devices * stage.ratePerDevicePerSec;
    this.#rates.set(key, rate);
    return rate;
  }

  #topicsOf(index: number, stage: Extract<StagePlan, { type: 'publish' | 'downlink' }>): Map<string, number> {
    let topics = this.#topics.get(index);
    if (topics !== undefined) return topics;
    topics = new Map();
    const add = (topic: string): void => void topics.set(topic, (topics.get(topic) ?? 0) + 1);
    for (const group of this.#plan.groups.filter((g) => stage.groups.includes(g.name))) {
      for (let i = 0; i < group.count; i++) add(topicOf(stage, group, i));
    }
    this.#topics.set(index, topics);
    return topics;
  }
}

function topicOf(stage: Extract<StagePlan, { type: 'publish' | 'downlink' }>, group: GroupPlan, local: number): string {
  const id = deviceId(group, local);
  // A publish goes to the device's own topic; a downlink to its receiver's. `{seq}` varies per message: one stands for all.
  return stage.type === 'publish'
    ? renderTemplate(group.topicTemplate, { deviceId: id, group: group.name, seq: 1 })
    : renderTemplate(stage.topicTemplate, { deviceId: id });
}
