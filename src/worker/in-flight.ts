/**
 * A worker's publishes between their send and their outcome, as rows of typed arrays: the
 * ticket a session reports back is the row, so a message costs no object, no promise and no
 * map entry of the worker's. A row whose stage stopped waiting for it (timed out) stays taken
 * until its session reports, so a late ack is never taken for a newer message's.
 */
const FREE = 0;
const PENDING = 1;
const TIMED_OUT = 2;

const INITIAL_ROWS = 1024;

export class InFlightTable {
  #plannedMs = new Float64Array(INITIAL_ROWS);
  #sentMs = new Float64Array(INITIAL_ROWS);
  #group = new Int32Array(INITIAL_ROWS);
  #qos = new Uint8Array(INITIAL_ROWS);
  #state = new Uint8Array(INITIAL_ROWS);
  /** Free rows, a stack: the most recently freed is taken first. */
  #free = Int32Array.from({ length: INITIAL_ROWS }, (_, i) => INITIAL_ROWS - 1 - i);
  #freeCount = INITIAL_ROWS;
  #pending = 0;

  /** Rows taken: messages sent whose outcome has not come, timed out or not. */
  get size(): number {
    return this.#state.length - this.#freeCount;
  }

  /** Rows still awaited by their stage (not timed out). */
  get pending(): number {
    return this.#pending;
  }

  /** Takes a row for a message of `group` planned at `plannedMs` and sent at `sentMs`; returns its ticket. */
  open(group: number, qos: number, plannedMs: number, sentMs: number): number {
    if (this.#freeCount === 0) this.#grow();
    const ticket = this.#free[--this.#freeCount] as number;
    this.#plannedMs[ticket] = plannedMs;
    this.#sentMs[ticket] = sentMs;
    this.#group[ticket] = group;
    this.#qos[ticket] = qos;
    this.#state[ticket] = PENDING;
    this.#pending++;
    return ticket;
  }

  /** Whether `ticket` is a taken row: a session reporting a ticket twice, or one never given, is ignored. */
  taken(ticket: number): boolean {
    return this.#state[ticket] === PENDING || this.#state[ticket] === TIMED_OUT;
  }

  plannedMs(ticket: number): number {
    return this.#plannedMs[ticket] as number;
  }

  sentMs(ticket: number): number {
    return this.#sentMs[ticket] as number;
  }

  group(ticket: number): number {
    return this.#group[ticket] as number;
  }

  qos(ticket: number): number {
    return this.#qos[ticket] as number;
  }

  /** The QoS it went out at, when the broker's Maximum QoS lowered it. */
  setQos(ticket: number, qos: number): void {
    this.#qos[ticket] = qos;
  }

  timedOut(ticket: number): boolean {
    return this.#state[ticket] === TIMED_OUT;
  }

  /** Gives the row back: its outcome came. */
  close(ticket: number): void {
    if (this.#state[ticket] === PENDING) this.#pending--;
    this.#state[ticket] = FREE;
    this.#free[this.#freeCount++] = ticket;
  }

  /** Marks every row still awaited as timed out, calling `each` with its group; they stay taken. */
  timeOutPending(each: (group: number) => void): void {
    for (let ticket = 0; ticket < this.#state.length && this.#pending > 0; ticket++) {
      if (this.#state[ticket] !== PENDING) continue;
      this.#state[ticket] = TIMED_OUT;
      this.#pending--;
      each(this.#group[ticket] as number);
    }
  }

  #grow(): void {
    const rows = this.#state.length;
    const grown = <T extends Float64Array | Int32Array | Uint8Array>(from: T, make: (n: number) => T): T => {
      const to = make(rows * 2);
      to.set(from);
      return to;
    };
    this.#plannedMs = grown(this.#plannedMs, (n) => new Float64Array(n));
    this.#sentMs = grown(this.#sentMs, (n) => new Float64Array(n));
    this.#group = grown(this.#group, (n) => new Int32Array(n));
    this.#qos = grown(this.#qos, (n) => new Uint8Array(n));
    this.#state = grown(this.#state, (n) => new Uint8Array(n));
    // Every row was taken: the new ones are all free.
    this.#free = new Int32Array(rows * 2);
    for (let i = 0; i < rows; i++) this.#free[i] = rows * 2 - 1 - i;
    this.#freeCount = rows;
  }
}
