/** A QoS 1 or 2 publish waiting for a place in the broker's Receive Maximum window (both engines). */
import type { PublishExtras, PublishOutcomes } from './session-api.js';
export interface HeldPublish {
  topic: string;
  payload: string;
  qos: 1 | 2;
  retain: boolean;
  ticket: number;
  outcomes: PublishOutcomes;
  extras?: PublishExtras;
}

/**
 * The broker's Receive Maximum as a per-connection window (MQTT 5 §3.3.4, §4.9): at most `limit`
 * QoS 1 and 2 publishes unacknowledged at once [MQTT-3.3.4-7]; a publish beyond it waits, first
 * come first sent, until an ack frees a place. Every step is O(1): the publish path is hot.
 * MQTT 3.1.1 has no such limit: the window is unbounded there.
 */
export class SendWindow<T> {
  #limit = Number.POSITIVE_INFINITY;
  #used = 0;
  #held: (T | undefined)[] = [];
  #head = 0;

  /** The window's size; Infinity when the broker set none (MQTT 3.1.1). */
  get limit(): number {
    return this.#limit;
  }

  /** Publishes unacknowledged now. */
  get inFlight(): number {
    return this.#used;
  }

  /** Publishes waiting for a place. */
  get waiting(): number {
    return this.#held.length - this.#head;
  }

  /** A new connection: its own window, empty; what still waited is handed back to fail. */
  reset(limit: number): T[] {
    const left = this.takeHeld();
    this.#limit = limit;
    this.#used = 0;
    return left;
  }

  /** Takes a place for a publish about to be sent; false: the window is full, `hold` it. */
  take(): boolean {
    if (this.#used >= this.#limit) return false;
    this.#used++;
    return true;
  }

  hold(item: T): void {
    this.#held.push(item);
  }

  /**
   * An ack freed a place: the publish that waited longest takes it and is returned, to be sent
   * now; or, none waiting, the place is free.
   */
  release(): T | undefined {
    if (this.#head < this.#held.length) {
      const next = this.#held[this.#head] as T;
      this.#held[this.#head++] = undefined;
      if (this.#head === this.#held.length) {
        this.#held = [];
        this.#head = 0;
      }
      return next;
    }
    if (this.#used > 0) this.#used--;
    return undefined;
  }

  /** Every publish still waiting, in order; the window keeps none. */
  takeHeld(): T[] {
    const left = this.#held.slice(this.#head) as T[];
    this.#held = [];
    this.#head = 0;
    return left;
  }
}
