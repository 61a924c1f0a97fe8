/* eslint-disable max-lines -- the order of a run's steps and the wiring between its parts, each part already in its own file */
/**
 * The coordinator: starts the embedded broker and the workers, lines the workers up at each
 * stage, merges their snapshots, and builds the RunResult. It never opens an MQTT connection or
 * signs a token itself. Its parts: run-setup.ts (credentials, keygen estimate, preflight),
 * worker-pool.ts (piscina, ports, watchdog), run-control.ts (ending, barriers), run-judges.ts
 * (abortOnFail, capacity steps), progress-ticks.ts, and report/judge/assemble.ts (the RunResult).
 * About 300 lines: what is left is the order of a run's steps and the wiring between those parts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MessagePort } from 'node:worker_threads';
import type { MetricsSnapshot } from '../metrics/snapshot.js';
import { assembleRunResult } from '../report/judge/assemble.js';
import { assertThresholdsJudgeable } from '../report/judge/threshold-check.js';
import { isSlice } from '../report/judge/slice-thresholds.js';
import { concludeRun } from '../report/judge/verdict.js';
import { allConnectsFailed, noneConnectedAtPublish } from '../report/judge/refusals.js';
import { lateStartReason } from './late-start.js';
import { runIdFor } from './run-id.js';
import type { RunResult } from '../report/model/run-result.js';
import { estimateStageDurationsMs } from '../scenario/describe.js';
import type { BrokerPlan, RunPlan } from '../scenario/run-plan.js';
import type { Threshold } from '../scenario/threshold.js';
import { wallClock, type Clock } from '../util/clock.js';
import type { BrokerTarget, DeviceAssignment, TlsTarget, WorkerSnapshot, WorkerTask, WorkerToCoordinator } from '../worker/messages.js';
import { deviceRecords } from './credentials.js';
import type { EmbeddedBroker } from './embedded-broker.js';
import { environmentInfo } from './environment.js';
import { GeneratorWatch } from './generator-watch.js';
import { mqtt5Uses, probeBroker, probeMqtt5 } from './probe.js';
import type { ProgressEvent } from './progress.js';
import { ProgressTicks } from './progress-ticks.js';
import { TickPacer } from './tick-pacer.js';
import type { PlanRunOptions } from './run-options.js';
import { RunControl } from './run-control.js';
import { CapacitySteps, crossedAbortThreshold } from './run-judges.js';
import { RunMetrics, type StageTiming } from './run-metrics.js';
import { checkPreflight, keygenEstimate, prepareCredentials, type RunCredentials } from './run-setup.js';
import { assignDevices, WHOLE_RUN, type ShardSpec } from './shards.js';
import { withSpread } from './target-spread.js';
import { readTlsTarget } from './tls-files.js';
import { piscinaRunner, WorkerPool, type TaskRunner } from './worker-pool.js';

/** How long to let workers finish after a stop before giving up on them. */
const STOP_GRACE_MS = 30_000;
const HUNG_GRACE_MS = 3000;
const STAGE_LEAD_MS = 50;
/** The shortest wait of the overdue tick's timer, so a clock that stands still cannot spin it. */
const TICK_CHECK_MIN_MS = 50;

export async function runPlan(plan: RunPlan, options: PlanRunOptions): Promise<RunResult> {
  return new RunCoordinator(plan, options).run();
}

/** A run from its plan to its RunResult. The clock and the task runner are injectable for unit tests (test/coordinator/run.test.ts). */
export class RunCoordinator {
  readonly #plan: RunPlan;
  readonly #options: PlanRunOptions;
  readonly #clock: Clock;
  readonly #runnerFor: (workers: number) => TaskRunner;
  readonly #startedMs: number;
  /** Made once: a shard's clock probe and its report name the same run. */
  readonly #runId: string;
  readonly #metrics: RunMetrics;
  readonly #thresholds: Threshold[];
  #pool: WorkerPool | undefined;
  readonly #control: RunControl;
  readonly #capacity: CapacitySteps;
  readonly #ticks: ProgressTicks;
  /** Paces the progress tick after fresh snapshots; set while the stages run. */
  #pacer: TickPacer | undefined;
  /** Fires when a tick falls overdue (the workers quiet), re-armed by every tick: no polling. */
  #tickTimer: NodeJS.Timeout | undefined;
  #credentials: RunCredentials | undefined;
  #keysGenerated = 0;
  #keysToGenerate = 0;
  #keygenStartMs = 0;
  /** The abortOnFail threshold that stopped the run, if one did. */
  #abortedBy: string | undefined;
  /** Why this run did not happen though nothing crashed (a shard too late for --start-at). */
  #notRun: string | undefined;
  /** Each worker's latest count of held connections. */
  readonly #connectedByWorker = new Map<number, number>();
  /** Set when the watchdog found a hung worker: there is no point waiting long for it to stop. */
  #hung = false;
  #watch: GeneratorWatch | undefined;
  #currentStage: { index: number; type: string; startedMs: number } | undefined;
  /** How late the first stage began after --start-at (0 when on time). */
  #firstStageLateMs: number | undefined;

  constructor(plan: RunPlan, options: PlanRunOptions, clock: Clock = wallClock, runnerFor: (workers: number) => TaskRunner = piscinaRunner) {
    this.#plan = plan;
    this.#options = options;
    this.#clock = clock;
    this.#runnerFor = runnerFor;
    this.#startedMs = clock.nowMs();
    this.#runId = runIdFor(options, this.#startedMs);
    this.#metrics = new RunMetrics(plan, this.#startedMs);
    this.#thresholds = [...plan.thresholds, ...(options.thresholds ?? [])];
    this.#control = new RunControl(
      plan.workers,
      (event) => this.#progress(event),
      (message) => this.#pool?.broadcast(message),
    );
    this.#capacity = new CapacitySteps(plan);
    this.#ticks = new ProgressTicks(this.#startedMs, estimateStageDurationsMs(plan));
  }

  async run(): Promise<RunResult> {
    const plan = this.#plan;
    assertThresholdsJudgeable(plan, this.#options.thresholds ?? [], this.#options.file);
    const shard = this.#options.shard ?? WHOLE_RUN;
    const credentials = await prepareCredentials(plan, shard);
    this.#credentials = credentials;
    credentials.groups.forEach((c, g) => this.#metrics.addCount(g, 'keysGenerated', c.keysGenerated ?? 0));
    for (const warning of credentials.warnings) this.#progress({ type: 'warning', message: warning });
    await checkPreflight(plan, shard);
    const broker = plan.broker.kind === 'embedded' ? await (await import('./embedded-broker.js')).startEmbeddedBroker(plan) : undefined;
    try {
      return await this.#runWith(broker, credentials, shard);
    } finally {
      // Closed already on the way out of a run; this catches every error on the way.
      await broker?.close();
    }
  }

  async #runWith(broker: EmbeddedBroker | undefined, credentials: RunCredentials, shard: ShardSpec): Promise<RunResult> {
    const plan = this.#plan;
    const tls = await readTlsTarget(plan.tls);
    const target: BrokerTarget = withSpread(broker?.target ?? externalTarget(plan.broker, tls), plan);
    if (broker === undefined) {
      for (const url of target.urls ?? [target.url]) await probeBroker(url);
      // Only where the scenario needs MQTT 5 to present or refresh a token: a probe is one more
      // client at the broker, which a plain MQTT 5 run would find refused soon enough by itself.
      const uses = mqtt5Uses(plan);
      if (uses !== '') await probeMqtt5(target.url, uses);
    }
    const onAbort = (): void => this.#control.end('interrupted', 'stopped by signal');
    this.#options.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.#options.signal?.aborted) onAbort();

    const shards = assignDevices(plan, credentials.groups, shard);
    this.#keysToGenerate = shards.reduce((n, devices) => n + devices.filter((d) => d.key === undefined).length, 0);
    const keygenWarning = keygenEstimate(plan, credentials.groups);
    if (keygenWarning !== undefined) this.#progress({ type: 'warning', message: keygenWarning });
    this.#keygenStartMs = this.#clock.nowMs();
    this.#watch = new GeneratorWatch(shards.map((devices) => devices.length));
    const faults = this.#options.faults;
    const taskOf = (workerIndex: number, devices: DeviceAssignment[], port: MessagePort): WorkerTask => ({
      workerIndex,
      plan,
      target,
      devices,
      port,
      ...clockProbeField(plan, shard, this.#runId, workerIndex),
      ...(faults === undefined ? {} : { faults }),
    });
    const pool = new WorkerPool(this.#runnerFor(plan.workers), this.#clock);
    this.#pool = pool;
    pool.start(shards, taskOf, {
      onMessage: (message) => this.#onWorkerMessage(message),
      onCrash: (workerIndex, error) => this.#control.end('failed', `worker ${workerIndex} crashed: ${error.message}`),
    });
    this.#pacer = new TickPacer({ workers: plan.workers, nowMs: () => this.#clock.nowMs() });
    this.#armTickCheck();
    const stages: StageTiming[] = [];
    try {
      const shardText = shard.count > 1 ? ` (shard ${shard.index}/${shard.count})` : '';
      this.#progress({ type: 'phase', message: `preparing ${shards.reduce((n, d) => n + d.length, 0)} devices on ${plan.workers} workers${shardText}` });
      await this.#control.allReady();
      await this.#persistKeys(broker);
      this.#watch.markBaseline();
      const late = lateStartReason(this.#options, this.#clock.nowMs() + STAGE_LEAD_MS);
      if (late !== undefined) this.#control.end('failed', (this.#notRun = late));
      for (let i = 0; i < plan.stages.length && !this.#control.ended; i++) {
        if (this.#stopEarly(this.#nothingToPublishWith(i))) break;
        const timing = await this.#runStage(i);
        stages.push(timing);
        if (this.#capacityBroke(timing)) break;
        if (this.#stopEarly(this.#everyConnectFailed(timing))) break;
      }
    } catch (error) {
      this.#control.end('failed', error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      this.#pacer = undefined;
      clearTimeout(this.#tickTimer);
      this.#options.signal?.removeEventListener('abort', onAbort);
      // Keys generated before a stop are kept, so the next run resumes the generation.
      for (const writer of credentials.writers.values()) await writer.flush();
      if (this.#control.ended) pool.broadcast({ type: 'stop' });
      await pool.settle(this.#hung ? HUNG_GRACE_MS : STOP_GRACE_MS, this.#options.force);
      if (this.#options.force?.aborted === true) this.#control.noteForced();
      await pool.close();
    }
    const finals = pool.finals();
    if (finals.length < plan.workers || finals.includes(undefined)) {
      if (!this.#control.ended) this.#control.end('failed', 'a worker did not finish');
    }
    for (const final of finals) if (final !== undefined) this.#addSnapshot(final);
    const brokerMetrics = await broker?.close();
    if (broker?.failure !== undefined && !this.#control.ended) this.#control.end('failed', broker.failure.message);
    return concludeRun(this.#result(stages, (target.urls ?? [target.url]).join(','), brokerMetrics), { slice: isSlice(shard) });
  }

  /** Saves the last generated keys (0600, atomically) and registers every device with the broker. */
  async #persistKeys(broker: EmbeddedBroker | undefined): Promise<void> {
    const credentials = this.#credentials;
    if (credentials === undefined) return;
    for (const writer of credentials.writers.values()) await writer.flush();
    if (broker === undefined || this.#control.ended) return;
    await broker.register(deviceRecords(this.#plan, credentials.groups));
  }

  /** Starts stage `index` on every worker (the first at --start-at, if given) and waits until all are done. */
  async #runStage(index: number): Promise<StageTiming> {
    const stage = this.#plan.stages[index];
    const type = stage?.type ?? '';
    const readyMs = this.#clock.nowMs() + STAGE_LEAD_MS;
    const startAtMs = this.#options.startAtMs;
    const startMs = index === 0 && startAtMs !== undefined ? Math.max(startAtMs, readyMs) : readyMs;
    if (index === 0 && startAtMs !== undefined) {
      this.#firstStageLateMs = startMs - startAtMs;
      if (startMs > startAtMs) this.#progress({ type: 'warning', message: `ready ${startMs - startAtMs} ms after --start-at; the first stage starts late` });
      else this.#progress({ type: 'phase', message: `waiting for --start-at ${new Date(startAtMs).toISOString()}` });
    }
    this.#pool?.broadcast({ type: 'start-stage', stageIndex: index, startAtMs: startMs });
    // A shard waiting for --start-at says it is waiting, not "stage 1/3: connect … 0/50", until the stage begins.
    await this.#waitUntil(startMs);
    this.#progress({ type: 'stage', index, stageType: type, count: this.#plan.stages.length });
    this.#currentStage = { index, type, startedMs: startMs };
    await this.#control.stageDone(index);
    const endMs = this.#clock.nowMs();
    return { index, type, startedAt: new Date(startMs).toISOString(), endedAt: new Date(endMs).toISOString(), durationMs: endMs - startMs };
  }

  /** Sleeps until `atMs` (the workers wait for it themselves); a stop ends the wait early. */
  async #waitUntil(atMs: number): Promise<void> {
    const waitMs = atMs - this.#clock.nowMs() - STAGE_LEAD_MS;
    if (waitMs <= 0 || this.#control.ended) return;
    await sleep(waitMs, undefined, this.#options.signal === undefined ? {} : { signal: this.#options.signal }).catch(() => undefined);
  }

  /** A capacity step that broke ends the run there (still `complete`); true when it did. */
  #capacityBroke(timing: StageTiming): boolean {
    if (this.#control.ended) return false;
    const broke = this.#capacity.broke(this.#metrics.stageRecord(timing), (step) =>
      this.#progress({ type: 'phase', message: `capacity step ${step.ratePerSec}/s ${step.held ? 'held' : 'broke'}` }),
    );
    if (broke) this.#pool?.broadcast({ type: 'stop' });
    return broke;
  }

  /**
   * A run that can measure nothing more stops (failed, exit 5), its cause first, unless the
   * scenario says `stopEarly: false` or that refusals are the point (`expect: refusals`).
   */
  #stopEarly(reason: string | undefined): boolean {
    if (reason === undefined || this.#control.ended || !this.#plan.stopEarly || this.#plan.expect === 'refusals') return false;
    this.#notRun = `stopped early: ${reason}`;
    this.#control.end('failed', this.#notRun);
    this.#progress({ type: 'warning', message: this.#notRun });
    return true;
  }

  /** A connect stage in which every connect failed (any CONNACK failure or socket error). */
  #everyConnectFailed(timing: StageTiming): string | undefined {
    if (timing.type !== 'connect') return undefined;
    const failed = allConnectsFailed(this.#metrics.stageRecord(timing).total);
    return failed === undefined ? undefined : `stage ${timing.index + 1} (connect): ${failed}`;
  }

  /** A publish stage about to start with no device connected. */
  #nothingToPublishWith(index: number): string | undefined {
    if (this.#plan.stages[index]?.type !== 'publish') return undefined;
    const connected = [...this.#connectedByWorker.values()].reduce((a, b) => a + b, 0);
    return connected > 0 ? undefined : noneConnectedAtPublish(index + 1, this.#metrics.totalSection());
  }

  #onWorkerMessage(message: WorkerToCoordinator): void {
    switch (message.type) {
      case 'keys-generated':
        this.#credentials?.writers
          .get(message.groupIndex)
          ?.add(message.keys.map((k) => [k.deviceId, { privateKey: k.privateKey, publicKey: k.publicKey, kid: k.kid }]));
        this.#keysGenerated += message.keys.length;
        this.#progress({ type: 'keys', generated: this.#keysGenerated, total: this.#keysToGenerate, elapsedMs: this.#clock.nowMs() - this.#keygenStartMs });
        break;
      case 'snapshot':
        this.#addSnapshot(message.snapshot);
        break;
      case 'ready':
      case 'stage-done':
        break;
    }
    this.#control.onWorkerMessage(message);
  }

  #addSnapshot(snapshot: WorkerSnapshot): void {
    this.#connectedByWorker.set(snapshot.workerIndex, snapshot.connected);
    this.#watch?.add(snapshot);
    this.#metrics.add(snapshot);
    if (this.#pacer?.heard(snapshot.workerIndex) === true) this.#emitTick();
  }

  #progress(event: ProgressEvent): void {
    this.#options.onProgress?.(event);
  }

  /** Arms the timer for the moment the next tick falls overdue. */
  #armTickCheck(): void {
    clearTimeout(this.#tickTimer);
    const pacer = this.#pacer;
    if (pacer === undefined) return;
    this.#tickTimer = setTimeout(
      () => {
        if (this.#pacer?.overdue() === true) this.#emitTick();
        else this.#armTickCheck();
      },
      Math.max(TICK_CHECK_MIN_MS, pacer.msUntilOverdue()),
    );
  }

  /** Once a second: abortOnFail thresholds, the watchdog, and a progress tick. */
  #emitTick(): void {
    this.#pacer?.ticked();
    this.#armTickCheck();
    const nowMs = this.#clock.nowMs();
    if (!this.#control.ended && !isSlice(this.#options.shard)) {
      const crossed = crossedAbortThreshold(this.#thresholds, () => this.#metrics.liveView(nowMs - this.#startedMs));
      if (crossed !== undefined) {
        this.#abortedBy = crossed;
        this.#control.end('interrupted', `threshold crossed: ${crossed}`);
      }
    }
    for (const silent of this.#pool?.silent(nowMs) ?? []) {
      if (this.#control.ended) break;
      this.#hung = true;
      this.#control.end('failed', `worker ${silent.workerIndex} stopped answering (nothing for ${Math.round(silent.silentMs / 1000)} s)`);
    }
    const connected = [...this.#connectedByWorker.values()].reduce((a, b) => a + b, 0);
    this.#watch?.sample(connected);
    const tick = this.#ticks.next({
      nowMs,
      total: this.#metrics.tickTotal(),
      connected,
      targetConnected: this.#watch?.devices ?? 0,
      stage: this.#currentStage,
    });
    this.#progress({ type: 'tick', ...tick });
  }

  #result(stages: StageTiming[], brokerUrl: string, brokerMetrics: MetricsSnapshot | undefined): RunResult {
    const { shard, startAtMs } = this.#options;
    return assembleRunResult({
      plan: this.#plan,
      file: this.#options.file,
      status: this.#control.status,
      statusReason: this.#control.statusReason,
      environment: environmentInfo(),
      startedMs: this.#startedMs,
      endedMs: this.#clock.nowMs(),
      // Built last: the workers' final snapshots belong to the last stage too.
      stages: this.#metrics.stageRecords(stages),
      total: this.#metrics.totalSection(),
      groups: this.#metrics.groupSections(),
      timeline: this.#metrics.finishTimeline(),
      broker: { url: brokerUrl, metrics: brokerMetrics },
      generator: this.#watch === undefined ? undefined : { workers: this.#watch.workers(), process: this.#watch.process() },
      shard,
      startAt: startAtMs === undefined ? undefined : { atMs: startAtMs, firstStageLateMs: this.#firstStageLateMs },
      capacitySteps: this.#capacity.steps,
      thresholds: this.#thresholds,
      abortedBy: this.#abortedBy,
      runId: this.#runId,
      notRun: this.#notRun,
      silentSubscribers: this.#metrics.silentSubscribers(),
      clock: this.#metrics.clock(),
      brokerNotes: this.#metrics.notes(),
    });
  }
}

/**
 * In a run of several shards, every worker probes its clock against shard 0's worker 0 through
 * the broker (src/worker/clock-probe.ts); a run of one piece has one clock and needs none.
 */
function clockProbeField(plan: RunPlan, shard: ShardSpec, runId: string, workerIndex: number): Pick<WorkerTask, 'clockProbe'> {
  if (shard.count <= 1 || !plan.clock.probe) return {};
  const id = `${shard.index}-${workerIndex}`;
  return {
    clockProbe: {
      topic: plan.clock.topicTemplate.replaceAll('{runId}', runId),
      role: shard.index === 0 && workerIndex === 0 ? 'reference' : 'follower',
      id,
      clientId: `mqtt-jwt-bench-clock-${runId}-${id}`.slice(0, 64),
      correct: plan.clock.correct,
      intervalMs: plan.clock.intervalMs,
    },
  };
}

/** The scenario's own broker, when no embedded one was started. */
function externalTarget(broker: BrokerPlan, tls: TlsTarget | undefined): BrokerTarget {
  if (broker.kind !== 'url') throw new Error('the embedded broker did not start');
  return { url: broker.url, ...(tls === undefined ? {} : { tls }) };
}
