/**
 * The subscriptions of a worker's devices. A device gets one message listener, on its first
 * subscribe stage; every later filter joins its list, so a message is timed once, by the first
 * filter it matches, however many stages subscribed.
 *
 * A device keeps the filters the broker granted across its connections: after a token refresh, a
 * lost connection that came back or a reconnect storm, `restore` subscribes the new connection
 * again, as a real device does, since a clean session ended with the old one [MQTT-3.1.2-6]. It
 * lives here, not in the engines, so both engines do exactly the same.
 *
 * A session the broker keeps (MQTT 5 session expiry with clean start false, or a 3.1.1 clean
 * session false) outlives a `disconnect` stage: the device keeps its filters and its listener, and
 * when it connects again and the broker says Session Present, what the broker queued meanwhile is
 * counted (queuedReceived) and the drain timed (sessionDrainUs, CONNACK to the last message).
 *
 * It also watches for silence: when a device's session ends (or the run does), a subscriber that
 * received nothing since some moment while its filters' traffic went on (CoveredTraffic) lost its
 * subscription, whatever the cause (a reconnect into a clean session, a broker that forgot it).
 */
import type { Recorder } from '../../metrics/recorder.js';
import type { RunPlan, StagePlan } from '../../scenario/run-plan.js';
import { renderTemplate } from '../../util/template.js';
import type { Clock } from '../../util/clock.js';
import { CoveredTraffic } from './covered-traffic.js';
import { MAX_FAULT_MS, type WorkerFaults } from '../faults.js';
import type { SilentSubscriber } from '../messages.js';
import { METRIC, errorCounter, sessionErrorCounter } from '../../metrics/metric-names.js';
import { recordReceived, type Subscription } from './receive.js';
import { matchingFilter } from '../../util/topic-filter.js';
import type { MessageListener, Session } from '../engines/session-api.js';

export type SubscribeStage = Extract<StagePlan, { type: 'subscribe' }>;

/**
 * Fewer messages missed than this, or a silence shorter than this while traffic ran (the tail of a
 * publish stage, a broker's short outage), is delivery noise, not a lost subscription.
 */
const MIN_MISSED = 10;
const MIN_SILENCE_MS = 3000;

interface Granted {
  /** The stage's template, named in the report. */
  template: string;
  qos: 0 | 1 | 2;
}

interface DeviceState {
  /** The session the listener was given to. */
  session: Session;
  readonly recorder: Recorder;
  readonly listener: MessageListener;
  readonly subscriptions: Subscription[];
  /** Filters the broker granted: what a new connection subscribes again. */
  readonly granted: Map<string, Granted>;
  readonly deviceId: string;
  readonly group: string;
  /** When the broker last granted (or, after a reconnect, granted again) the filters. */
  grantedAtMs: number;
  lastReceivedMs: number;
  /** Set by the `deaf-after` fault only. */
  deafFromMs?: number;
  /** When a connection found its session kept (Session Present): what arrives from then on is the queue draining. */
  drainFromMs?: number;
  /** Connecting again after a `disconnect` stage kept its session: the queue may come before `restore`. */
  reconnecting?: boolean;
}

export class DeviceSubscriptions {
  readonly #clock: Clock;
  readonly #byDevice = new Map<number, DeviceState>();
  readonly traffic: CoveredTraffic;
  #deafAfterMs: number | undefined;
  #silent: SilentSubscriber[] = [];

  /** Receipts are timed on the run's reference clock (clock-probe.ts). */
  readonly #correction: { readonly offsetMs: number } | undefined;

  constructor(clock: Clock, plan: RunPlan, correction?: { readonly offsetMs: number }) {
    this.#clock = clock;
    this.#correction = correction;
    this.traffic = new CoveredTraffic(plan);
  }

  /** The `deafAfterMs` fault (tests only): worker 0's first subscriber stops taking in messages. */
  injectFaults(faults: WorkerFaults | undefined, workerIndex: number): void {
    const deafAfterMs = workerIndex === 0 ? faults?.deafAfterMs : undefined;
    this.#deafAfterMs = deafAfterMs === undefined ? undefined : Math.min(deafAfterMs, MAX_FAULT_MS);
  }

  /** Subscribes one device's session to the stage's filter and counts the outcome. */
  async subscribe(index: number, session: Session, recorder: Recorder, stage: SubscribeStage, values: { deviceId: string; group: string }): Promise<void> {
    const state = this.#byDevice.get(index) ?? this.#start(index, session, recorder, values);
    this.#listenOn(state, session);
    const filter = renderTemplate(stage.topicTemplate, values);
    // Listed before SUBACK: a broker may deliver (retained) messages right behind it.
    state.subscriptions.push({ filter: matchingFilter(filter), measure: stage.measure, timestampField: stage.timestampField });
    const outcome = await session.subscribe(filter, stage.qos);
    if (!outcome.ok) {
      recorder.count(sessionErrorCounter(outcome.reason));
      return;
    }
    recorder.count(METRIC.subscribed);
    state.granted.set(filter, { template: stage.topicTemplate, qos: stage.qos });
    state.grantedAtMs = this.#clock.nowMs();
    if (this.#deafAfterMs !== undefined && ![...this.#byDevice.values()].some((s) => s !== state && s.deafFromMs !== undefined)) {
      state.deafFromMs = state.grantedAtMs + this.#deafAfterMs;
    }
  }

  /** Whether device `index` has subscriptions (or a kept session's listener) that `restore` would bring back. */
  has(index: number): boolean {
    return this.#byDevice.has(index);
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
    // A CONNACK with Session Present: the subscriptions are still there [MQTT-3.2.2-2], and what
    // the broker queued for them comes now.
    state.reconnecting = false;
    if (session.sessionPresent) {
      // Drained from the first queued message the listener saw, if it came before this runs.
      if (state.granted.size > 0) state.drainFromMs ??= this.#clock.nowMs();
      return;
    }
    state.drainFromMs = undefined;
    const outcomes = await Promise.all(
      [...state.granted].map(async ([filter, { qos }]) => {
        const outcome = await session.subscribe(filter, qos);
        if (outcome.ok) state.recorder.count(METRIC.resubscribed);
        // A connection that went away meanwhile is counted as what it was (lost, or closed on
        // purpose) and restored again when it comes back; a refusal on a live one is an error.
        else if (session.connected) state.recorder.count(errorCounter(`resubscribe-failed.${outcome.reason}`));
        return outcome.ok;
      }),
    );
    // Silence is measured from the new grant: what was sent while the device was away is not a lost subscription.
    if (outcomes.every(Boolean)) state.grantedAtMs = this.#clock.nowMs();
  }

  /**
   * Device `index` is about to connect on `session`: a device whose session the broker kept listens
   * there before its CONNACK, since the queued messages come right behind it.
   */
  attach(index: number, session: Session): void {
    const state = this.#byDevice.get(index);
    if (state === undefined) return;
    this.#listenOn(state, session);
    state.drainFromMs = undefined;
    state.reconnecting = true;
  }

  /**
   * A device's connection has ended, noting it if it had gone silent and timing the drain of a
   * kept session. `sessionKept`: the broker keeps the session, so the device keeps its filters
   * (the next connection finds them); otherwise the device is forgotten.
   */
  forget(index: number, sessionKept = false): void {
    const state = this.#byDevice.get(index);
    if (!sessionKept) this.#byDevice.delete(index);
    if (state === undefined) return;
    if (state.drainFromMs !== undefined && state.lastReceivedMs >= state.drainFromMs) {
      state.recorder.record(METRIC.sessionDrainUs, (state.lastReceivedMs - state.drainFromMs) * 1000);
    }
    state.drainFromMs = undefined;
    if (state.granted.size === 0) return;
    const fromMs = Math.max(state.grantedAtMs, state.lastReceivedMs);
    const toMs = this.#clock.nowMs();
    // A message two filters cover arrives once per subscription at most: the largest is the floor.
    const expected = [...state.granted.keys()].map((filter) => this.traffic.expected(matchingFilter(filter), fromMs, toMs));
    const missed = Math.max(...expected.map((e) => e.messages));
    if (missed < MIN_MISSED || Math.max(...expected.map((e) => e.coveredMs)) < MIN_SILENCE_MS) return;
    const [first] = state.granted.values();
    this.#silent.push({ group: state.group, filter: first?.template ?? '', deviceId: state.deviceId, silentFromMs: fromMs, missed: Math.round(missed) });
  }

  /** Subscribers found silent since the last call. */
  takeSilent(): SilentSubscriber[] {
    const silent = this.#silent;
    this.#silent = [];
    return silent;
  }

  #start(index: number, session: Session, recorder: Recorder, values: { deviceId: string; group: string }): DeviceState {
    const subscriptions: Subscription[] = [];
    const state: DeviceState = {
      session,
      recorder,
      subscriptions,
      granted: new Map(),
      deviceId: values.deviceId,
      group: values.group,
      grantedAtMs: 0,
      lastReceivedMs: 0,
      listener: (topic, payload) => {
        const nowMs = this.#clock.nowMs();
        if (state.deafFromMs !== undefined && nowMs >= state.deafFromMs) return;
        state.lastReceivedMs = nowMs;
        // The queue of a kept session comes right behind the CONNACK, before `restore` runs: the
        // Session Present flag is known by then (both engines read it before the next packet).
        if (state.reconnecting === true && state.drainFromMs === undefined && state.session.sessionPresent && state.granted.size > 0) state.drainFromMs = nowMs;
        if (state.drainFromMs !== undefined) recorder.count(METRIC.queuedReceived);
        recordReceived(recorder, subscriptions, topic, payload, nowMs + (this.#correction?.offsetMs ?? 0));
      },
    };
    session.onMessage(state.listener);
    this.#byDevice.set(index, state);
    return state;
  }

  #listenOn(state: DeviceState, session: Session): void {
    if (state.session === session) return;
    state.session = session;
    session.onMessage(state.listener);
  }
}
