/**
 * One timer per worker for every lean session's keepalive, instead of one or two per client:
 * each second, sessions idle for a keepalive interval send PINGREQ (MQTT 3.1.1 §3.1.2.10), and
 * sessions that heard nothing for 1.5 intervals are closed as lost (the server's rule, §3.1.2-24,
 * applied from the client's side).
 */
const SWEEP_MS = 1000;

export interface Swept {
  sweep(nowMs: number): void;
}

export class KeepaliveSweep {
  readonly #sessions = new Set<Swept>();
  #timer: NodeJS.Timeout | undefined;

  add(session: Swept): void {
    this.#sessions.add(session);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#sweep(), SWEEP_MS);
      // Never what keeps a worker alive.
      this.#timer.unref();
    }
  }

  delete(session: Swept): void {
    this.#sessions.delete(session);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #sweep(): void {
    const nowMs = performance.now();
    for (const session of this.#sessions) session.sweep(nowMs);
  }
}
