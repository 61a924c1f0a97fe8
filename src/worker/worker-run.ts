/**
 * One worker's part of a run: the message and stage loop. It prepares the worker's devices, says
 * ready, runs each stage when the coordinator says go and ships a snapshot every second. The
 * parts it drives: stage-dispatch.ts (what a stage does), device-lifecycle.ts (connect, reconnect,
 * storms), publisher.ts (publish and ack drain), token-refresher.ts and snapshots.ts.
 */
import type { StagePlan } from '../scenario/run-plan.js';
import type { Clock } from '../util/clock.js';
import { ClockCorrection, ClockProbe } from './clock-probe.js';
import { DeviceLifecycle } from './stages/device-lifecycle.js';
import type { SessionEngine } from './engines/engine.js';
import { prepareKeys, presignTokens } from './devices.js';
import { actionFault, firstStageFaults, startFaults } from './faults.js';
import { PaceMeter } from './pace.js';
import { BrokerNotes } from './broker-notes.js';
import { Fleet } from './fleet.js';
import { type CoordinatorToWorker, type WorkerClock, type WorkerResult, type WorkerSnapshot, type WorkerTask, type WorkerToCoordinator } from './messages.js';
import type { SilentSubscriber } from './messages.js';
import { Publisher } from './stages/publisher.js';
import { SnapshotTaker } from './snapshots.js';
import { dispatchStage } from './stages/stage-dispatch.js';
import { TokenRefresher } from './token-refresher.js';
import { workerPort, type WorkerPort } from './typed-port.js';
import type { WorkerContext } from './worker-context.js';
import { METRIC } from '../metrics/metric-names.js';

const SNAPSHOT_INTERVAL_MS = 1000;

export class WorkerRun {
  readonly #task: WorkerTask;
  readonly #port: WorkerPort;
  readonly #ctx: WorkerContext;
  readonly #fleet: Fleet;
  readonly #refresher: TokenRefresher;
  readonly #lifecycle: DeviceLifecycle;
  readonly #publisher: Publisher;
  readonly #snapshots: SnapshotTaker;
  readonly #starts = new Map<number, number>();
  readonly #clockCorrection = new ClockCorrection();
  #clockProbe: ClockProbe | undefined;
  /** Snapshots are tagged with the stage they belong to; -1 is preparation. */
  #stageIndex = -1;
  #stopping = false;
  #onStop: () => void = () => {};
  readonly #stopped = new Promise<void>((resolve) => (this.#onStop = resolve));
  #finished = false;
  #wake: (() => void) | undefined;

  constructor(task: WorkerTask, clock: Clock, engine: SessionEngine) {
    this.#task = task;
    this.#port = workerPort(task.port);
    this.#fleet = new Fleet(task.plan.groups);
    this.#ctx = {
      clock,
      plan: task.plan,
      target: task.target,
      fleet: this.#fleet,
      stopping: () => this.#stopping,
      stopped: this.#stopped,
      finished: () => this.#finished,
      pace: new PaceMeter(actionFault(task.faults)),
      clockCorrection: this.#clockCorrection,
      notes: new BrokerNotes(),
    };
    this.#refresher = new TokenRefresher(this.#ctx);
    this.#lifecycle = new DeviceLifecycle(this.#ctx, this.#refresher, engine);
    this.#lifecycle.subscriptions.injectFaults(task.faults, task.workerIndex);
    this.#publisher = new Publisher(this.#ctx);
    this.#snapshots = new SnapshotTaker(task.workerIndex, task.plan.groups, this.#fleet, clock);
  }

  async execute(): Promise<WorkerResult> {
    const { plan, workerIndex } = this.#task;
    this.#port.onMessage((message) => this.#onMessage(message));
    const timer = setInterval(() => this.#post({ type: 'snapshot', snapshot: this.#snapshot(false) }), SNAPSHOT_INTERVAL_MS);
    const refreshing = this.#refresher.run();
    try {
      await this.#prepare();
      await this.#startClockProbe();
      this.#post({ type: 'ready', workerIndex });
      for (const [i, stage] of plan.stages.entries()) {
        if (this.#stopping) break;
        const startAtMs = await this.#waitForStart(i);
        if (startAtMs === undefined) break;
        // Close the previous stage's interval so each stage's section holds only its own work.
        this.#post({ type: 'snapshot', snapshot: this.#snapshot(false) });
        this.#stageIndex = i;
        firstStageFaults(this.#task.faults, workerIndex, i);
        await this.#runStage(stage, startAtMs);
        this.#ctx.pace?.endStage(this.#snapshots.harness);
        this.#post({ type: 'snapshot', snapshot: this.#snapshot(false) });
        this.#post({ type: 'stage-done', workerIndex, stageIndex: i });
      }
    } finally {
      clearInterval(timer);
      this.#finished = true;
      this.#refresher.stop();
      await refreshing;
      await this.#clockProbe?.stop();
      await this.#lifecycle.close();
      this.#snapshots.stop();
    }
    const result = this.#snapshot(true);
    this.#port.close();
    return result;
  }

  #onMessage(message: CoordinatorToWorker): void {
    if (message.type === 'start-stage') this.#starts.set(message.stageIndex, message.startAtMs);
    else {
      this.#stopping = true;
      this.#onStop();
    }
    this.#wake?.();
  }

  #post(message: WorkerToCoordinator): void {
    this.#port.post(message);
  }

  #waitForStart(stageIndex: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const check = (): void => {
        const startAtMs = this.#starts.get(stageIndex);
        if (this.#stopping) resolve(undefined);
        else if (startAtMs !== undefined) resolve(startAtMs);
        else {
          this.#wake = check;
          return;
        }
        this.#wake = undefined;
      };
      check();
    });
  }

  /** Keys loaded or generated, tokens pre-signed: the connect stage never waits on signing. */
  async #prepare(): Promise<void> {
    const { devices, plan } = this.#task;
    const { recorders } = this.#fleet;
    devices.forEach((d) => this.#fleet.recorder(d.groupIndex).count(METRIC.devices));
    const keys = await prepareKeys(devices, plan.groups, recorders, {
      onGenerated: (groupIndex, list) => this.#post({ type: 'keys-generated', groupIndex, keys: list }),
      shouldStop: () => this.#stopping,
    });
    if (keys === undefined || this.#stopping) return;
    this.#fleet.setDevices(await presignTokens(devices, plan.groups, keys, recorders, this.#ctx.clock));
  }

  /** In a run of several shards: the first estimate of this worker's clock before it says ready. */
  async #startClockProbe(): Promise<void> {
    const probe = this.#task.clockProbe;
    const first = this.#fleet.devices[0];
    if (probe === undefined || this.#stopping) return;
    if (first === undefined) {
      this.#clockCorrection.problem = 'clock probe: this worker has no device whose token it could use';
      return;
    }
    this.#clockProbe = new ClockProbe(probe, this.#ctx.clock, this.#clockCorrection);
    await this.#clockProbe.start(this.#task.target, this.#task.plan, first.token);
  }

  #clock(): WorkerClock | undefined {
    const probe = this.#task.clockProbe;
    if (probe === undefined) return undefined;
    const { first, last, estimates, problem } = this.#clockCorrection;
    const reference = probe.role === 'reference';
    return {
      role: probe.role,
      corrected: probe.correct && !reference,
      offsetMs: reference ? 0 : (last?.offsetMs ?? null),
      uncertaintyMs: reference ? 0 : (last?.uncertaintyMs ?? null),
      firstOffsetMs: reference ? 0 : (first?.offsetMs ?? null),
      estimates,
      ...(problem === undefined ? {} : { problem }),
    };
  }

  async #runStage(stage: StagePlan, startAtMs: number): Promise<void> {
    const stopFaults = startFaults(this.#task.faults);
    this.#lifecycle.subscriptions.traffic.stageStarted(stage, startAtMs);
    try {
      await dispatchStage(stage, startAtMs, { ctx: this.#ctx, lifecycle: this.#lifecycle, publisher: this.#publisher });
    } finally {
      this.#lifecycle.subscriptions.traffic.stageEnded(this.#ctx.clock.nowMs());
      stopFaults();
    }
  }

  #snapshot(final: boolean): WorkerSnapshot {
    const snapshot = this.#snapshots.take(final, { stageIndex: this.#stageIndex, connected: this.#fleet.connected, inFlight: this.#publisher.inFlight });
    const clock = this.#clock();
    const notes = this.#ctx.notes?.take() ?? {};
    return {
      ...snapshot,
      ...silentField(this.#lifecycle.subscriptions.takeSilent()),
      ...(clock === undefined ? {} : { clock }),
      ...(Object.keys(notes).length === 0 ? {} : { notes }),
    };
  }
}

/** The snapshot field for silent subscribers: absent when there are none, as most snapshots have. */
function silentField(silent: SilentSubscriber[]): Pick<WorkerSnapshot, 'silentSubscribers'> {
  return silent.length === 0 ? {} : { silentSubscribers: silent };
}
