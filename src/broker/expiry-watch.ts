/**
 * Disconnects sessions whose token has expired, once the skew has passed, as Cloud IoT Core did:
 * a token is checked at CONNECT only (MQTT 3.1.1 §3.1), so without this a session outlives its
 * credentials by as long as the device likes. Sessions are kept in one-second buckets, so a
 * sweep touches only the ones that are due, whatever the number of connections.
 */
export class ExpiryWatch<T> {
  readonly #buckets = new Map<number, Set<T>>();
  readonly #bucketOf = new Map<T, number>();
  readonly #skewSec: number;

  constructor(skewSec: number) {
    this.#skewSec = skewSec;
  }

  get size(): number {
    return this.#bucketOf.size;
  }

  /** Watches `session`, whose token expires at `expSec` (epoch seconds). */
  track(session: T, expSec: number): void {
    this.untrack(session);
    const due = Math.ceil(expSec + this.#skewSec);
    let bucket = this.#buckets.get(due);
    if (bucket === undefined) this.#buckets.set(due, (bucket = new Set()));
    bucket.add(session);
    this.#bucketOf.set(session, due);
  }

  untrack(session: T): void {
    const due = this.#bucketOf.get(session);
    if (due === undefined) return;
    this.#bucketOf.delete(session);
    const bucket = this.#buckets.get(due);
    bucket?.delete(session);
    if (bucket?.size === 0) this.#buckets.delete(due);
  }

  /** Removes and returns every session due at `nowSec` (expired for longer than the skew). */
  takeDue(nowSec: number): T[] {
    const due: T[] = [];
    for (const [second, bucket] of this.#buckets) {
      if (second > nowSec) continue;
      for (const session of bucket) {
        due.push(session);
        this.#bucketOf.delete(session);
      }
      this.#buckets.delete(second);
    }
    return due;
  }
}
