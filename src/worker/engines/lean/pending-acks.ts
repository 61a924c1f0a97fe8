/**
 * The lean session's messages awaiting an ack, by packet identifier (1-65535, MQTT 3.1.1
 * §2.3.1): created on first use, so a device that never publishes at QoS 1 carries no map. A
 * publish is held as its caller's ticket alone (a number, no promise): its outcome goes to the
 * worker's one PublishOutcomes (session-api.ts).
 */
import type { PublishOutcomes } from '../session-api.js';

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

export class PendingAcks {
  /** Packet identifier → the publisher's ticket. */
  #acks: Map<number, number> | undefined;
  /** Where the tickets' outcomes go: the one PublishOutcomes of the worker (publisher.ts). */
  #outcomes: PublishOutcomes | undefined;
  #subacks: Map<number, Waiter<number[]>> | undefined;
  /** QoS 2 publishes whose PUBREC said 0x10 No matching subscribers, until their PUBCOMP. */
  #noSubscribers: Set<number> | undefined;
  #nextId = 0;

  get size(): number {
    return (this.#acks?.size ?? 0) + (this.#subacks?.size ?? 0);
  }

  /** A packet identifier for a QoS 1/2 publish whose outcome goes to `outcomes` under `ticket`. */
  open(ticket: number, outcomes: PublishOutcomes): number {
    const acks = (this.#acks ??= new Map());
    const id = this.#freeId();
    acks.set(id, ticket);
    this.#outcomes = outcomes;
    return id;
  }

  openSubscribe(): { id: number; acked: Promise<number[]> } {
    const subacks = (this.#subacks ??= new Map());
    const id = this.#freeId();
    return { id, acked: new Promise<number[]>((resolve, reject) => subacks.set(id, { resolve, reject })) };
  }

  /**
   * The publish under `id` was acknowledged; false when none waited under it. `noSubscribers`: its
   * PUBACK (or its QoS 2 exchange's PUBREC) said 0x10 (MQTT 5 §3.4.2.1).
   */
  settle(id: number, noSubscribers = false): boolean {
    const ticket = this.#acks?.get(id);
    if (ticket === undefined) return false;
    this.#acks?.delete(id);
    const quiet = this.#noSubscribers?.delete(id) === true;
    this.#outcomes?.published(ticket, noSubscribers || quiet);
    return true;
  }

  /** The publish under `id` was refused by its PUBACK, PUBREC or PUBCOMP (0x80 or more); false when none waited. */
  refuse(id: number, reason: string, reasonString: string | undefined): boolean {
    const ticket = this.#acks?.get(id);
    if (ticket === undefined) return false;
    this.#acks?.delete(id);
    this.#noSubscribers?.delete(id);
    this.#outcomes?.refused(ticket, reason, reasonString);
    return true;
  }

  /** A QoS 2 publish's PUBREC said 0x10: told when its PUBCOMP settles it. */
  markNoSubscribers(id: number): void {
    if (this.#acks?.has(id) === true) (this.#noSubscribers ??= new Set()).add(id);
  }

  settleSubscribe(id: number, codes: number[]): void {
    const waiter = this.#subacks?.get(id);
    if (waiter === undefined) return;
    this.#subacks?.delete(id);
    waiter.resolve(codes);
  }

  failAll(error: Error): void {
    const acks = this.#acks;
    const subacks = this.#subacks;
    this.#acks = undefined;
    this.#subacks = undefined;
    this.#noSubscribers = undefined;
    for (const ticket of acks?.values() ?? []) this.#outcomes?.failed(ticket, error);
    for (const waiter of subacks?.values() ?? []) waiter.reject(error);
  }

  /** Resolves once nothing awaits an ack, nor `waiting()` publishes a place to be sent, or after `timeoutMs`. */
  async drained(timeoutMs: number, waiting: () => number = () => 0): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.size + waiting() > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  #freeId(): number {
    for (let tries = 0; tries < 65535; tries++) {
      this.#nextId = (this.#nextId % 65535) + 1;
      if (!this.#acks?.has(this.#nextId) && !this.#subacks?.has(this.#nextId)) return this.#nextId;
    }
    throw new Error('no free packet identifier');
  }
}
