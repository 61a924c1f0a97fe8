/**
 * The coordinator: starts the embedded broker and one long-lived piscina task per worker,
 * lines the workers up at each stage, merges their snapshots, and builds the RunResult.
 * It never opens an MQTT connection or signs a token itself.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { DeviceRecord } from '../broker/registry.js';
import { loadKeystore, saveKeystore, type Keystore } from '../identity/keystore.js';
import { MetricsTotals } from '../metrics/snapshot.js';
import { metricsSection, SCHEMA_VERSION, type RunResult, type RunStatus, type StageRecord } from '../report/run-result.js';
import type { RunPlan } from '../scenario/plan.js';
import type { BrokerTarget, CoordinatorToWorker, GeneratedKey, WorkerResult, WorkerSnapshot, WorkerTask, WorkerToCoordinator } from '../worker/messages.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { probeBroker } from './probe.js';
import { readTlsTarget } from './tls-files.js';
import { environmentInfo } from './environment.js';
import type { ProgressListener } from './progress.js';
import { assignDevices } from './shards.js';
import { TimelineBuilder } from './timeline.js';

export interface RunOptions {
  /** The scenario file, recorded in the report. */
  file: string;
  /** Aborting stops the run gracefully; the result is marked `interrupted`. */
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

/** How long to let workers finish after a stop before giving up on them. */
const STOP_GRACE_MS = 30_000;
const STAGE_LEAD_MS = 50;

export async function runPlan(plan: RunPlan, options: RunOptions): Promise<RunResult> {
  return new RunCoordinator(plan, options).run();
}

class RunCoordinator {
  readonly #plan: RunPlan;
  readonly #options: RunOptions;
  readonly #groupTotals: MetricsTotals[];
  readonly #ports: MessagePort[] = [];
  readonly #generated = new Map<number, GeneratedKey[]>();
  readonly #stageDone = new Map<number, number>();
  #ready = 0;
  #status: RunStatus = 'complete';
  #statusReason: string | undefined;
  #waiters: (() => boolean)[] = [];
  #timeline: TimelineBuilder = new TimelineBuilder(Date.now());

  constructor(plan: RunPlan, options: RunOptions) {
    this.#plan = plan;
    this.#options = options;
    this.#groupTotals = plan.groups.map(() => new MetricsTotals());
  }

  get #ended(): boolean {
    return this.#status !== 'complete';
  }

  async run(): Promise<RunResult> {
    const startedMs = Date.now();
    this.#timeline = new TimelineBuilder(startedMs);
    const plan = this.#plan;
    const keystores = await Promise.all(plan.groups.map((g) => loadKeystore(g.keystorePath, g.alg)));
    const tls = await readTlsTarget(plan.tls);
    const broker = plan.broker.kind === 'embedded' ? await this.#startBroker() : undefined;
    const target: BrokerTarget = { url: broker?.url ?? (plan.broker as { url: string }).url, ...(tls === undefined ? {} : { tls }) };
    if (broker === undefined) await probeBroker(target.url);
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
    const tasks = assignDevices(plan, keystores).map((devices, workerIndex) => {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (message: WorkerToCoordinator) => this.#onWorkerMessage(message));
      this.#ports.push(port1);
      const task: WorkerTask = { workerIndex, plan, target, devices, port: port2 };
      return pool.run(task, { transferList: [port2] }).then(
        (result) => {
          finals[workerIndex] = result;
        },
        (error: Error) => this.#end('failed', `worker ${workerIndex} crashed: ${error.message}`),
      );
    });
    const tick = setInterval(() => this.#emitTick(startedMs), 1000);
    const stages: StageRecord[] = [];
    try {
      this.#progress({ type: 'phase', message: `preparing ${plan.groups.reduce((n, g) => n + g.count, 0)} devices on ${plan.workers} workers` });
      await this.#waitFor(() => this.#ready === plan.workers);
      await this.#persistKeys(keystores, broker);
      for (let i = 0; i < plan.stages.length && !this.#ended; i++) stages.push(await this.#runStage(i));
    } catch (error) {
      this.#end('failed', (error as Error).message);
      throw error;
    } finally {
      clearInterval(tick);
      this.#options.signal?.removeEventListener('abort', onAbort);
      if (this.#ended) this.#broadcast({ type: 'stop' });
      await settleWithin(Promise.all(tasks), STOP_GRACE_MS);
      for (const port of this.#ports) port.close();
      await pool.destroy();
    }
    if (finals.length < plan.workers || finals.includes(undefined)) {
      if (!this.#ended) this.#end('failed', 'a worker did not finish');
    }
    for (const final of finals) if (final !== undefined) this.#addSnapshot(final);
    const brokerMetrics = await broker?.close();
    if (broker?.failure !== undefined && this.#status === 'complete') this.#end('failed', broker.failure.message);
    return this.#result(startedMs, stages, target.url, brokerMetrics === undefined ? undefined : totalsOf(brokerMetrics));
  }

  async #startBroker(): Promise<EmbeddedBroker> {
    const { embedded } = this.#plan;
    return EmbeddedBroker.start({
      host: '127.0.0.1',
      port: 0,
      policy: {
        // The default; each device is registered with its own group's template.
        audienceTemplate: this.#plan.groups[0]?.token.audienceTemplate ?? '',
        skewSec: embedded.skewSec,
        maxLifetimeSec: embedded.maxLifetimeSec,
        maxTokenBytes: embedded.maxTokenBytes,
        requireKid: embedded.requireKid,
      },
    });
  }

  /** Saves newly generated keys (0600, atomically) and registers every device with the broker. */
  async #persistKeys(keystores: Keystore[], broker: EmbeddedBroker | undefined): Promise<void> {
    for (const [groupIndex, keys] of this.#generated) {
      const keystore = keystores[groupIndex] as Keystore;
      for (const k of keys) keystore.devices[k.deviceId] = { privateKey: k.privateKey, publicKey: k.publicKey, kid: k.kid };
      await saveKeystore(this.#plan.groups[groupIndex]?.keystorePath as string, keystore);
    }
    this.#generated.clear();
    if (broker === undefined) return;
    const records: DeviceRecord[] = [];
    this.#plan.groups.forEach((group, g) => {
      for (const [deviceId, entry] of Object.entries((keystores[g] as Keystore).devices)) records.push({ deviceId, alg: group.alg, publicKey: entry.publicKey, audience: group.token.audienceTemplate });
    });
    await broker.register(records);
  }

  async #runStage(index: number): Promise<StageRecord> {
    const stage = this.#plan.stages[index];
    const startMs = Date.now() + STAGE_LEAD_MS;
    this.#progress({ type: 'stage', index, stageType: stage?.type ?? '', count: this.#plan.stages.length });
    this.#broadcast({ type: 'start-stage', stageIndex: index, startAtMs: startMs });
    await this.#waitFor(() => this.#stageDone.get(index) === this.#plan.workers);
    const endMs = Date.now();
    return { index, type: stage?.type ?? '', startedAt: new Date(startMs).toISOString(), endedAt: new Date(endMs).toISOString(), durationMs: endMs - startMs };
  }

  #onWorkerMessage(message: WorkerToCoordinator): void {
    switch (message.type) {
      case 'keys-generated':
        this.#generated.set(message.groupIndex, [...(this.#generated.get(message.groupIndex) ?? []), ...message.keys]);
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

  #addSnapshot(snapshot: WorkerSnapshot): void {
    this.#plan.groups.forEach((group, g) => {
      const groupSnapshot = snapshot.groups[group.name];
      if (groupSnapshot !== undefined) this.#groupTotals[g]?.add(groupSnapshot);
    });
    this.#timeline.add(snapshot);
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
    const total = this.#total();
    const errors = Object.entries(total.counters).reduce((n, [k, v]) => (k.startsWith('errors.') || k.startsWith('connectFailed.') ? n + v : n), 0);
    this.#progress({
      type: 'tick',
      elapsedMs: Date.now() - startedMs,
      connected: total.counter('connected') - total.counter('disconnected') - total.counter('errors.connection-lost'),
      published: total.counter('published'),
      acked: total.counter('acked'),
      errors,
    });
  }

  #total(): MetricsTotals {
    const total = new MetricsTotals();
    for (const group of this.#groupTotals) total.addTotals(group);
    return total;
  }

  #result(startedMs: number, stages: StageRecord[], brokerUrl: string, brokerTotals: MetricsTotals | undefined): RunResult {
    const endedMs = Date.now();
    const groups: RunResult['groups'] = {};
    this.#plan.groups.forEach((group, g) => {
      groups[group.name] = metricsSection(this.#groupTotals[g] as MetricsTotals);
    });
    const brokerSection = brokerTotals === undefined ? undefined : metricsSection(brokerTotals);
    return {
      schemaVersion: SCHEMA_VERSION,
      status: this.#status,
      ...(this.#statusReason === undefined ? {} : { statusReason: this.#statusReason }),
      scenario: { name: this.#plan.scenarioName, file: this.#options.file, plan: this.#plan },
      environment: environmentInfo(),
      startedAt: new Date(startedMs).toISOString(),
      endedAt: new Date(endedMs).toISOString(),
      durationMs: endedMs - startedMs,
      stages,
      total: metricsSection(this.#total()),
      groups,
      broker: {
        kind: this.#plan.broker.kind === 'embedded' ? 'embedded' : 'external',
        url: brokerUrl,
        ...(brokerSection === undefined ? {} : { metrics: { counters: brokerSection.counters, histograms: brokerSection.histograms } }),
      },
      timeline: this.#timeline.finish(),
    };
  }
}

function totalsOf(snapshot: import('../metrics/snapshot.js').MetricsSnapshot): MetricsTotals {
  const totals = new MetricsTotals();
  totals.add(snapshot);
  return totals;
}

async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
