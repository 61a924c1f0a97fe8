/**
 * One session's MQTT 5 re-authentication (§4.12.1), the same for both engines: at most one AUTH
 * 0x19 awaiting its answer, settled by the broker's AUTH, by the end of the connection, or by a
 * timer. The engines write the AUTH and hand over what comes back (lean/reauth.ts, mqttjs/reauth.ts).
 */
import type { ReauthOutcome, ServerDisconnect } from './session-api.js';

/** AUTH reason code 0x00 Success (§3.15.2.1). */
const SUCCESS = 0x00;

/** What an engine read of an AUTH from the broker; undefined: one that does not follow §3.15. */
export interface AuthAnswer {
  reasonCode: number;
  method?: string | undefined;
  reasonString?: string | undefined;
}

/**
 * `accepted`: the awaited answer. `ignored`: a late AUTH 0x00 under the connection's method, after
 * its re-authentication timed out. `protocol-error`: anything else, which the engine answers by
 * closing the connection (§4.13), as MQTT.js does (handlers/auth.ts).
 */
export type AuthVerdict = 'accepted' | 'ignored' | 'protocol-error';

interface Pending {
  authBytes: number;
  resolve: (outcome: ReauthOutcome) => void;
  timer: NodeJS.Timeout;
}

export class ReauthExchange {
  #pending: Pending | undefined;

  /**
   * Sends one AUTH 0x19 of `authBytes` (`send` writes it) and resolves with how it ended; one at a
   * time: a second while one waits is `busy` and sends nothing.
   */
  start(authBytes: number, timeoutMs: number, send: () => void): Promise<ReauthOutcome> {
    if (this.#pending !== undefined) return Promise.resolve({ ok: false, reason: 'busy' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#settle({ ok: false, reason: 'timeout' }), timeoutMs);
      this.#pending = { authBytes, resolve, timer };
      send();
    });
  }

  /**
   * An AUTH arrived on a connection made under `connectionMethod` (undefined: with the password).
   * Only AUTH 0x00 naming that method answers a re-authentication [MQTT-4.12.1-1]; the method is
   * required in every AUTH (§3.15.2.2.2).
   */
  answer(answer: AuthAnswer | undefined, answerBytes: number, connectionMethod: string | undefined): AuthVerdict {
    const pending = this.#pending;
    if (answer !== undefined && answer.reasonCode === SUCCESS && connectionMethod !== undefined && answer.method === connectionMethod) {
      if (pending === undefined) return 'ignored';
      this.#settle({ ok: true, authBytes: pending.authBytes, answerBytes });
      return 'accepted';
    }
    const reasonString = answer?.reasonString;
    this.#settle({ ok: false, reason: 'bad-answer', ...(reasonString === undefined ? {} : { reasonString }) });
    return 'protocol-error';
  }

  /** The connection ended (its loss already told): by the broker's DISCONNECT, if it sent one. */
  closed(disconnect: ServerDisconnect | undefined): void {
    if (disconnect === undefined) return this.#settle({ ok: false, reason: 'closed' });
    const { reason, reasonString } = disconnect;
    this.#settle({ ok: false, reason, ...(reasonString === undefined ? {} : { reasonString }) });
  }

  #settle(outcome: ReauthOutcome): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(outcome);
  }
}
