/**
 * Whether a run goes on: its status, the one way to end it (`end`), and the barriers the
 * coordinator waits at (every worker ready, every worker done with a stage). A wait resolves as
 * soon as its condition holds or the run has ended for any reason, so nothing waits on a dead run.
 */
import type { RunStatus } from '../report/model/run-result.js';
import type { CoordinatorToWorker, WorkerToCoordinator } from '../worker/messages.js';
import type { ProgressEvent } from './progress.js';

export class RunControl {
  readonly #workers: number;
  readonly #progress: (event: ProgressEvent) => void;
  readonly #broadcast: (message: CoordinatorToWorker) => void;
  #status: RunStatus = 'complete';
  #statusReason: string | undefined;
  #waiters: (() => boolean)[] = [];
  #ready = 0;
  readonly #stageDone = new Map<number, number>();

  constructor(workers: number, progress: (event: ProgressEvent) => void, broadcast: (message: CoordinatorToWorker) => void) {
    this.#workers = workers;
    this.#progress = progress;
    this.#broadcast = broadcast;
  }

  get status(): RunStatus {
    return this.#status;
  }

  get statusReason(): string | undefined {
    return this.#statusReason;
  }

  get ended(): boolean {
    return this.#status !== 'complete';
  }

  /** Ends the run (the first call wins): says why, tells the workers to stop, releases every wait. */
  end(status: Exclude<RunStatus, 'complete'>, reason: string): void {
    if (this.ended) return;
    this.#status = status;
    this.#statusReason = reason;
    this.#progress({ type: 'phase', message: `${status}: ${reason}` });
    this.#broadcast({ type: 'stop' });
    this.#checkWaiters();
  }

  /** Adds to the reason after the fact (a forced stop that did not wait for the workers). */
  noteForced(): void {
    this.#statusReason = `${this.#statusReason ?? 'stopped'}; forced: workers not waited for`;
  }

  /** Counts a worker's ready and stage-done messages towards the barriers. */
  onWorkerMessage(message: WorkerToCoordinator): void {
    if (message.type === 'ready') this.#ready++;
    else if (message.type === 'stage-done') this.#stageDone.set(message.stageIndex, (this.#stageDone.get(message.stageIndex) ?? 0) + 1);
    this.#checkWaiters();
  }

  /** Every worker has its devices prepared (or the run ended). */
  allReady(): Promise<void> {
    return this.#waitFor(() => this.#ready === this.#workers);
  }

  /** Every worker is done with stage `index` (or the run ended). */
  stageDone(index: number): Promise<void> {
    return this.#waitFor(() => this.#stageDone.get(index) === this.#workers);
  }

  /** Resolves when `condition` holds, or as soon as the run has ended for any reason. */
  #waitFor(condition: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        if (!condition() && !this.ended) return false;
        resolve();
        return true;
      };
      if (!check()) this.#waiters.push(check);
    });
  }

  #checkWaiters(): void {
    this.#waiters = this.#waiters.filter((check) => !check());
  }
}
