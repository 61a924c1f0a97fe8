/**
 * The workers of a run: one long-lived piscina task per worker, each with its own MessagePort,
 * and the watchdog that notices a worker gone silent. It knows nothing of stages or results: it
 * routes messages, keeps each worker's final snapshot and shuts the threads down.
 */
import { MessageChannel, type MessagePort, type Transferable } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Clock } from '../util/clock.js';
import type { CoordinatorToWorker, DeviceAssignment, WorkerResult, WorkerTask, WorkerToCoordinator } from '../worker/messages.js';
import { coordinatorPort, type CoordinatorPort } from '../worker/typed-port.js';

/** Workers send a snapshot every second and yield while signing: 15 s of silence is a hang. */
export const WORKER_SILENCE_MS = 15_000;
/**
 * Checks this far apart mean the coordinator itself did not run (a machine so loaded that the
 * main thread was not scheduled): the workers' messages may be queued behind the check, so the
 * silence is timed afresh instead of blaming them.
 */
export const COORDINATOR_STALL_MS = 5000;
/**
 * Until its first message a worker is booting (a thread, its modules, its keys): on a machine
 * loaded many times over that took over 15 s (docs/benchmarks.md), so it gets longer.
 */
export const WORKER_BOOT_SILENCE_MS = 60_000;

/** What the pool needs of piscina: run a task (its port transferred), and shut down. */
export interface TaskRunner {
  run(task: WorkerTask, options: { transferList: Transferable[] }): Promise<WorkerResult>;
  destroy(): Promise<void>;
}

export interface WorkerPoolEvents {
  onMessage(message: WorkerToCoordinator): void;
  onCrash(workerIndex: number, error: Error): void;
}

/** A worker that has sent nothing for longer than WORKER_SILENCE_MS. */
export interface SilentWorker {
  workerIndex: number;
  silentMs: number;
}

/**
 * A worker's young generation, MB. Node gives a worker V8's default (up to 48 MB), which the
 * pre-signing of thousands of tokens fills and which then stays resident for the run; 8 MB keeps
 * 16,667 held devices' worker 18 MB smaller (bench/floor-vs-harness.ts, docs/benchmarks.md "Issue
 * 27"). Scavenges cost what survives them, not how often they run, so CPU per connect is unchanged
 * within the noise (a 128 MB young generation was tried too: RSS up, CPU the same).
 */
export const WORKER_YOUNG_GENERATION_MB = 8;

export function piscinaRunner(workers: number): TaskRunner {
  return new Piscina<WorkerTask, WorkerResult>({
    filename: new URL('../worker/task.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    atomics: 'disabled',
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
}

export class WorkerPool {
  readonly #runner: TaskRunner;
  readonly #clock: Clock;
  readonly #ports: CoordinatorPort[] = [];
  readonly #tasks: Promise<void>[] = [];
  readonly #finals: (WorkerResult | undefined)[] = [];
  /** When each worker was last heard from (any message), for the watchdog. */
  readonly #lastHeardMs = new Map<number, number>();
  #lastCheckMs: number | undefined;
  /** Workers heard from at least once. */
  readonly #spoken = new Set<number>();

  constructor(runner: TaskRunner, clock: Clock) {
    this.#runner = runner;
    this.#clock = clock;
  }

  /** Starts one task per shard of devices; `taskOf` fills in the rest of each task. */
  start(
    shards: readonly DeviceAssignment[][],
    taskOf: (workerIndex: number, devices: DeviceAssignment[], port: MessagePort) => WorkerTask,
    events: WorkerPoolEvents,
  ): void {
    shards.forEach((devices, workerIndex) => {
      const { port1, port2 } = new MessageChannel();
      const port = coordinatorPort(port1);
      port.onMessage((message) => {
        this.#heardFrom(message);
        events.onMessage(message);
      });
      this.#lastHeardMs.set(workerIndex, this.#clock.nowMs());
      this.#ports.push(port);
      const task = taskOf(workerIndex, devices, port2);
      this.#tasks.push(
        this.#runner.run(task, { transferList: [port2] }).then(
          (result) => {
            this.#finals[workerIndex] = result;
          },
          (error: unknown) => events.onCrash(workerIndex, error instanceof Error ? error : new Error(String(error))),
        ),
      );
    });
  }

  broadcast(message: CoordinatorToWorker): void {
    for (const port of this.#ports) port.post(message);
  }

  /** Workers silent for longer than WORKER_SILENCE_MS at `nowMs`. */
  silent(nowMs: number): SilentWorker[] {
    const stalled = this.#lastCheckMs !== undefined && nowMs - this.#lastCheckMs > COORDINATOR_STALL_MS;
    this.#lastCheckMs = nowMs;
    if (stalled) {
      for (const workerIndex of this.#lastHeardMs.keys()) this.#lastHeardMs.set(workerIndex, nowMs);
      return [];
    }
    const silent: SilentWorker[] = [];
    for (const [workerIndex, lastMs] of this.#lastHeardMs) {
      const limitMs = this.#spoken.has(workerIndex) ? WORKER_SILENCE_MS : WORKER_BOOT_SILENCE_MS;
      if (nowMs - lastMs > limitMs) silent.push({ workerIndex, silentMs: nowMs - lastMs });
    }
    return silent;
  }

  /** Waits for every task to end, at most `ms`, or until `force` is aborted. */
  async settle(ms: number, force?: AbortSignal): Promise<void> {
    await settleWithin(Promise.all(this.#tasks), ms, force);
  }

  /** Each worker's final snapshot; undefined for a worker that did not finish. */
  finals(): (WorkerResult | undefined)[] {
    return Array.from({ length: this.#tasks.length }, (_, i) => this.#finals[i]);
  }

  async close(): Promise<void> {
    for (const port of this.#ports) port.close();
    await this.#runner.destroy();
  }

  #heardFrom(message: WorkerToCoordinator): void {
    const workerIndex = 'workerIndex' in message ? message.workerIndex : message.type === 'snapshot' ? message.snapshot.workerIndex : undefined;
    if (workerIndex === undefined) return;
    this.#lastHeardMs.set(workerIndex, this.#clock.nowMs());
    this.#spoken.add(workerIndex);
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
