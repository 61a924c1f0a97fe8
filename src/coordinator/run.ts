/**
 * The coordinator: starts the embedded broker and one long-lived piscina task per worker,
 * lines the workers up at each stage, merges their snapshots, and builds the RunResult.
 * It never opens an MQTT connection or signs a token itself.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { estimateKeygenMs } from '../identity/costs.js';
import { ConfigError, KeyError } from '../errors.js';
import { KeystoreWriter } from '../identity/keystore-writer.js';
import type { MetricsSnapshot } from '../metrics/snapshot.js';
import { brokerMetricsOf, SCHEMA_VERSION, type RunResult, type RunStatus } from '../report/run-result.js';
import { assessGenerator } from '../report/generator.js';
import { evaluateThresholds, viewOfResult } from '../report/thresholds.js';
import { deviceId, type RunPlan } from '../scenario/plan.js';
import type { Threshold } from '../scenario/threshold.js';
import type { BrokerTarget, CoordinatorToWorker, WorkerResult, WorkerSnapshot, WorkerTask, WorkerToCoordinator } from '../worker/messages.js';
import { deviceRecords, resolveCredentials, type GroupCredentials } from './credentials.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.js';
import { probeBroker } from './probe.js';
import { withSpread } from './target-spread.js';
import { readTlsTarget } from './tls-files.js';
import { environmentInfo } from './environment.js';
import { GeneratorWatch } from './generator-watch.js';
import { parseFaults } from '../worker/faults.js';
import type { ProgressListener } from './progress.js';
import { RunMetrics, type StageTiming } from './run-metrics.js';
import { buildTick } from './tick.js';
import { estimateStageDurationsMs } from '../scenario/describe.js';
import { readMachineFacts } from './machine-facts.js';
import { planFit } from './plan-fit.js';
import { assignDevices, shardShare, WHOLE_RUN, type ShardSpec } from './shards.js';
import { withPace } from '../report/stage-pace.js';
import { withBehindPlan } from '../report/trust.js';
import { capacityVerdict, judgeStep } from '../report/capacity.js';
import type { CapacityStep } from '../report/run-result.js';

export interface RunOptions {
  /** The scenario file, recorded in the report. */
  file: string;
  /** Aborting stops the run gracefully; the result is marked `interrupted`. */
  signal?: AbortSignal;
  /** Aborting after `signal` stops waiting for the workers: the report holds what arrived. */
  force?: AbortSignal;
  onProgress?: ProgressListener;
  /** Thresholds beyond the scenario's own (`--threshold`). */
  thresholds?: Threshold[];
  /** Run only slice `index` of `count` (a shard of a distributed run). */
  shard?: ShardSpec;
  /** Epoch ms at which the first stage begins (every shard the same moment); default: when ready. */
  startAtMs?: number;
}

/** How long to let workers finish after a stop before giving up on them. */
const STOP_GRACE_MS = 30_000;
/** Workers send a snapshot every second and yield while signing: 15 s of silence is a hang. */
const WORKER_SILENCE_MS = 15_000;
const HUNG_GRACE_MS = 3000;
const STAGE_LEAD_MS = 50;

export async function runPlan(plan: RunPlan, options: RunOptions): Promise<RunResult> {
  return new RunCoordinator(plan, options).run();
}

class RunCoordinator {
  readonly #plan: RunPlan;
  readonly #options: RunOptions;
  readonly #ports: MessagePort[] = [];
  readonly #writers = new Map<number, KeystoreWriter>();
  #keysGenerated = 0;
  #keysToGenerate = 0;
  #keygenStartMs = 0;
  readonly #stageDone = new Map<number, number>();
  #ready = 0;
  #status: RunStatus = 'complete';
  #statusReason: string | undefined;
  #waiters: (() => boolean)[] = [];
  #metrics: RunMetrics;
  readonly #thresholds: Threshold[];
  /** The abortOnFail threshold that stopped the run, if one did. */
  #abortedBy: string | undefined;
  /** Each worker's latest count of held connections. */
  readonly #connectedByWorker = new Map<number, number>();
  /** When each worker was last heard from (any message), for the hang watchdog. */
  readonly #lastHeardMs = new Map<number, number>();
  /** Set when the watchdog found a hung worker: there is no point waiting long for it to stop. */
  #hung = false;
  #watch: GeneratorWatch | undefined;
  #previousCounters: Record<string, number> = {};
  #currentStage: { index: number; type: string; startedMs: number } | undefined;
  readonly #stageDurationsMs: number[];
  /** How late the first stage began after --start-at (0 when on time). */
  #firstStageLateMs: number | undefined;
  readonly #capacitySteps: CapacityStep[] = [];

  constructor(plan: RunPlan, options: RunOptions) {
    this.#plan = plan;
    this.#options = options;
    this.#metrics = new RunMetrics(plan, Date.now());
    this.#thresholds = [...plan.thresholds, ...(options.thresholds ?? [])];
    this.#stageDurationsMs = estimateStageDurationsMs(plan);
  }

  get #ended(): boolean {
    return this.#status !== 'complete';
  }

  async run(): Promise<RunResult> {
    const startedMs = Date.now();
    this.#metrics = new RunMetrics(this.#plan, startedMs);
    const plan = this.#plan;
    const shard = this.#options.shard ?? WHOLE_RUN;
    const credentials = await Promise.all(plan.groups.map((g) => resolveCredentials(g, process.env, shard)));
    const warnings = credentials.flatMap((c) => c.warnings);
    // A strict broker refuses keys that RFC 7518 forbids; say so before anything starts.
    if (plan.broker.kind === 'embedded' && warnings.length > 0) throw new KeyError(`${warnings[0]}; the embedded broker refuses such keys`);
    for (const warning of warnings) this.#progress({ type: 'warning', message: warning });
    credentials.forEach((c, g) => {
      if (c.keystore !== undefined) this.#writers.set(g, new KeystoreWriter(c.keystore.path, c.keystore.store));
    });
    await checkPreflight(plan, shard);
    const broker = plan.broker.kind === 'embedded' ? await startEmbeddedBroker(plan) : undefined;
    try {
      return await this.#runWith(broker, credentials, shard, startedMs);
    } finally {
      // Closed already on the way out of a run; this catches every error on the way.
      await broker?.close();
    }
  }

  async #runWith(broker: EmbeddedBroker | undefined, credentials: GroupCredentials[], shard: ShardSpec, startedMs: number): Promise<RunResult> {
    const plan = this.#plan;
    const tls = await readTlsTarget(plan.tls);
    const target: BrokerTarget = withSpread(broker?.target ?? { url: (plan.broker as { url: string }).url, ...(tls === undefined ? {} : { tls }) }, plan);
    if (broker === undefined) for (const url of target.urls ?? [target.url]) await probeBroker(url);
    const onAbort = (): void => this.#end('interrupted', 'stopped by signal');
    this.#options.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.#options.signal?.aborted) onAbort();

    const pool = new Piscina<WorkerTask, WorkerResult>({
      filename: new URL('../worker/task.js', import.meta.url).href,
      minThreads: plan.workers,
      maxThreads: plan.workers,
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      atomics: 'disabled',
    });
    const finals: (WorkerSnapshot | undefined)[] = [];
    const shards = assignDevices(plan, credentials, shard);
    this.#keysToGenerate = shards.reduce((n, devices) => n + devices.filter((d) => d.key === undefined).length, 0);
    const keygenWarning = keygenEstimate(plan, credentials);
    if (keygenWarning !== undefined) this.#progress({ type: 'warning', message: keygenWarning });
    this.#keygenStartMs = Date.now();
    this.#watch = new GeneratorWatch(shards.map((devices) => devices.length));
    const tasks = shards.map((devices, workerIndex) => {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (message: WorkerToCoordinator) => this.#onWorkerMessage(message));
      this.#lastHeardMs.set(workerIndex, Date.now());
      this.#ports.push(port1);
      const faults = parseFaults(process.env['MQTT_JWT_BENCH_FAULTS']);
      const task: WorkerTask = { workerIndex, plan, target, devices, port: port2, ...(Object.keys(faults).length === 0 ? {} : { faults }) };
      return pool.run(task, { transferList: [port2] }).then(
        (result) => {
          finals[workerIndex] = result;
        },
        (error: Error) => this.#end('failed', `worker ${workerIndex} crashed: ${error.message}`),
      );
    });
    const tick = setInterval(() => this.#emitTick(startedMs), 1000);
    const stages: StageTiming[] = [];
    try {
      const shardText = shard.count > 1 ? ` (shard ${shard.index}/${shard.count})` : '';
      this.#progress({ type: 'phase', message: `preparing ${shards.reduce((n, d) => n + d.length, 0)} devices on ${plan.workers} workers${shardText}` });
      await this.#waitFor(() => this.#ready === plan.workers);
      await this.#persistKeys(credentials, broker);
      this.#watch.markBaseline();
      for (let i = 0; i < plan.stages.length && !this.#ended; i++) {
        const timing = await this.#runStage(i);
        stages.push(timing);
        if (this.#capacityBroke(timing)) break;
      }
    } catch (error) {
      this.#end('failed', (error as Error).message);
      throw error;
    } finally {
      clearInterval(tick);
      this.#options.signal?.removeEventListener('abort', onAbort);
      // Keys generated before a stop are kept, so the next run resumes the generation.
      for (const writer of this.#writers.values()) await writer.flush();
      if (this.#ended) this.#broadcast({ type: 'stop' });
      await settleWithin(Promise.all(tasks), this.#hung ? HUNG_GRACE_MS : STOP_GRACE_MS, this.#options.force);
      if (this.#options.force?.aborted === true) this.#statusReason = `${this.#statusReason ?? 'stopped'}; forced: workers not waited for`;
      for (const port of this.#ports) port.close();
      await pool.destroy();
    }
    if (finals.length < plan.workers || finals.includes(undefined)) {
      if (!this.#ended) this.#end('failed', 'a worker did not finish');
    }
    for (const final of finals) if (final !== undefined) this.#addSnapshot(final);
    const brokerMetrics = await broker?.close();
    if (broker?.failure !== undefined && this.#status === 'complete') this.#end('failed', broker.failure.message);
    return this.#result(startedMs, stages, (target.urls ?? [target.url]).join(','), brokerMetrics);
  }



  /** Saves the last generated keys (0600, atomically) and registers every device with the broker. */
  async #persistKeys(credentials: GroupCredentials[], broker: EmbeddedBroker | undefined): Promise<void> {
    for (const writer of this.#writers.values()) await writer.flush();
    if (broker === undefined || this.#ended) return;
    await broker.register(deviceRecords(this.#plan, credentials));
  }

  async #runStage(index: number): Promise<StageTiming> {
    const stage = this.#plan.stages[index];
    const readyMs = Date.now() + STAGE_LEAD_MS;
    const startAtMs = this.#options.startAtMs;
    const startMs = index === 0 && startAtMs !== undefined ? Math.max(startAtMs, readyMs) : readyMs;
    if (index === 0 && startAtMs !== undefined) {
      this.#firstStageLateMs = startMs - startAtMs;
      if (startMs > startAtMs) this.#progress({ type: 'warning', message: `ready ${startMs - startAtMs} ms after --start-at; the first stage starts late` });
      else this.#progress({ type: 'phase', message: `waiting for --start-at ${new Date(startAtMs).toISOString()}` });
    }
    this.#progress({ type: 'stage', index, stageType: stage?.type ?? '', count: this.#plan.stages.length });
    this.#broadcast({ type: 'start-stage', stageIndex: index, startAtMs: startMs });
    this.#currentStage = { index, type: stage?.type ?? '', startedMs: startMs };
    await this.#waitFor(() => this.#stageDone.get(index) === this.#plan.workers);
    const endMs = Date.now();
    return { index, type: stage?.type ?? '', startedAt: new Date(startMs).toISOString(), endedAt: new Date(endMs).toISOString(), durationMs: endMs - startMs };
  }

  /**
   * Judges a finished capacity step on its own figures; true when it broke and the run should end
   * there. The run stays `complete`: finding the limit is what it was for.
   */
  #capacityBroke(timing: StageTiming): boolean {
    const capacity = this.#plan.capacity;
    if (capacity === null || this.#ended) return false;
    const step = judgeStep(this.#plan, this.#metrics.stageRecords([timing])[0] as Parameters<typeof judgeStep>[1]);
    if (step === undefined) return false;
    this.#capacitySteps.push(step);
    this.#progress({ type: 'phase', message: `capacity step ${step.ratePerSec}/s ${step.held ? 'held' : 'broke'}` });
    if (step.held || !capacity.stopAtBreak) return false;
    this.#broadcast({ type: 'stop' });
    return true;
  }

  #onWorkerMessage(message: WorkerToCoordinator): void {
    if ('workerIndex' in message) this.#lastHeardMs.set(message.workerIndex, Date.now());
    else if (message.type === 'snapshot') this.#lastHeardMs.set(message.snapshot.workerIndex, Date.now());
    switch (message.type) {
      case 'keys-generated':
        this.#writers.get(message.groupIndex)?.add(message.keys.map((k) => [k.deviceId, { privateKey: k.privateKey, publicKey: k.publicKey, kid: k.kid }]));
        this.#keysGenerated += message.keys.length;
        this.#progress({ type: 'keys', generated: this.#keysGenerated, total: this.#keysToGenerate, elapsedMs: Date.now() - this.#keygenStartMs });
        break;
      case 'ready':
        this.#ready++;
        break;
      case 'stage-done':
        this.#stageDone.set(message.stageIndex, (this.#stageDone.get(message.stageIndex) ?? 0) + 1);
        break;
      case 'snapshot':
        this.#addSnapshot(message.snapshot);
        break;
    }
    this.#checkWaiters();
  }

  /** A worker that sent nothing for this long is taken for hung: the run ends as failed. */
  #checkWorkersAlive(nowMs: number): void {
    for (const [worker, lastMs] of this.#lastHeardMs) {
      if (nowMs - lastMs <= WORKER_SILENCE_MS || this.#ended) continue;
      this.#hung = true;
      this.#end('failed', `worker ${worker} stopped answering (nothing for ${Math.round((nowMs - lastMs) / 1000)} s)`);
    }
  }

  #addSnapshot(snapshot: WorkerSnapshot): void {
    this.#connectedByWorker.set(snapshot.workerIndex, snapshot.connected);
    this.#watch?.add(snapshot);
    this.#metrics.add(snapshot);
  }

  /** abortOnFail thresholds, checked once a second against the run so far. */
  #checkAbortThresholds(elapsedMs: number): void {
    const watched = this.#thresholds.filter((t) => t.abortOnFail);
    if (watched.length === 0 || this.#ended) return;
    const crossed = evaluateThresholds(watched, this.#metrics.liveView(elapsedMs)).find((o) => !o.passed && o.actual !== null);
    if (crossed === undefined) return;
    this.#abortedBy = crossed.expression;
    this.#end('interrupted', `threshold crossed: ${crossed.expression}`);
  }

  #end(status: Exclude<RunStatus, 'complete'>, reason: string): void {
    if (this.#ended) return;
    this.#status = status;
    this.#statusReason = reason;
    this.#progress({ type: 'phase', message: `${status}: ${reason}` });
    this.#broadcast({ type: 'stop' });
    this.#checkWaiters();
  }

  #broadcast(message: CoordinatorToWorker): void {
    for (const port of this.#ports) port.postMessage(message);
  }

  /** Resolves when `condition` holds, or as soon as the run has ended for any reason. */
  #waitFor(condition: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        if (!condition() && !this.#ended) return false;
        resolve();
        return true;
      };
      if (!check()) this.#waiters.push(check);
    });
  }

  #checkWaiters(): void {
    this.#waiters = this.#waiters.filter((check) => !check());
  }

  #progress(event: Parameters<ProgressListener>[0]): void {
    this.#options.onProgress?.(event);
  }

  #emitTick(startedMs: number): void {
    this.#checkAbortThresholds(Date.now() - startedMs);
    this.#checkWorkersAlive(Date.now());
    const connected = [...this.#connectedByWorker.values()].reduce((a, b) => a + b, 0);
    this.#watch?.sample(connected);
    const total = this.#metrics.total();
    const tick = buildTick({
      nowMs: Date.now(),
      startedMs,
      total,
      previous: this.#previousCounters,
      connected,
      targetConnected: this.#watch?.devices ?? 0,
      stage: this.#currentStage,
      stageCount: this.#plan.stages.length,
      stageDurationsMs: this.#stageDurationsMs,
    });
    this.#previousCounters = { ...total.counters };
    this.#progress({ type: 'tick', ...tick });
  }

  #shardField(): Pick<RunResult, 'shard'> {
    const shard = this.#options.shard;
    const startAtMs = this.#options.startAtMs;
    if ((shard === undefined || shard.count === 1) && startAtMs === undefined) return {};
    return {
      shard: {
        ...(shard ?? WHOLE_RUN),
        ...(startAtMs === undefined ? {} : { startAt: new Date(startAtMs).toISOString(), firstStageLateMs: this.#firstStageLateMs ?? null }),
      },
    };
  }

  #result(startedMs: number, stages: StageTiming[], brokerUrl: string, brokerMetrics: MetricsSnapshot | undefined): RunResult {
    const endedMs = Date.now();
    const total = this.#metrics.totalSection();
    const groups = this.#metrics.groupSections();
    const stageRecords = withPace(this.#plan, this.#metrics.stageRecords(stages), shardShare(this.#plan, this.#options.shard ?? WHOLE_RUN));
    return {
      schemaVersion: SCHEMA_VERSION,
      status: this.#status,
      ...(this.#statusReason === undefined ? {} : { statusReason: this.#statusReason }),
      scenario: { name: this.#plan.scenarioName, file: this.#options.file, plan: this.#plan },
      environment: environmentInfo(),
      ...this.#shardField(),
      ...(this.#watch === undefined ? {} : { generator: withBehindPlan(assessGenerator(total, this.#watch.workers(), this.#watch.process()), stageRecords) }),
      startedAt: new Date(startedMs).toISOString(),
      endedAt: new Date(endedMs).toISOString(),
      durationMs: endedMs - startedMs,
      stages: stageRecords,
      total,
      groups,
      broker: {
        kind: this.#plan.broker.kind === 'embedded' ? 'embedded' : 'external',
        url: brokerUrl,
        ...(brokerMetrics === undefined ? {} : { metrics: brokerMetricsOf(brokerMetrics) }),
      },
      timeline: this.#metrics.finishTimeline(),
      ...(this.#plan.capacity === null ? {} : { capacity: capacityVerdict(this.#capacitySteps) }),
      thresholds: evaluateThresholds(this.#thresholds, viewOfResult({ total, groups, durationMs: endedMs - startedMs, stages: stageRecords })).map((o) =>
        o.expression === this.#abortedBy ? { ...o, note: 'crossed during the run; stopped it (abortOnFail)' } : o,
      ),
    };
  }
}


async function settleWithin(promise: Promise<unknown>, ms: number, force?: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onForce: (() => void) | undefined;
  const forced = new Promise<void>((resolve) => {
    onForce = (): void => resolve();
    if (force?.aborted === true) resolve();
    force?.addEventListener('abort', onForce, { once: true });
  });
  await Promise.race([promise, forced, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
  if (onForce !== undefined) force?.removeEventListener('abort', onForce);
}

function keygenEstimate(plan: RunPlan, credentials: GroupCredentials[]): string | undefined {
  let ms = 0;
  let count = 0;
  plan.groups.forEach((group, g) => {
    if (group.keys.mode !== 'per-device') return;
    let missing = 0;
    for (let i = 0; i < group.count; i++) if (credentials[g]?.keyFor(i, deviceId(group, i)) === undefined) missing++;
    ms += estimateKeygenMs(group.alg, group.rsaBits, missing, plan.workers);
    count += missing;
  });
  const seconds = ms / 1000;
  if (seconds < 10) return undefined;
  return `generating ${count} per-device keys takes about ${Math.ceil(seconds / 60)} min on ${plan.workers} workers; they are saved as they come, so an interrupted run resumes (a pool: key mode avoids it)`;
}

/** Stops a plan that cannot fit this machine before the first connection, with the numbers. */
export async function checkPreflight(plan: RunPlan, shard: ShardSpec): Promise<void> {
  const outcome = planFit(plan, { shard }, await readMachineFacts());
  if (outcome.problems.length > 0) {
    throw new ConfigError(`preflight: ${outcome.problems.join('\npreflight: ')}`, { hint: 'docs/scaling.md explains the limits and how to size a run.' });
  }
}
