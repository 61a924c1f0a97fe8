/**
 * A worker's devices coming and going: connect, subscribe, disconnect, a lost connection handed
 * to the reconnect policy (lost-connections.ts), and the drops and returns of a reconnect storm.
 * A device that is back (after a storm, a lost connection or a token refresh) subscribes again
 * (subscriptions.ts).
 * Every change of a held connection is counted here, in the fleet's `connected`.
 */
import type { SessionEngine } from '../engines/engine.js';
import { deviceEndpoint } from '../endpoint.js';
import type { FleetDevice } from '../fleet.js';
import { LostConnections } from '../lost-connections.js';
import type { ConnectBytes, ConnectOutcome, Session } from '../engines/session-api.js';
import type { StormHost } from './reconnect-storm.js';
import { DeviceSubscriptions, type SubscribeStage } from './subscriptions.js';
import { adoptToken, renewToken, type TokenRefresher } from '../token-refresher.js';
import type { WorkerContext } from '../worker-context.js';
import type { MqttPlan } from '../../scenario/run-plan.js';
import type { Recorder } from '../../metrics/recorder.js';
import { METRIC, errorCounter, sessionErrorCounter, connectFailedCounter, serverDisconnectCounter } from '../../metrics/metric-names.js';

/**
 * Does the broker keep a device's session after a DISCONNECT? MQTT 5: for its Session Expiry
 * Interval, absent meaning 0 [MQTT-3.1.2-23]; 3.1.1: when Clean Session is 0 [MQTT-3.1.2-4].
 */
export function sessionKept(mqtt: Pick<MqttPlan, 'protocolVersion' | 'clean' | 'sessionExpirySec'>): boolean {
  return mqtt.protocolVersion === 5 ? (mqtt.sessionExpirySec ?? 0) > 0 : !mqtt.clean;
}

function countBytes(recorder: Recorder, bytes: ConnectBytes): void {
  recorder.count(METRIC.connectBytes, bytes.connectBytes);
  recorder.count(METRIC.connackBytes, bytes.connackBytes);
}

export class DeviceLifecycle {
  readonly #ctx: WorkerContext;
  readonly #refresher: TokenRefresher;
  readonly #engine: SessionEngine;
  readonly #subscriptions: DeviceSubscriptions;
  readonly #lost: LostConnections;

  /** The devices' subscriptions, and the watch for subscribers gone silent. */
  get subscriptions(): DeviceSubscriptions {
    return this.#subscriptions;
  }

  constructor(ctx: WorkerContext, refresher: TokenRefresher, engine: SessionEngine) {
    this.#ctx = ctx;
    this.#refresher = refresher;
    this.#engine = engine;
    this.#subscriptions = new DeviceSubscriptions(ctx.clock, ctx.plan, ctx.clockCorrection);
    const { fleet } = ctx;
    this.#lost = new LostConnections(ctx.plan.mqtt.reconnect, {
      clock: ctx.clock,
      isCurrent: (index, session) => !ctx.finished() && !ctx.stopping() && fleet.sessions.get(index) === session,
      connectAgain: (index, session) => this.#connectAgain(index, session),
      onBack: (index) => {
        fleet.connected++;
        refresher.schedule(index);
      },
      onGaveUp: (index) => fleet.sessions.delete(index),
      resubscribe: (index, session) => this.#subscriptions.restore(index, session),
    });
    refresher.afterRefresh((index, session) => this.#subscriptions.restore(index, session));
  }

  /** One device's connect; `stageStartMs` dates its CONNACK within the stage, for the rate each group sustains. */
  async connect(index: number, stageStartMs: number): Promise<void> {
    const { clock, fleet, target } = this.#ctx;
    const device = fleet.device(index);
    const { recorder } = device;
    const session = this.#newSession(index, device);
    fleet.sessions.set(index, session);
    // A device back to a session the broker kept hears its queue from the CONNACK on.
    this.#subscriptions.attach(index, session);
    recorder.count(METRIC.connectAttempts);
    const startMs = clock.nowMs();
    const outcome = await this.#connectSession(index, session, device.token, recorder);
    if (outcome.ok) {
      const doneMs = clock.nowMs();
      recorder.record(METRIC.connectUs, (doneMs - startMs) * 1000);
      recorder.record(METRIC.connectDoneUs, (doneMs - stageStartMs) * 1000);
      recorder.count(METRIC.connected);
      fleet.connected++;
      // Only an MQTT 5 CONNACK carries capabilities: a 3.1.1 connect makes no endpoint for them.
      if (session.capabilities !== undefined) this.#ctx.notes?.capabilities(deviceEndpoint(target, device.assignment.globalIndex).url, session.capabilities);
      this.#refresher.schedule(index);
      // Most devices have nothing to restore: no promise for them.
      if (this.#subscriptions.has(index)) await this.#subscriptions.restore(index, session);
    } else {
      fleet.sessions.delete(index);
      recorder.count(METRIC.connectFailed);
      recorder.count(connectFailedCounter(outcome.reason));
    }
  }

  async subscribe(stage: SubscribeStage, index: number): Promise<void> {
    const device = this.#ctx.fleet.device(index);
    const session = this.#ctx.fleet.sessions.get(index);
    // A device in the middle of a token refresh subscribes on its new connection (mqttjs-session.ts, lean-session.ts).
    if (session === undefined || !session.usable) {
      device.recorder.count(errorCounter('not-connected'));
      return;
    }
    await this.#subscriptions.subscribe(index, session, device.recorder, stage, { deviceId: device.assignment.deviceId, group: device.group.name });
  }

  /** Sends DISCONNECT for each device that has a session; counts those that were connected. */
  async disconnect(indices: readonly number[]): Promise<void> {
    const { fleet } = this.#ctx;
    await Promise.all(
      indices.map(async (index) => {
        const session = fleet.sessions.get(index);
        if (session === undefined) return;
        fleet.sessions.delete(index);
        this.#subscriptions.forget(index, sessionKept(this.#ctx.plan.mqtt));
        const wasConnected = session.connected;
        // A device in the middle of a token refresh was taken off `connected` when it began.
        const counted = wasConnected && !fleet.inRefresh.has(index);
        await session.disconnect();
        if (counted) fleet.connected--;
        if (wasConnected) fleet.device(index).recorder.count(METRIC.disconnected);
      }),
    );
  }

  /** What a reconnect storm does to this worker's sessions. */
  readonly storm: StormHost = {
    drop: async (index) => {
      const { fleet } = this.#ctx;
      const session = fleet.sessions.get(index);
      if (session === undefined || !session.connected) return false;
      fleet.sessions.delete(index);
      // Its refresh is planned again when it is back: a plan left here would refresh it twice.
      this.#refresher.forget(index);
      const counted = !fleet.inRefresh.has(index);
      await session.drop();
      if (counted) fleet.connected--;
      fleet.device(index).recorder.count(METRIC.dropped);
      return true;
    },
    reconnect: (index, droppedAtMs) => this.#reconnectAfterDrop(index, droppedAtMs),
  };

  /**
   * A `drop` stage: the devices' connections close abruptly (no DISCONNECT) and stay down, so the
   * broker publishes their wills [MQTT-3.1.2-8]; each dropped device with a will is one expected.
   */
  async dropForGood(indices: readonly number[]): Promise<void> {
    const withWill = this.#ctx.plan.mqtt.will !== null;
    await Promise.all(
      indices.map(async (index) => {
        if (!(await this.storm.drop(index))) return;
        if (withWill) this.#ctx.fleet.device(index).recorder.count(METRIC.willsExpected);
      }),
    );
  }

  /** At the task's end: waits for reconnects under way, disconnects every device, closes the engine. */
  async close(): Promise<void> {
    await this.#lost.settled();
    await this.disconnect([...this.#ctx.fleet.sessions.keys()]);
    this.#engine.close();
  }

  /**
   * A session for device `index`, on its endpoint (broker URL, source address); a connection that
   * goes away is counted and handed to the reconnect policy.
   */
  #newSession(index: number, device: FleetDevice): Session {
    const { fleet, target } = this.#ctx;
    const session: Session = this.#engine.session(
      device.assignment.deviceId,
      (reason, disconnect) => {
        fleet.connected--;
        device.recorder.count(sessionErrorCounter(reason));
        // The broker said why (MQTT 5 DISCONNECT): named beside the loss, which counts once.
        if (disconnect !== undefined) {
          device.recorder.count(serverDisconnectCounter(disconnect.reason));
          if (disconnect.reasonString !== undefined) this.#ctx.notes?.reasonString(disconnect.reason, disconnect.reasonString);
        }
        this.#refresher.forget(index);
        this.#lost.lost(index, session, device.recorder);
      },
      deviceEndpoint(target, device.assignment.globalIndex),
    );
    return session;
  }

  /**
   * One CONNECT as device `index` presents its token now; a device configured for `reauth` whose
   * Authentication Method the broker refused (0x8C) falls back at once to a CONNECT with the
   * password (auth-fallback.ts). `bytesTo`: where the bytes of each CONNECT and CONNACK are counted.
   */
  async #connectSession(index: number, session: Session, token: string, bytesTo?: Recorder): Promise<ConnectOutcome> {
    const { fallbacks } = this.#refresher;
    const device = this.#ctx.fleet.device(index);
    const outcome = await session.connect(this.#ctx.target, fallbacks.mqttPlan(index), token);
    if (bytesTo !== undefined) countBytes(bytesTo, session.lastConnectBytes);
    if (outcome.ok || !fallbacks.shouldRetryWithPassword(index, device, outcome.reason)) return outcome;
    fallbacks.fallBack(index, device, outcome.reason, true);
    const again = await session.connect(this.#ctx.target, fallbacks.mqttPlan(index), token);
    if (bytesTo !== undefined) countBytes(bytesTo, session.lastConnectBytes);
    return again;
  }

  /** A CONNECT after a lost connection, with a token signed now. */
  async #connectAgain(index: number, session: Session): Promise<ConnectOutcome> {
    const device = this.#ctx.fleet.device(index);
    const fresh = await renewToken(device, this.#ctx.clock);
    const outcome = await this.#connectSession(index, session, fresh.token);
    if (outcome.ok) adoptToken(device, fresh);
    return outcome;
  }

  /** Connects a device again after a reconnect storm dropped it; its downtime runs from the drop. */
  async #reconnectAfterDrop(index: number, droppedAtMs: number): Promise<void> {
    const { clock, fleet } = this.#ctx;
    const device = fleet.device(index);
    const { recorder } = device;
    const { token } = await this.#refresher.tokenForReconnect(device);
    const session = this.#newSession(index, device);
    fleet.sessions.set(index, session);
    const outcome = await this.#connectSession(index, session, token);
    if (!outcome.ok) {
      fleet.sessions.delete(index);
      recorder.count(errorCounter(`reconnect-failed.${outcome.reason}`));
      return;
    }
    recorder.record(METRIC.reconnectUs, (clock.nowMs() - droppedAtMs) * 1000);
    recorder.count(METRIC.reconnects);
    fleet.connected++;
    this.#refresher.schedule(index);
    await this.#subscriptions.restore(index, session);
  }
}
