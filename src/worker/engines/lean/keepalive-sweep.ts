/**
 * One timer per worker for every lean session's keepalive, instead of one or two per client:
 * sessions idle for a keepalive interval send PINGREQ (MQTT 3.1.1 §3.1.2.10), and sessions that
 * heard nothing for an interval after their PINGREQ are closed as lost (the server's rule,
 * §3.1.2-24, applied from the client's side).
 *
 * Sessions wait in one-second slots, by when they next need a look; the timer wakes for the
 * earliest slot only, and a look visits only that slot's sessions. Traffic only ever moves a
 * session's next look later, so a session is looked at no later than its due time's second (as a
 * sweep of every session every second would) and is then placed by its own answer. A worker
 * holding 20,000 quiet devices with a 5-minute keepalive wakes for the seconds their pings fall
 * in, not every second, and never walks all 20,000.
 */
import { TimeSlots } from '../../../util/time-slots.js';

const SLOT_MS = 1000;

export interface Swept {
  /**
   * Looks at the session at `nowMs` (performance.now()): pings or closes it if due. Returns when it
   * next needs a look, or undefined when it needs none (down, or no keepalive).
   */
  sweep(nowMs: number): number | undefined;
}

export class KeepaliveSweep {
  readonly #slotMs: number;
  /** Sessions by the slot (time ÷ slotMs, rounded up) of their next look. */
  readonly #slots = new TimeSlots<Swept>();
  #timer: NodeJS.Timeout | undefined;
  /** The slot the timer is armed for. */
  #armedSlot = Number.POSITIVE_INFINITY;

  /** `slotMs`: the look's granularity (tests shorten it). */
  constructor(slotMs = SLOT_MS) {
    this.#slotMs = slotMs;
  }

  /** Watches `session`, which first needs a look at `dueMs` (performance.now() time). */
  add(session: Swept, dueMs: number): void {
    const slot = Math.ceil(dueMs / this.#slotMs);
    this.#slots.add(session, slot);
    if (slot < this.#armedSlot) this.#arm(slot);
  }

  delete(session: Swept): void {
    this.#slots.delete(session);
  }

  /** How many sessions it watches. */
  get size(): number {
    return this.#slots.size;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedSlot = Number.POSITIVE_INFINITY;
    this.#slots.clear();
  }

  #arm(slot: number): void {
    clearTimeout(this.#timer);
    this.#armedSlot = slot;
    this.#timer = setTimeout(() => this.#look(), Math.max(0, slot * this.#slotMs - performance.now()));
    // Never what keeps a worker alive.
    this.#timer.unref();
  }

  #look(): void {
    this.#timer = undefined;
    this.#armedSlot = Number.POSITIVE_INFINITY;
    const nowMs = performance.now();
    const lastDue = Math.floor(nowMs / this.#slotMs);
    for (const session of this.#slots.takeDue(lastDue)) {
      const nextMs = session.sweep(nowMs);
      // Never into a slot already looked at: a session due now looks again next slot.
      if (nextMs !== undefined) this.add(session, Math.max(nextMs, (lastDue + 1) * this.#slotMs));
    }
    const earliest = this.#slots.earliest();
    if (earliest !== undefined && earliest < this.#armedSlot) this.#arm(earliest);
  }
}
