/**
 * Reconnecting a device whose connection was lost (the broker died, restarted, or dropped it):
 * exponential backoff with jitter, up to a limit. Jitter spreads thousands of devices that lost
 * their connections in the same instant, so they do not all knock at once when the broker is back
 * (the "thundering herd"). Kept apart from token refresh (refresh.ts), which is planned, not a fault.
 */
import type { ReconnectPlan } from '../scenario/run-plan.js';
import type { Clock } from '../util/clock.js';
import type { ConnectOutcome } from './engines/session-api.js';

/** A long backoff is slept in slices this long, so a run that ends does not wait for it. */
const STOP_CHECK_MS = 250;

/**
 * Backoff before attempt `attempt` (0-based): initial·2^attempt capped at max, then scaled by
 * 50-100% at random ("equal jitter"): never zero, so a dead broker is not hammered.
 */
export function backoffDelayMs(attempt: number, plan: Pick<ReconnectPlan, 'initialDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const capped = Math.min(plan.maxDelayMs, plan.initialDelayMs * 2 ** Math.min(attempt, 30));
  return capped * (0.5 + 0.5 * random());
}

export interface ReconnectSteps {
  clock: Clock;
  /** True once the run ends or the device is disconnected on purpose. */
  shouldStop: () => boolean;
  /** One CONNECT, with a fresh token. */
  attempt: () => Promise<ConnectOutcome>;
  random?: () => number;
}

export type ReconnectOutcome = { ok: true; attempts: number } | { ok: false; attempts: number; reason: 'stopped' | 'gave-up'; lastReason?: string };

export async function reconnectWithBackoff(plan: ReconnectPlan, steps: ReconnectSteps): Promise<ReconnectOutcome> {
  const random = steps.random ?? Math.random;
  let lastReason: string | undefined;
  for (let attempt = 0; attempt < plan.maxAttempts; attempt++) {
    const untilMs = steps.clock.nowMs() + backoffDelayMs(attempt, plan, random);
    while (!steps.shouldStop() && steps.clock.nowMs() < untilMs) {
      await steps.clock.sleepMs(Math.min(STOP_CHECK_MS, untilMs - steps.clock.nowMs()));
    }
    if (steps.shouldStop()) return { ok: false, attempts: attempt, reason: 'stopped', ...(lastReason === undefined ? {} : { lastReason }) };
    const outcome = await steps.attempt();
    if (outcome.ok) return { ok: true, attempts: attempt + 1 };
    lastReason = outcome.reason;
  }
  return { ok: false, attempts: plan.maxAttempts, reason: 'gave-up', ...(lastReason === undefined ? {} : { lastReason }) };
}
