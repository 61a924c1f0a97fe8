/**
 * The lean session's messages awaiting an ack, by packet identifier (1-65535, MQTT 3.1.1
 * §2.3.1): created on first use, so a device that never publishes at QoS 1 carries no map.
 */
interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

export class PendingAcks {
  #acks: Map<number, Waiter<void>> | undefined;
  #subacks: Map<number, Waiter<number[]>> | undefined;
  #nextId = 0;

  get size(): number {
    return (this.#acks?.size ?? 0) + (this.#subacks?.size ?? 0);
  }

  open(): { id: number; acked: Promise<void> } {
    const acks = (this.#acks ??= new Map());
    const id = this.#freeId();
    return { id, acked: new Promise<void>((resolve, reject) => acks.set(id, { resolve, reject })) };
  }

  openSubscribe(): { id: number; acked: Promise<number[]> } {
    const subacks = (this.#subacks ??= new Map());
    const id = this.#freeId();
    return { id, acked: new Promise<number[]>((resolve, reject) => subacks.set(id, { resolve, reject })) };
  }

  settle(id: number): void {
    const waiter = this.#acks?.get(id);
    if (waiter === undefined) return;
    this.#acks?.delete(id);
    waiter.resolve();
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
    for (const waiter of acks?.values() ?? []) waiter.reject(error);
    for (const waiter of subacks?.values() ?? []) waiter.reject(error);
  }

  /** Resolves once nothing awaits an ack, or after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.size > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  #freeId(): number {
    for (let tries = 0; tries < 65535; tries++) {
      this.#nextId = (this.#nextId % 65535) + 1;
      if (!this.#acks?.has(this.#nextId) && !this.#subacks?.has(this.#nextId)) return this.#nextId;
    }
    throw new Error('no free packet identifier');
  }
}
