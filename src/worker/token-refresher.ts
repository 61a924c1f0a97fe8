/**
 * Fresh tokens for a worker's devices. `renewToken` is the one place a token is signed after
 * preparation (for a planned refresh, a reconnect after a lost connection, or after a storm).
 * The refresher runs for the whole task: it signs a little ahead of each device's planned
 * refresh (refresh.ts) and reconnects the device with the new token, or, for a group refreshed by
 * `reauth`, sends it in an AUTH 0x19 on the open connection (falling back to reconnecting where
 * the broker does not take it: auth-fallback.ts).
 */
import { signTokenAsync } from '../identity/token.js';
import { tokenSpec } from '../scenario/plan.js';
import type { Clock } from '../util/clock.js';
import { groupPosition, type FleetDevice } from './fleet.js';
import { refreshAtMs, RefreshQueue, type RefreshEntry } from './refresh.js';
import type { Session } from './engines/session-api.js';
import type { WorkerContext } from './worker-context.js';
import { METRIC, errorCounter } from '../metrics/metric-names.js';
import { AuthFallbacks, reauthUnsupported } from './auth-fallback.js';

/**
 * The refresh loop sleeps until its earliest plan comes within the signing lead, but never less
 * than REFRESH_TICK_MS (plans coming due together are taken together) nor more than
 * REFRESH_IDLE_MS, and with nothing planned until woken; a plan made for sooner, or the task's
 * end, wakes it. It signs at most REFRESH_SIGN_LEAD_MS ahead of a reconnect (at most a quarter of
 * refreshBefore: a token signed early expires early too). A worker holding devices whose
 * refreshes are far off wakes for them a few times a minute, not four times a second.
 */
const REFRESH_TICK_MS = 250;
const REFRESH_IDLE_MS = 5000;
const REFRESH_SIGN_LEAD_MS = 5000;
/** A DISCONNECT without reason or properties (§3.14): 2 bytes, as both engines send it before a refresh's CONNECT. */
const DISCONNECT_BYTES = 2;

/** A token signed now and its `exp`, epoch seconds. */
export interface FreshToken {
  token: string;
  expSec: number;
}

/** Signs a new token for `device` now and counts it; the device keeps its old one until `adoptToken`. */
export async function renewToken(device: FleetDevice, clock: Clock): Promise<FreshToken> {
  const nowSec = clock.nowMs() / 1000;
  const token = await signTokenAsync(tokenSpec(device.group), device.assignment.deviceId, device.key.privateKey, device.key.kid, nowSec);
  device.recorder.count(METRIC.tokensSigned);
  return { token, expSec: Math.floor(nowSec) + device.group.token.lifetimeSec };
}

/** The device connects with `fresh` from now on. */
export function adoptToken(device: FleetDevice, fresh: FreshToken): void {
  device.token = fresh.token;
  device.expSec = fresh.expSec;
}

/** When the device's current token should be replaced, epoch ms. */
export function refreshDueMs(device: FleetDevice): number {
  return refreshAtMs(device.expSec, device.group.token.refreshBeforeSec, groupPosition(device), device.group.count);
}

export class TokenRefresher {
  readonly #ctx: WorkerContext;
  readonly #queue = new RefreshQueue();
  readonly #running = new Set<Promise<void>>();
  /** Devices whose refresh is under way. */
  readonly #busy = new Set<number>();
  readonly #signLeadMs: number;
  /** While the loop sleeps: when it will wake by itself, and what wakes it sooner. */
  #wakeAtMs = Number.NEGATIVE_INFINITY;
  #wake: (() => void) | undefined;
  #afterRefresh: (index: number, session: Session) => Promise<void> = () => Promise.resolve();
  /** Devices configured for `reauth` that refresh by reconnecting instead, and how they connect. */
  readonly fallbacks: AuthFallbacks;

  constructor(ctx: WorkerContext) {
    this.#ctx = ctx;
    const shortest = Math.min(...ctx.plan.groups.map((g) => g.token.refreshBeforeSec));
    this.#signLeadMs = Math.min(REFRESH_SIGN_LEAD_MS, (shortest * 1000) / 4);
    this.fallbacks = new AuthFallbacks(ctx.plan.mqtt);
  }

  /** What a device does once a refresh brought it back (device-lifecycle.ts: it subscribes again). */
  afterRefresh(hook: (index: number, session: Session) => Promise<void>): void {
    this.#afterRefresh = hook;
  }

  /** Plans the next refresh of device `index`, from its current token's expiry. */
  schedule(index: number): void {
    const atMs = refreshDueMs(this.#ctx.fleet.device(index));
    this.#queue.add(index, atMs);
    // The loop sleeps past this plan's signing time (or with nothing planned): wake it, unless it
    // wakes within a tick anyway.
    if (atMs - this.#signLeadMs < this.#wakeAtMs && this.#wakeAtMs - this.#ctx.clock.nowMs() > REFRESH_TICK_MS) this.#wake?.();
  }

  /** The task finished: the loop stops sleeping and returns once the refreshes under way are done. */
  stop(): void {
    this.#wake?.();
  }

  /** Drops the device's planned refresh (its connection went, or a storm dropped it). */
  forget(index: number): void {
    this.#queue.remove(index);
  }

  /** Runs until the task is finished, then waits for the refreshes under way. */
  async run(): Promise<void> {
    const { clock } = this.#ctx;
    while (!this.#ctx.finished()) {
      await this.#sleepUntilDue();
      // Woken by the task's end: sign nothing more.
      if (this.#ctx.finished()) break;
      for (const entry of this.#queue.takeDue(clock.nowMs() + this.#signLeadMs)) {
        // One refresh of a device at a time: a plan that comes due during one waits a tick (the
        // one under way plans the next itself when it succeeds, replacing this).
        if (this.#busy.has(entry.device)) {
          this.#queue.add(entry.device, entry.atMs + REFRESH_TICK_MS);
          continue;
        }
        this.#busy.add(entry.device);
        const promise = this.#refreshOne(entry).finally(() => this.#busy.delete(entry.device));
        this.#running.add(promise);
        void promise.finally(() => this.#running.delete(promise));
      }
    }
    await Promise.all(this.#running);
  }

  /** Sleeps until the earliest plan is within the signing lead (see REFRESH_IDLE_MS), or a wake. */
  #sleepUntilDue(): Promise<void> {
    const { clock } = this.#ctx;
    const nowMs = clock.nowMs();
    const nextMs = this.#queue.peekMs();
    // Nothing planned: no timer at all; the first plan (or the task's end) wakes the loop.
    const waitMs = nextMs === undefined ? undefined : Math.min(REFRESH_IDLE_MS, Math.max(REFRESH_TICK_MS, nextMs - this.#signLeadMs - nowMs));
    this.#wakeAtMs = waitMs === undefined ? Number.POSITIVE_INFINITY : nowMs + waitMs;
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
      if (waitMs !== undefined) void clock.sleepMs(waitMs).then(resolve);
    }).finally(() => {
      this.#wake = undefined;
      this.#wakeAtMs = Number.NEGATIVE_INFINITY;
    });
  }

  /**
   * The token a dropped device comes back with: its own while its refresh is still ahead, else
   * one signed now. Either way the caller plans its next refresh (`schedule`) once it is back.
   */
  async tokenForReconnect(device: FleetDevice): Promise<{ token: string; fresh: boolean }> {
    const { clock } = this.#ctx;
    if (clock.nowMs() + this.#signLeadMs < refreshDueMs(device)) return { token: device.token, fresh: false };
    const fresh = await renewToken(device, clock);
    adoptToken(device, fresh);
    return { token: fresh.token, fresh: true };
  }

  async #refreshOne(entry: RefreshEntry): Promise<void> {
    const { clock, fleet } = this.#ctx;
    const device = fleet.device(entry.device);
    const session = fleet.sessions.get(entry.device);
    if (session === undefined || !session.connected) return;
    const fresh = await renewToken(device, clock);
    await clock.sleepMs(Math.max(0, entry.atMs - clock.nowMs()));
    // The session may have dropped during the awaits above; TypeScript keeps the narrowing of
    // the check before them, so it calls this one always false.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (this.#ctx.finished() || fleet.sessions.get(entry.device) !== session || !session.connected) return;
    if (this.fallbacks.byReauth(entry.device, device) && !(await this.#reauthenticate(entry.device, device, session, fresh))) return;
    await this.#reconnect(entry.device, device, session, fresh);
  }

  /**
   * AUTH 0x19 with `fresh` on the open connection. Returns true when the device should refresh by
   * reconnecting instead, now: the broker does not do re-authentication and the connection is still
   * up. A DISCONNECT ends the connection as a lost one, which lost-connections.ts brings back.
   */
  async #reauthenticate(index: number, device: FleetDevice, session: Session, fresh: FreshToken): Promise<boolean> {
    const { clock, plan } = this.#ctx;
    const startMs = clock.nowMs();
    const outcome = await session.reauthenticate(fresh.token, plan.mqtt.connectTimeoutMs);
    if (outcome.ok) {
      device.recorder.count(METRIC.reauths);
      device.recorder.record(METRIC.reauthUs, (clock.nowMs() - startMs) * 1000);
      device.recorder.count(METRIC.refreshBytes, outcome.authBytes + outcome.answerBytes);
      adoptToken(device, fresh);
      this.schedule(index);
      return false;
    }
    if (!reauthUnsupported(outcome.reason)) {
      device.recorder.count(errorCounter(`reauth-refused.${outcome.reason}`));
      if (outcome.reasonString !== undefined) this.#ctx.notes?.reasonString(`reauth-refused.${outcome.reason}`, outcome.reasonString);
      return false;
    }
    this.fallbacks.fallBack(index, device, outcome.reason, false);
    return !this.#ctx.finished() && this.#ctx.fleet.sessions.get(index) === session && session.connected;
  }

  /** DISCONNECT, then CONNECT with `fresh`; the device is off `connected` meanwhile. */
  async #reconnect(index: number, device: FleetDevice, session: Session, fresh: FreshToken): Promise<void> {
    const { clock, fleet, target } = this.#ctx;
    const startMs = clock.nowMs();
    fleet.connected--;
    fleet.inRefresh.add(index);
    const outcome = await session.refresh(target, this.fallbacks.mqttPlan(index), fresh.token).finally(() => fleet.inRefresh.delete(index));
    if (fleet.sessions.get(index) !== session) {
      // A disconnect stage took the device meanwhile: no failure, and nothing left open.
      if (outcome.ok) await session.disconnect();
      return;
    }
    if (outcome.ok) {
      fleet.connected++;
      device.recorder.count(METRIC.refreshes);
      device.recorder.record(METRIC.refreshUs, (clock.nowMs() - startMs) * 1000);
      const bytes = session.lastConnectBytes;
      device.recorder.count(METRIC.refreshBytes, DISCONNECT_BYTES + bytes.connectBytes + bytes.connackBytes);
      adoptToken(device, fresh);
      this.schedule(index);
      await this.#afterRefresh(index, session);
    } else {
      fleet.sessions.delete(index);
      device.recorder.count(errorCounter(`refresh-failed.${outcome.reason}`));
    }
  }
}
