/**
 * The subscriptions of a worker's devices. A session gets one message listener, on its first
 * subscribe stage; every later filter joins its list, so a message is timed once, by the first
 * filter it matches, however many stages subscribed.
 */
import type { Recorder } from '../metrics/recorder.js';
import type { StagePlan } from '../scenario/plan.js';
import { renderTemplate } from '../util/template.js';
import type { Clock } from './clock.js';
import { recordReceived, type Subscription } from './receive.js';
import type { Session } from './session-api.js';
import { METRIC, sessionErrorCounter } from '../metrics/metric-names.js';

export type SubscribeStage = Extract<StagePlan, { type: 'subscribe' }>;

export class DeviceSubscriptions {
  readonly #clock: Clock;
  readonly #byDevice = new Map<number, Subscription[]>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Subscribes one device's session to the stage's filter and counts the outcome. */
  async subscribe(index: number, session: Session, recorder: Recorder, stage: SubscribeStage, values: { deviceId: string; group: string }): Promise<void> {
    let list = this.#byDevice.get(index);
    if (list === undefined) {
      const created: Subscription[] = [];
      list = created;
      this.#byDevice.set(index, created);
      session.onMessage((topic, payload) => recordReceived(recorder, created, topic, payload, this.#clock.nowMs()));
    }
    const filter = renderTemplate(stage.topicTemplate, values);
    // Listed before SUBACK: a broker may deliver (retained) messages right behind it.
    list.push({ filter, measure: stage.measure, timestampField: stage.timestampField });
    const outcome = await session.subscribe(filter, stage.qos);
    if (outcome.ok) recorder.count(METRIC.subscribed);
    else recorder.count(sessionErrorCounter(outcome.reason));
  }

  /** Forgets a device whose session has ended. */
  forget(index: number): void {
    this.#byDevice.delete(index);
  }
}
