/**
 * Expiry disconnects for Aedes sessions: the token's exp is noted when it passes its check, the
 * session is watched once it is ready (so a client that fails in between leaves nothing behind),
 * and a sweep closes the due ones. The bucket logic lives in expiry-watch.ts.
 */
import type { Client } from 'aedes';
import { ExpiryWatch } from './expiry-watch.js';

export class SessionExpiry {
  readonly #watch: ExpiryWatch<Client>;
  readonly #acceptedExp = new WeakMap<Client, number>();
  readonly #timer: NodeJS.Timeout;

  /** `onExpired` is called for each open session whose token expired more than `skewSec` ago. */
  constructor(skewSec: number, nowMs: () => number, sweepMs: number, onExpired: (client: Client) => void) {
    this.#watch = new ExpiryWatch<Client>(skewSec);
    this.#timer = setInterval(() => {
      for (const client of this.#watch.takeDue(nowMs() / 1000)) if (!client.closed) onExpired(client);
    }, sweepMs);
  }

  accepted(client: Client, expSec: number): void {
    this.#acceptedExp.set(client, expSec);
  }

  ready(client: Client): void {
    const expSec = this.#acceptedExp.get(client);
    if (expSec !== undefined) this.#watch.track(client, expSec);
  }

  /** A re-authenticated session: watched again with the new token's exp. */
  extended(client: Client, expSec: number): void {
    this.#acceptedExp.set(client, expSec);
    if (!client.closed) this.#watch.track(client, expSec);
  }

  gone(client: Client): void {
    this.#watch.untrack(client);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
