/**
 * Disconnects sessions whose token has expired, once the skew has passed, as Cloud IoT Core did:
 * a token is checked at CONNECT only (MQTT 3.1.1 §3.1), so without this a session outlives its
 * credentials by as long as the device likes. Sessions are kept in one-second slots, so a
 * sweep touches only the ones that are due, whatever the number of connections.
 */
import { TimeSlots } from '../util/time-slots.js';

export class ExpiryWatch<T> {
  readonly #slots = new TimeSlots<T>();
  readonly #skewSec: number;

  constructor(skewSec: number) {
    this.#skewSec = skewSec;
  }

  get size(): number {
    return this.#slots.size;
  }

  /** Watches `session`, whose token expires at `expSec` (epoch seconds). */
  track(session: T, expSec: number): void {
    this.#slots.add(session, Math.ceil(expSec + this.#skewSec));
  }

  untrack(session: T): void {
    this.#slots.delete(session);
  }

  /** Removes and returns every session due at `nowSec` (expired for longer than the skew). */
  takeDue(nowSec: number): T[] {
    return this.#slots.takeDue(nowSec);
  }
}
