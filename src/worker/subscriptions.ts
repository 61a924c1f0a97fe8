/**
 * The subscriptions of a worker's devices. A session gets one message listener, on its first
 * subscribe stage; every later filter joins its list, so a message is timed once, by the first
 * filter it matches, however many stages subscribed.
 *
 * It also watches for silence: when a device's session ends (or the run does), a subscriber that
 * received nothing since some moment while its filters' traffic went on (CoveredTraffic) lost its
 * subscription, whatever the cause (a reconnect into a clean session, a broker that forgot it).
 */
import type { Recorder } from '../metrics/recorder.js';
import type { RunPlan, StagePlan } from '../scenario/plan.js';
import { renderTemplate } from '../util/template.js';
import type { Clock } from './clock.js';
import { CoveredTraffic } from './covered-traffic.js';
import type { WorkerFaults } from './faults.js';
import { METRIC, type SilentSubscriber } from './messages.js';
import { recordReceived, type Subscription } from './receive.js';
import type { Session } from './session-api.js';

export type SubscribeStage = Extract<StagePlan, { type: 'subscribe' }>;

/**
 * Fewer messages missed than this, or a silence shorter than this while traffic ran (the tail of a
 * publish stage, a broker's short outage), is delivery noise, not a lost subscription.
 */
const MIN_MISSED = 10;
const MIN_SILENCE_MS = 3000;

interface DeviceState {
  list: Subscription[];
  deviceId: string;
  group: string;
  /** The stage templates of the granted filters, with the filters. */
  granted: { template: string; filter: string }[];
  grantedAtMs: number;
  lastReceivedMs: number;
  /** Set by the `deaf-after` fault only. */
  deafFromMs?: number;
}

export class DeviceSubscriptions {
  readonly #clock: Clock;
  readonly #byDevice = new Map<number, DeviceState>();
  readonly traffic: CoveredTraffic;
  #deafAfterMs: number | undefined;
  #silent: SilentSubscriber[] = [];

  constructor(clock: Clock, plan: RunPlan) {
    this.#clock = clock;
    this.traffic = new CoveredTraffic(plan);
  }

  /** The `deaf-after` fault (tests only): worker 0's first subscriber stops taking in messages. */
  injectFaults(faults: WorkerFaults | undefined, workerIndex: number): void {
    this.#deafAfterMs = workerIndex === 0 ? faults?.deafAfterMs : undefined;
  }

  /** Subscribes one device's session to the stage's filter and counts the outcome. */
  async subscribe(index: number, session: Session, recorder: Recorder, stage: SubscribeStage, values: { deviceId: string; group: string }): Promise<void> {
    let state = this.#byDevice.get(index);
    if (state === undefined) {
      const created: DeviceState = { list: [], deviceId: values.deviceId, group: values.group, granted: [], grantedAtMs: 0, lastReceivedMs: 0 };
      state = created;
      this.#byDevice.set(index, created);
      session.onMessage((topic, payload) => {
        const nowMs = this.#clock.nowMs();
        if (created.deafFromMs !== undefined && nowMs >= created.deafFromMs) return;
        created.lastReceivedMs = nowMs;
        recordReceived(recorder, created.list, topic, payload, nowMs);
      });
    }
    const filter = renderTemplate(stage.topicTemplate, values);
    // Listed before SUBACK: a broker may deliver (retained) messages right behind it.
    state.list.push({ filter, measure: stage.measure, timestampField: stage.timestampField });
    const outcome = await session.subscribe(filter, stage.qos);
    if (!outcome.ok) {
      recorder.count(METRIC.errorsBy + outcome.reason);
      return;
    }
    recorder.count(METRIC.subscribed);
    state.granted.push({ template: stage.topicTemplate, filter });
    state.grantedAtMs = this.#clock.nowMs();
    if (this.#deafAfterMs !== undefined && ![...this.#byDevice.values()].some((s) => s !== state && s.deafFromMs !== undefined)) {
      state.deafFromMs = state.grantedAtMs + this.#deafAfterMs;
    }
  }

  /** Forgets a device whose session has ended, noting it if it had gone silent. */
  forget(index: number): void {
    const state = this.#byDevice.get(index);
    this.#byDevice.delete(index);
    if (state === undefined || state.granted.length === 0) return;
    const fromMs = Math.max(state.grantedAtMs, state.lastReceivedMs);
    const toMs = this.#clock.nowMs();
    // A message two filters cover arrives once per subscription at most: the largest is the floor.
    const expected = state.granted.map((g) => this.traffic.expected(g.filter, fromMs, toMs));
    const missed = Math.max(...expected.map((e) => e.messages));
    if (missed < MIN_MISSED || Math.max(...expected.map((e) => e.coveredMs)) < MIN_SILENCE_MS) return;
    this.#silent.push({ group: state.group, filter: state.granted[0]?.template ?? '', deviceId: state.deviceId, silentFromMs: fromMs, missed: Math.round(missed) });
  }

  /** Subscribers found silent since the last call. */
  takeSilent(): SilentSubscriber[] {
    const silent = this.#silent;
    this.#silent = [];
    return silent;
  }
}
