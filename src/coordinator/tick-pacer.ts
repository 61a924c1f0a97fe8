/**
 * When the once-a-second progress tick goes out: right after every worker has sent a snapshot
 * since the last tick (so the figures, the connected count above all, are fresh rather than up to
 * a second old), at least `minGapMs` after the last tick; and, when the workers are quiet
 * (preparing keys, or hung), after `maxGapMs` anyway (`msUntilOverdue` says when, so the caller
 * arms one timer instead of polling). Pure but for the clock it is given.
 */
export interface TickPacerOptions {
  workers: number;
  nowMs: () => number;
  /** No two ticks closer than this (default 800 ms). */
  minGapMs?: number;
  /** A tick at least this often (default 1500 ms). */
  maxGapMs?: number;
}

export class TickPacer {
  readonly #workers: number;
  readonly #nowMs: () => number;
  readonly #minGapMs: number;
  readonly #maxGapMs: number;
  readonly #heard = new Set<number>();
  #lastMs: number;

  constructor(options: TickPacerOptions) {
    this.#workers = options.workers;
    this.#nowMs = options.nowMs;
    this.#minGapMs = options.minGapMs ?? 800;
    this.#maxGapMs = options.maxGapMs ?? 1500;
    this.#lastMs = options.nowMs();
  }

  /** A worker's snapshot arrived; true when the tick should go out now. */
  heard(workerIndex: number): boolean {
    this.#heard.add(workerIndex);
    return this.#heard.size >= this.#workers && this.#nowMs() - this.#lastMs >= this.#minGapMs;
  }

  /** Checked on a timer: true when the workers have been quiet too long for a fresh tick. */
  overdue(): boolean {
    return this.#nowMs() - this.#lastMs >= this.#maxGapMs;
  }

  /** How long until `overdue` turns true, for a timer that waits for it rather than polling. */
  msUntilOverdue(): number {
    return Math.max(0, this.#lastMs + this.#maxGapMs - this.#nowMs());
  }

  /** The tick went out. */
  ticked(): void {
    this.#heard.clear();
    this.#lastMs = this.#nowMs();
  }
}
