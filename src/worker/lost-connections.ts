/**
 * What a worker does when a device's connection is lost: reconnect it with backoff (reconnect.ts)
 * and count what happened: attempts, devices back, devices that gave up, and each device's
 * downtime as a histogram. A device that is back subscribes again. Token refreshes are planned reconnects and are counted apart.
 */
import type { Recorder } from '../metrics/recorder.js';
import type { ReconnectPlan } from '../scenario/run-plan.js';
import type { Clock } from '../util/clock.js';
import { reconnectWithBackoff } from './reconnect.js';
import type { ConnectOutcome, Session } from './engines/session-api.js';
import { METRIC, errorCounter } from '../metrics/metric-names.js';

export interface LostConnectionHost {
  clock: Clock;
  /** False once the run ends or the device was disconnected on purpose (or replaced). */
  isCurrent(index: number, session: Session): boolean;
  /** A CONNECT with a freshly signed token: the old one may be near its expiry by now. */
  connectAgain(index: number, session: Session): Promise<ConnectOutcome>;
  onBack(index: number): void;
  /** Once back: the device subscribes again to what it had subscribed (subscriptions.ts). */
  resubscribe(index: number, session: Session): Promise<void>;
  onGaveUp(index: number): void;
}

export class LostConnections {
  readonly #plan: ReconnectPlan;
  readonly #host: LostConnectionHost;
  readonly #pending = new Set<Promise<void>>();

  constructor(plan: ReconnectPlan, host: LostConnectionHost) {
    this.#plan = plan;
    this.#host = host;
  }

  /** Called when `session` of device `index` lost its connection. */
  lost(index: number, session: Session, recorder: Recorder): void {
    if (!this.#plan.enabled || !this.#host.isCurrent(index, session)) return;
    const promise = this.#reconnect(index, session, recorder);
    this.#pending.add(promise);
    void promise.finally(() => this.#pending.delete(promise));
  }

  /** Resolves when every reconnect under way has ended (they stop once the run has). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  async #reconnect(index: number, session: Session, recorder: Recorder): Promise<void> {
    const { clock } = this.#host;
    const lostMs = clock.nowMs();
    const outcome = await reconnectWithBackoff(this.#plan, {
      clock,
      shouldStop: () => !this.#host.isCurrent(index, session),
      attempt: () => {
        recorder.count(METRIC.reconnectAttempts);
        return this.#host.connectAgain(index, session);
      },
    });
    if (outcome.ok && this.#host.isCurrent(index, session)) {
      recorder.count(METRIC.reconnects);
      recorder.record(METRIC.reconnectUs, (clock.nowMs() - lostMs) * 1000);
      this.#host.onBack(index);
      await this.#host.resubscribe(index, session);
    } else if (!outcome.ok && outcome.reason === 'gave-up') {
      recorder.count(METRIC.reconnectGaveUp);
      recorder.count(errorCounter(`reconnect-gave-up.${outcome.lastReason ?? 'unknown'}`));
      this.#host.onGaveUp(index);
    } else if (outcome.ok) {
      // Disconnected on purpose while the CONNECT was under way: close what just opened.
      await session.disconnect();
    }
  }
}
