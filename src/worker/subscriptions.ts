/**
 * The subscriptions of a worker's devices. A device gets one message listener, on its first
 * subscribe stage; every later filter joins its list, so a message is timed once, by the first
 * filter it matches, however many stages subscribed.
 *
 * A device keeps the filters the broker granted across its connections: after a token refresh, a
 * lost connection that came back or a reconnect storm, `restore` subscribes the new connection
 * again, as a real device does, since a clean session ended with the old one [MQTT-3.1.2-6]. It
 * lives here, not in the engines, so both engines do exactly the same.
 */
import type { Recorder } from '../metrics/recorder.js';
import type { StagePlan } from '../scenario/plan.js';
import { renderTemplate } from '../util/template.js';
import type { Clock } from './clock.js';
import { METRIC } from './messages.js';
import { recordReceived, type Subscription } from './receive.js';
import type { MessageListener, Session } from './session-api.js';

export type SubscribeStage = Extract<StagePlan, { type: 'subscribe' }>;

interface DeviceState {
  /** The session the listener was given to. */
  session: Session;
  readonly recorder: Recorder;
  readonly listener: MessageListener;
  readonly subscriptions: Subscription[];
  /** Filters the broker granted, with the QoS asked for: what a new connection subscribes again. */
  readonly granted: Map<string, 0 | 1 | 2>;
}

export class DeviceSubscriptions {
  readonly #clock: Clock;
  readonly #byDevice = new Map<number, DeviceState>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Subscribes one device's session to the stage's filter and counts the outcome. */
  async subscribe(index: number, session: Session, recorder: Recorder, stage: SubscribeStage, values: { deviceId: string; group: string }): Promise<void> {
    const state = this.#byDevice.get(index) ?? this.#start(index, session, recorder);
    this.#listenOn(state, session);
    const filter = renderTemplate(stage.topicTemplate, values);
    // Listed before SUBACK: a broker may deliver (retained) messages right behind it.
    state.subscriptions.push({ filter, measure: stage.measure, timestampField: stage.timestampField });
    const outcome = await session.subscribe(filter, stage.qos);
    if (outcome.ok) {
      state.granted.set(filter, stage.qos);
      recorder.count(METRIC.subscribed);
    } else recorder.count(METRIC.errorsBy + outcome.reason);
  }

  /**
   * Device `index` is connected again, on `session` (the same one after a refresh or a lost
   * connection, a new one after a reconnect storm): it listens there and subscribes again to every
   * granted filter, counted as `resubscribed`, unless the broker kept its session. Messages sent
   * while it was away are lost, as for a real device (a persistent session keeps them instead).
   */
  async restore(index: number, session: Session): Promise<void> {
    const state = this.#byDevice.get(index);
    if (state === undefined) return;
    this.#listenOn(state, session);
    // A CONNACK with Session Present: the subscriptions are still there [MQTT-3.2.2-2].
    if (session.sessionPresent) return;
    await Promise.all(
      [...state.granted].map(async ([filter, qos]) => {
        const outcome = await session.subscribe(filter, qos);
        if (outcome.ok) state.recorder.count(METRIC.resubscribed);
        // A connection that went away meanwhile is counted as what it was (lost, or closed on
        // purpose) and restored again when it comes back; a refusal on a live one is an error.
        else if (session.connected) state.recorder.count(METRIC.errorsBy + `resubscribe-failed.${outcome.reason}`);
      }),
    );
  }

  /** Forgets a device whose session has ended on purpose. */
  forget(index: number): void {
    this.#byDevice.delete(index);
  }

  #start(index: number, session: Session, recorder: Recorder): DeviceState {
    const subscriptions: Subscription[] = [];
    const listener: MessageListener = (topic, payload) => recordReceived(recorder, subscriptions, topic, payload, this.#clock.nowMs());
    const state: DeviceState = { session, recorder, listener, subscriptions, granted: new Map() };
    session.onMessage(listener);
    this.#byDevice.set(index, state);
    return state;
  }

  #listenOn(state: DeviceState, session: Session): void {
    if (state.session === session) return;
    state.session = session;
    session.onMessage(state.listener);
  }
}
