/** One worker's part of a run: its devices, their sessions, and the stage loop. */
import { Recorder } from '../metrics/recorder.js';
import type { MetricsSnapshot } from '../metrics/snapshot.js';
import { signTokenAsync } from '../identity/token.js';
import { planStageLayout, tokenSpec, type RunPlan, type StagePlan } from '../scenario/plan.js';
import { renderTemplate } from '../util/template.js';
import { compilePayload, type CompiledPayload } from '../scenario/payload.js';
import { runArrivals } from './stages/arrivals.js';
import { runReconnectStorm, type StormHost } from './stages/reconnect-storm.js';
import { downlinkPayload, downlinkRoutes } from './stages/downlink.js';
import type { Clock } from './clock.js';
import { prepareKeys, presignTokens, type DeviceKey, type PreparedDevice } from './devices.js';
import { METRIC, type CoordinatorToWorker, type WorkerSnapshot, type WorkerTask, type WorkerToCoordinator } from './messages.js';
import { actionFault, firstStageFaults, startFaults } from './faults.js';
import { PaceMeter } from './pace.js';
import { refreshAtMs, RefreshQueue, type RefreshEntry } from './refresh.js';
import { publishTimes, runPlanned } from './schedule.js';
import { createEngine, type SessionEngine } from './engine.js';
import type { ConnectOutcome, Session } from './session-api.js';
import { deviceEndpoint } from './endpoint.js';
import { LostConnections } from './lost-connections.js';
import { stageDevices, type StageDevices } from './stage-devices.js';
import { EventLoopDelayMonitor } from './event-loop-delay.js';
import { DeviceSubscriptions, type SubscribeStage } from './subscriptions.js';

type PlannedPublish = Pick<Extract<StagePlan, { type: 'publish' | 'downlink' }>, 'ratePerDevicePerSec' | 'countPerDevice' | 'qos' | 'retain'>;
/** A message other than the device's own uplink (a backend's downlink to another device). */
type MessageOf = (route: number, seq: number, sentMs: number) => { topic: string; payload: string };

const SNAPSHOT_INTERVAL_MS = 1000;
/**
 * How often the refresh loop looks at its queue, and how far ahead of a reconnect it signs (at
 * most a quarter of refreshBefore: a token signed early expires early too).
 */
const REFRESH_TICK_MS = 250;
const REFRESH_SIGN_LEAD_MS = 5000;

/** One QoS 1/2 publish awaiting its ack; `timedOut` once the stage's drain gave up on it. */
interface PendingPublish {
  groupIndex: number;
  timedOut: boolean;
}

export class WorkerRun {
  readonly #task: WorkerTask;
  readonly #plan: RunPlan;
  readonly #clock: Clock;
  readonly #recorders: Recorder[];
  readonly #harness = new Recorder();
  readonly #eventLoop = new EventLoopDelayMonitor();
  #lastElu = performance.eventLoopUtilization();
  readonly #sessions = new Map<number, Session>();
  readonly #engine: SessionEngine;
  readonly #starts = new Map<number, number>();
  readonly #subscriptions: DeviceSubscriptions;
  readonly #payloads: CompiledPayload[];
  #devices: PreparedDevice[] = [];
  #connected = 0;
  #inFlight = 0;
  /** Snapshots are tagged with the stage they belong to; -1 is preparation. */
  #stageIndex = -1;
  #stopping = false;
  #finished = false;
  readonly #refreshes = new RefreshQueue();
  readonly #refreshing = new Set<Promise<void>>();
  #wake: (() => void) | undefined;
  readonly #lost: LostConnections;
  readonly #pace: PaceMeter;
  /** Devices between the DISCONNECT and the CONNACK of a token refresh: already counted as not connected. */
  readonly #inRefresh = new Set<number>();

  constructor(task: WorkerTask, clock: Clock) {
    this.#pace = new PaceMeter(actionFault(task.faults));
    this.#task = task;
    this.#plan = task.plan;
    this.#clock = clock;
    this.#recorders = task.plan.groups.map(() => new Recorder());
    this.#subscriptions = new DeviceSubscriptions(clock);
    this.#engine = createEngine(task.plan.mqtt);
    this.#lost = new LostConnections(task.plan.mqtt.reconnect, {
      clock,
      isCurrent: (index, session) => !this.#finished && !this.#stopping && this.#sessions.get(index) === session,
      connectAgain: (index, session) => this.#connectAgain(index, session),
      onBack: (index) => {
        this.#connected++;
        this.#scheduleRefresh(index);
      },
      onGaveUp: (index) => this.#sessions.delete(index),
    });
    this.#payloads = task.plan.groups.map((g) => compilePayload(g.payload));
  }

  async execute(): Promise<WorkerResult> {
    const { port } = this.#task;
    port.on('message', (message: CoordinatorToWorker) => this.#onMessage(message));
    const timer = setInterval(() => this.#post({ type: 'snapshot', snapshot: this.#snapshot(false) }), SNAPSHOT_INTERVAL_MS);
    const refreshLoop = this.#refreshLoop();
    try {
      await this.#prepare();
      this.#post({ type: 'ready', workerIndex: this.#task.workerIndex });
      for (let i = 0; i < this.#plan.stages.length && !this.#stopping; i++) {
        const startAtMs = await this.#waitForStart(i);
        if (startAtMs === undefined) break;
        // Close the previous stage's interval so each stage's section holds only its own work.
        this.#post({ type: 'snapshot', snapshot: this.#snapshot(false) });
        this.#stageIndex = i;
        firstStageFaults(this.#task.faults, this.#task.workerIndex, i);
        await this.#runStage(this.#plan.stages[i] as StagePlan, startAtMs);
        this.#pace.endStage(this.#harness);
        this.#post({ type: 'snapshot', snapshot: this.#snapshot(false) });
        this.#post({ type: 'stage-done', workerIndex: this.#task.workerIndex, stageIndex: i });
      }
    } finally {
      clearInterval(timer);
      this.#finished = true;
      await refreshLoop;
      await Promise.all(this.#refreshing);
      await this.#lost.settled();
      await this.#disconnectAll([...this.#sessions.keys()]);
      this.#engine.close();
      this.#eventLoop.stop();
    }
    const result = this.#snapshot(true);
    port.close();
    return result;
  }

  #onMessage(message: CoordinatorToWorker): void {
    if (message.type === 'start-stage') this.#starts.set(message.stageIndex, message.startAtMs);
    else this.#stopping = true;
    this.#wake?.();
  }

  #post(message: WorkerToCoordinator): void {
    this.#task.port.postMessage(message);
  }

  #waitForStart(stageIndex: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.#stopping) resolve(undefined);
        else if (this.#starts.has(stageIndex)) resolve(this.#starts.get(stageIndex));
        else {
          this.#wake = check;
          return;
        }
        this.#wake = undefined;
      };
      check();
    });
  }

  async #prepare(): Promise<void> {
    const { devices } = this.#task;
    devices.forEach((d) => this.#recorders[d.groupIndex]?.count(METRIC.devices));
    const keys = await prepareKeys(devices, this.#plan.groups, this.#recorders, {
      onGenerated: (groupIndex, list) => this.#post({ type: 'keys-generated', groupIndex, keys: list }),
      shouldStop: () => this.#stopping,
    });
    if (this.#stopping) return;
    this.#devices = await presignTokens(devices, this.#plan.groups, keys as DeviceKey[], this.#recorders, this.#clock);
  }

  /** This worker's devices in `stage`, by their positions in the stage's global order. */
  #stageDevices(stage: StagePlan): StageDevices {
    const members = this.#devices.map((d) => ({ groupIndex: d.assignment.groupIndex, localIndex: d.assignment.globalIndex - d.group.firstIndex }));
    return stageDevices(members, planStageLayout(this.#plan, stage));
  }


  async #runStage(stage: StagePlan, startAtMs: number): Promise<void> {
    const stopFaults = startFaults(this.#task.faults);
    try {
      await this.#runStageOf(stage, startAtMs);
    } finally {
      stopFaults();
    }
  }

  async #runStageOf(stage: StagePlan, startAtMs: number): Promise<void> {
    const { indices, positions, total } = this.#stageDevices(stage);
    switch (stage.type) {
      case 'connect':
        return runArrivals(startAtMs, stage, positions, this.#clock, (i) => this.#connectOne(indices[i] as number, startAtMs), () => this.#stopping, this.#pace);
      case 'publish':
        return this.#publish(stage, indices, positions, total, startAtMs);
      case 'subscribe':
        await Promise.all(indices.map((index) => this.#subscribeOne(stage, index)));
        return;
      case 'hold':
      case 'pause':
        return this.#sleepUnlessStopped(startAtMs + stage.durationMs - this.#clock.nowMs());
      case 'disconnect':
        if (stage.ratePerSec === null) return this.#disconnectAll(indices);
        return runArrivals(startAtMs, { ratePerSec: stage.ratePerSec, ramp: null }, positions, this.#clock, (i) => this.#disconnectAll([indices[i] as number]), () => this.#stopping, this.#pace);
      case 'downlink': {
        const routes = downlinkRoutes(this.#plan, stage, this.#devices);
        const message: MessageOf = (route, seq, sentMs) => ({ topic: renderTemplate(stage.topicTemplate, { deviceId: routes.targetIds[route] as string }), payload: downlinkPayload(seq, sentMs) });
        return this.#publish(stage, routes.senders, routes.positions, routes.total, startAtMs, message);
      }
      case 'reconnect-storm':
        return runReconnectStorm(stage, indices, positions, startAtMs, this.#stormHost, this.#clock, () => this.#stopping, this.#pace);
    }
  }

  /** What a reconnect storm does to this worker's sessions. */
  readonly #stormHost: StormHost = {
    drop: async (index) => {
      const session = this.#sessions.get(index);
      if (session === undefined || !session.connected) return false;
      this.#sessions.delete(index);
      this.#subscriptions.forget(index);
      await session.drop();
      this.#connected--;
      this.#recorders[(this.#devices[index] as PreparedDevice).assignment.groupIndex]?.count(METRIC.dropped);
      return true;
    },
    reconnect: (index, droppedAtMs) => this.#reconnectOne(index, droppedAtMs),
  };

  /**
   * The token a dropped device comes back with: its own while its refresh is still ahead in the
   * queue (that refresh will find the new session); else a fresh one, which needs a new place in
   * the queue, since a refresh that fell into the downtime found no session and was let go.
   */
  async #tokenForReconnect(device: PreparedDevice, recorder: Recorder): Promise<{ token: string; fresh: boolean }> {
    const position = device.assignment.globalIndex - device.group.firstIndex;
    const refreshDueMs = refreshAtMs(device.expSec, device.group.token.refreshBeforeSec, position, device.group.count);
    if (this.#clock.nowMs() + this.#signLeadMs < refreshDueMs) return { token: device.token, fresh: false };
    const nowSec = this.#clock.nowMs() / 1000;
    device.token = await signTokenAsync(tokenSpec(device.group), device.assignment.deviceId, device.key.privateKey, device.key.kid, nowSec);
    device.expSec = Math.floor(nowSec) + device.group.token.lifetimeSec;
    recorder.count(METRIC.tokensSigned);
    return { token: device.token, fresh: true };
  }

  /** One device's connect; `stageStartMs` dates its CONNACK within the stage, for the rate each group sustains. */
  async #connectOne(index: number, stageStartMs: number): Promise<void> {
    const device = this.#devices[index] as PreparedDevice;
    const recorder = this.#recorders[device.assignment.groupIndex] as Recorder;
    const session = this.#newSession(index, recorder);
    this.#sessions.set(index, session);
    recorder.count(METRIC.connectAttempts);
    const startMs = this.#clock.nowMs();
    const outcome = await session.connect(this.#task.target, this.#plan.mqtt, device.token);
    const bytes = session.lastConnectBytes;
    recorder.count(METRIC.connectBytes, bytes.connectBytes);
    recorder.count(METRIC.connackBytes, bytes.connackBytes);
    if (outcome.ok) {
      const doneMs = this.#clock.nowMs();
      recorder.record(METRIC.connectUs, (doneMs - startMs) * 1000);
      recorder.record(METRIC.connectDoneUs, (doneMs - stageStartMs) * 1000);
      recorder.count(METRIC.connected);
      this.#connected++;
      this.#scheduleRefresh(index);
    } else {
      this.#sessions.delete(index);
      recorder.count(METRIC.connectFailed);
      recorder.count(METRIC.connectFailedBy + outcome.reason);
    }
  }

  /**
   * A session for device `index`, on its endpoint (broker URL, source address); a connection that
   * goes away is counted and handed to the reconnect policy.
   */
  #newSession(index: number, recorder: Recorder): Session {
    const device = this.#devices[index] as PreparedDevice;
    const session: Session = this.#engine.session(
      device.assignment.deviceId,
      (reason) => {
        this.#connected--;
        recorder.count(METRIC.errorsBy + reason);
        this.#refreshes.remove(index);
        this.#lost.lost(index, session, recorder);
      },
      deviceEndpoint(this.#task.target, device.assignment.globalIndex),
    );
    return session;
  }

  /** A CONNECT after a lost connection, with a token signed now. */
  async #connectAgain(index: number, session: Session): Promise<ConnectOutcome> {
    const device = this.#devices[index] as PreparedDevice;
    const nowSec = this.#clock.nowMs() / 1000;
    const token = await signTokenAsync(tokenSpec(device.group), device.assignment.deviceId, device.key.privateKey, device.key.kid, nowSec);
    (this.#recorders[device.assignment.groupIndex] as Recorder).count(METRIC.tokensSigned);
    const outcome = await session.connect(this.#task.target, this.#plan.mqtt, token);
    if (outcome.ok) {
      device.token = token;
      device.expSec = Math.floor(nowSec) + device.group.token.lifetimeSec;
    }
    return outcome;
  }

  /** Connects a device again after a reconnect storm dropped it; its downtime runs from the drop. */
  async #reconnectOne(index: number, droppedAtMs: number): Promise<void> {
    const device = this.#devices[index] as PreparedDevice;
    const recorder = this.#recorders[device.assignment.groupIndex] as Recorder;
    const { token, fresh } = await this.#tokenForReconnect(device, recorder);
    const session = this.#newSession(index, recorder);
    this.#sessions.set(index, session);
    const outcome = await session.connect(this.#task.target, this.#plan.mqtt, token);
    if (!outcome.ok) {
      this.#sessions.delete(index);
      recorder.count(METRIC.errorsBy + `reconnect-failed.${outcome.reason}`);
      return;
    }
    recorder.record(METRIC.reconnectUs, (this.#clock.nowMs() - droppedAtMs) * 1000);
    recorder.count(METRIC.reconnects);
    this.#connected++;
    if (fresh) this.#scheduleRefresh(index);
  }

  async #publish(stage: PlannedPublish, indices: number[], positions: number[], total: number, startAtMs: number, message?: MessageOf): Promise<void> {
    const pending = new Map<Promise<void>, PendingPublish>();
    const intervalMs = 1000 / stage.ratePerDevicePerSec;
    await runPlanned(
      publishTimes(startAtMs, stage.ratePerDevicePerSec, stage.countPerDevice, positions, total),
      this.#clock,
      (event) => {
        const route = event.device;
        const entry: PendingPublish = { groupIndex: (this.#devices[indices[route] as number] as PreparedDevice).assignment.groupIndex, timedOut: false };
        const promise = this.#publishOne(stage, indices[route] as number, event.seq, event.atMs, intervalMs, entry, message && ((sentMs) => message(route, event.seq, sentMs)));
        pending.set(promise, entry);
        void promise.finally(() => pending.delete(promise));
      },
      () => this.#stopping,
      this.#pace,
    );
    await this.#drain(pending);
  }

  async #publishOne(stage: PlannedPublish, index: number, seq: number, plannedMs: number, intervalMs: number, entry: PendingPublish, message?: (sentMs: number) => { topic: string; payload: string }): Promise<void> {
    const device = this.#devices[index] as PreparedDevice;
    const recorder = this.#recorders[device.assignment.groupIndex] as Recorder;
    const session = this.#sessions.get(index);
    if (session === undefined || !session.usable) {
      recorder.count(METRIC.errorsBy + 'not-connected');
      return;
    }
    const deviceId = device.assignment.deviceId;
    const sentMs = this.#clock.nowMs();
    const lagMs = sentMs - plannedMs;
    recorder.record(METRIC.sendLagUs, Math.max(0, lagMs) * 1000);
    if (lagMs > intervalMs) recorder.count(METRIC.missedSlots);
    const { topic, payload } = message?.(sentMs) ?? {
      topic: renderTemplate(device.group.topicTemplate, { deviceId, group: device.group.name, seq }),
      payload: (this.#payloads[device.assignment.groupIndex] as CompiledPayload)({ deviceId, group: device.group.name, seq, timestampMs: sentMs, random: Math.random }),
    };
    recorder.count(METRIC.published);
    this.#inFlight++;
    try {
      await session.publish(topic, payload, stage.qos, stage.retain);
    } catch (error) {
      // Already counted as an ack-timeout: a later failure is not a second outcome.
      if (!entry.timedOut) recorder.count(METRIC.errorsBy + publishErrorKind((error as Error).message));
      return;
    } finally {
      this.#inFlight--;
    }
    if (stage.qos === 0) return;
    // Already counted as an ack-timeout: a late ack is counted apart, never as a second outcome.
    if (entry.timedOut) return recorder.count(METRIC.ackedLate);
    const ackMs = this.#clock.nowMs();
    // Latency from the planned send time (corrected for coordinated omission) and, beside it,
    // from the actual send, as wrk2 keeps both. A send up to 1 ms early (timer granularity) is
    // measured from the send itself, so the corrected figure is never the smaller one.
    recorder.record(METRIC.publishAckUs, (ackMs - Math.min(plannedMs, sentMs)) * 1000);
    recorder.record(METRIC.publishAckUncorrectedUs, (ackMs - sentMs) * 1000);
    recorder.count(METRIC.acked);
  }

  async #subscribeOne(stage: SubscribeStage, index: number): Promise<void> {
    const device = this.#devices[index] as PreparedDevice;
    const recorder = this.#recorders[device.assignment.groupIndex] as Recorder;
    const session = this.#sessions.get(index);
    if (session === undefined || !session.connected) {
      recorder.count(METRIC.errorsBy + 'not-connected');
      return;
    }
    await this.#subscriptions.subscribe(index, session, recorder, stage, { deviceId: device.assignment.deviceId, group: device.group.name });
  }

  /** Waits for outstanding acks, at most one connect timeout; what is left is counted lost. */
  async #drain(pending: Map<Promise<void>, PendingPublish>): Promise<void> {
    const deadline = this.#clock.nowMs() + this.#plan.mqtt.connectTimeoutMs;
    while (pending.size > 0 && this.#clock.nowMs() < deadline) {
      await Promise.race([Promise.all(pending.keys()), this.#clock.sleepMs(100)]);
    }
    for (const entry of pending.values()) {
      entry.timedOut = true;
      this.#recorders[entry.groupIndex]?.count(METRIC.errorsBy + 'ack-timeout');
    }
  }

  async #disconnectAll(indices: number[]): Promise<void> {
    await Promise.all(
      indices.map(async (index) => {
        const session = this.#sessions.get(index);
        if (session === undefined) return;
        this.#sessions.delete(index);
        this.#subscriptions.forget(index);
        const wasConnected = session.connected && !this.#inRefresh.has(index);
        await session.disconnect();
        if (wasConnected) {
          this.#connected--;
          this.#recorders[(this.#devices[index] as PreparedDevice).assignment.groupIndex]?.count(METRIC.disconnected);
        }
      }),
    );
  }

  get #signLeadMs(): number {
    const shortest = Math.min(...this.#plan.groups.map((g) => g.token.refreshBeforeSec));
    return Math.min(REFRESH_SIGN_LEAD_MS, (shortest * 1000) / 4);
  }

  #scheduleRefresh(index: number): void {
    const device = this.#devices[index] as PreparedDevice;
    const position = device.assignment.globalIndex - device.group.firstIndex;
    this.#refreshes.add({ device: index, atMs: refreshAtMs(device.expSec, device.group.token.refreshBeforeSec, position, device.group.count) });
  }

  /** Runs for the whole task: signs fresh tokens ahead of need and reconnects devices with them. */
  async #refreshLoop(): Promise<void> {
    while (!this.#finished) {
      await this.#clock.sleepMs(REFRESH_TICK_MS);
      for (const entry of this.#refreshes.takeDue(this.#clock.nowMs() + this.#signLeadMs)) {
        const promise = this.#refreshOne(entry);
        this.#refreshing.add(promise);
        void promise.finally(() => this.#refreshing.delete(promise));
      }
    }
  }

  async #refreshOne(entry: RefreshEntry): Promise<void> {
    const device = this.#devices[entry.device] as PreparedDevice;
    const session = this.#sessions.get(entry.device);
    if (session === undefined || !session.connected) return;
    const recorder = this.#recorders[device.assignment.groupIndex] as Recorder;
    const nowSec = this.#clock.nowMs() / 1000;
    const token = await signTokenAsync(tokenSpec(device.group), device.assignment.deviceId, device.key.privateKey, device.key.kid, nowSec);
    recorder.count(METRIC.tokensSigned);
    await this.#clock.sleepMs(Math.max(0, entry.atMs - this.#clock.nowMs()));
    if (this.#finished || this.#sessions.get(entry.device) !== session || !session.connected) return;
    const startMs = this.#clock.nowMs();
    this.#connected--;
    this.#inRefresh.add(entry.device);
    const outcome = await session.refresh(this.#task.target, this.#plan.mqtt, token).finally(() => this.#inRefresh.delete(entry.device));
    if (this.#sessions.get(entry.device) !== session) {
      // A disconnect stage took the device meanwhile: no failure, and nothing left open.
      if (outcome.ok) await session.disconnect();
      return;
    }
    if (outcome.ok) {
      this.#connected++;
      recorder.count(METRIC.refreshes);
      recorder.record(METRIC.refreshUs, (this.#clock.nowMs() - startMs) * 1000);
      device.expSec = Math.floor(nowSec) + device.group.token.lifetimeSec;
      device.token = token;
      this.#scheduleRefresh(entry.device);
    } else {
      this.#sessions.delete(entry.device);
      recorder.count(METRIC.errorsBy + `refresh-failed.${outcome.reason}`);
    }
  }

  async #sleepUnlessStopped(ms: number): Promise<void> {
    const endMs = this.#clock.nowMs() + ms;
    while (!this.#stopping && this.#clock.nowMs() < endMs) {
      await this.#clock.sleepMs(Math.min(100, endMs - this.#clock.nowMs()));
    }
  }

  #snapshot(final: boolean): WorkerSnapshot {
    const groups: Record<string, MetricsSnapshot> = {};
    this.#plan.groups.forEach((group, g) => {
      groups[group.name] = (this.#recorders[g] as Recorder).takeInterval();
    });
    this.#eventLoop.drainInto(this.#harness, METRIC.eventLoopDelayUs);
    const elu = performance.eventLoopUtilization();
    const loop = performance.eventLoopUtilization(elu, this.#lastElu);
    this.#lastElu = elu;
    return {
      workerIndex: this.#task.workerIndex,
      atMs: this.#clock.nowMs(),
      final,
      stageIndex: this.#stageIndex,
      connected: this.#connected,
      inFlight: this.#inFlight,
      groups,
      harness: this.#harness.takeInterval(),
      loop: { activeMs: loop.active, idleMs: loop.idle },
    };
  }
}

type WorkerResult = WorkerSnapshot;

/** 'Connection closed' is MQTT.js failing a message still unacknowledged when its connection went. */
function publishErrorKind(message: string): string {
  if (message === 'not-connected') return 'not-connected';
  return message === 'Connection closed' ? 'lost-in-flight' : 'publish-failed';
}
