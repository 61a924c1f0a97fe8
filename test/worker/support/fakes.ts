/**
 * Stand-ins for a worker's outside world in unit tests: a clock whose sleeps advance its own time
 * at once, sessions that answer as a broker told them to, and a context holding prepared devices
 * with real keys (tokens are really signed; nothing connects).
 */
import { generateKeyPairSync } from 'node:crypto';
import type { MqttPlan, RunPlan } from '../../../src/scenario/run-plan.js';
import { parseScenario } from '../../../src/scenario/load.js';
import type { Clock } from '../../../src/util/clock.js';
import type { PreparedDevice } from '../../../src/worker/devices.js';
import type { SessionEngine } from '../../../src/worker/engines/engine.js';
import type { DeviceEndpoint } from '../../../src/worker/endpoint.js';
import { Fleet } from '../../../src/worker/fleet.js';
import type { BrokerTarget } from '../../../src/worker/messages.js';
import type {
  ConnectBytes,
  ConnectOutcome,
  MessageListener,
  PublishOutcomes,
  ReauthOutcome,
  Session,
  SubscribeOutcome,
} from '../../../src/worker/engines/session-api.js';
import type { WorkerContext } from '../../../src/worker/worker-context.js';
import { DeviceLifecycle } from '../../../src/worker/stages/device-lifecycle.js';
import { TokenRefresher } from '../../../src/worker/token-refresher.js';
import { testMqttPlan } from '../../support/mqtt-plan.js';

/** Each sleep moves time forward by its length at once, then yields to the event loop. */
export class FakeClock implements Clock {
  now: number;
  constructor(startMs = 1_700_000_000_000) {
    this.now = startMs;
  }
  nowMs(): number {
    return this.now;
  }
  async sleepMs(ms: number): Promise<void> {
    this.now += Math.max(0, ms);
    await new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * Yields turn after turn (the code under test moves this clock with its own sleeps) until
   * `done()`, for at most `realMs` of real time: signing is real and asynchronous, so a count of
   * turns would pass or fail with the machine's load. The caller's assertions say what was missed.
   */
  async until(done: () => boolean, realMs = 20_000): Promise<void> {
    const deadline = Date.now() + realMs;
    while (!done() && Date.now() < deadline) await this.sleepMs(0);
  }
}

/** How the fake broker answers: per CONNECT (or refresh) and per publish. */
export interface FakeBroker {
  connect?: (session: FakeSession, password: string) => ConnectOutcome;
  /**
   * Resolves (ack) or rejects; default: acked at once. Resolved with `{ refused }`: a broker's
   * refusal by name; with `{ noSubscribers: true }`: acked with 0x10.
   */
  publish?: (session: FakeSession, topic: string, payload: string) => Promise<unknown>;
  subscribe?: (filter: string) => SubscribeOutcome;
  /** Answers an AUTH 0x19; default: accepted. A refusal that ends the connection is the test's to `lose`. */
  reauth?: (session: FakeSession, token: string) => ReauthOutcome;
  /** The CONNACK's Session Present flag; default false (a clean session). */
  sessionPresent?: (session: FakeSession) => boolean;
}

export class FakeSession implements Session {
  connected = false;
  usable = false;
  sessionPresent = false;
  readonly capabilities = undefined;
  readonly lastConnectBytes: ConnectBytes = { connectBytes: 100, connackBytes: 4 };
  /** Every password sent, CONNECT or refresh, in order. */
  readonly passwords: string[] = [];
  readonly refreshes: { atMs: number; password: string }[] = [];
  /** How each CONNECT presented its token (the plan's `auth`), in order. */
  readonly auths: MqttPlan['auth'][] = [];
  /** Every token sent in an AUTH 0x19, in order. */
  readonly reauths: { atMs: number; token: string }[] = [];
  readonly published: { topic: string; payload: string; qos: number }[] = [];
  readonly filters: string[] = [];
  disconnects = 0;
  drops = 0;
  listener: MessageListener | undefined;

  constructor(
    readonly deviceId: string,
    readonly onLost: (reason: string) => void,
    readonly endpoint: DeviceEndpoint,
    readonly broker: FakeBroker,
    readonly clock: Clock,
  ) {}

  connect(_target: BrokerTarget, plan: MqttPlan, password: string): Promise<ConnectOutcome> {
    this.passwords.push(password);
    this.auths.push(plan.auth);
    const outcome = this.broker.connect?.(this, password) ?? { ok: true };
    this.connected = this.usable = outcome.ok;
    this.sessionPresent = outcome.ok && (this.broker.sessionPresent?.(this) ?? false);
    return Promise.resolve(outcome);
  }

  async refresh(target: BrokerTarget, plan: MqttPlan, password: string): Promise<ConnectOutcome> {
    this.refreshes.push({ atMs: this.clock.nowMs(), password });
    return this.connect(target, plan, password);
  }

  reauthenticate(token: string): Promise<ReauthOutcome> {
    if (!this.connected) return Promise.resolve({ ok: false, reason: 'not-connected' });
    this.reauths.push({ atMs: this.clock.nowMs(), token });
    return Promise.resolve(this.broker.reauth?.(this, token) ?? { ok: true, authBytes: 400, answerBytes: 17 });
  }

  /** The outcome comes a microtask later, as a real session's never comes before its write. */
  publish(topic: string, payload: string, qos: 0 | 1 | 2, _retain: boolean, ticket: number, outcomes: PublishOutcomes): void {
    if (!this.connected) return outcomes.failed(ticket, new Error('not-connected'));
    this.published.push({ topic, payload, qos });
    const answer = this.broker.publish?.(this, topic, payload) ?? Promise.resolve();
    answer.then(
      (answer: unknown) => {
        const said = answer as { refused?: string; noSubscribers?: boolean } | undefined;
        if (said?.refused === undefined) outcomes.published(ticket, said?.noSubscribers === true);
        else outcomes.refused(ticket, said.refused, 'said the fake');
      },
      (error: unknown) => outcomes.failed(ticket, error),
    );
  }

  subscribe(filter: string): Promise<SubscribeOutcome> {
    this.filters.push(filter);
    return Promise.resolve(this.broker.subscribe?.(filter) ?? { ok: true });
  }

  onMessage(listener: MessageListener): void {
    this.listener = listener;
  }

  disconnect(): Promise<void> {
    this.disconnects++;
    this.connected = this.usable = false;
    return Promise.resolve();
  }

  drop(): Promise<void> {
    this.drops++;
    this.connected = this.usable = false;
    return Promise.resolve();
  }

  /** The connection goes away, as a broker that closed it. */
  lose(reason: string): void {
    this.connected = this.usable = false;
    this.onLost(reason);
  }
}

export class FakeEngine implements SessionEngine {
  readonly sessions: FakeSession[] = [];
  closed = false;
  constructor(
    readonly broker: FakeBroker,
    readonly clock: Clock,
  ) {}
  session(deviceId: string, onLost: (reason: string) => void, endpoint: DeviceEndpoint): FakeSession {
    const session = new FakeSession(deviceId, onLost, endpoint, this.broker, this.clock);
    this.sessions.push(session);
    return session;
  }
  close(): void {
    this.closed = true;
  }
  /** The sessions of one device, oldest first. */
  of(deviceId: string): FakeSession[] {
    return this.sessions.filter((s) => s.deviceId === deviceId);
  }
}

/** The MQTT settings of a lean device with the scenario defaults (MQTT 3.1.1, 30 s keepalive, no reconnects). */
export const LEAN_MQTT_PLAN: MqttPlan = testMqttPlan('lean', { protocolVersion: 4 });

export function planOf(yaml: string): RunPlan {
  const { plan } = parseScenario(yaml, 'unit.yaml');
  return plan;
}

export const TARGET: BrokerTarget = { url: 'mqtt://127.0.0.1:1883' };

/** A context whose devices (every device of `plan`, in order) hold real ES256 keys and a first token. */
export function contextOf(plan: RunPlan, clock: Clock, flags: { stopping?: () => boolean; finished?: () => boolean } = {}): WorkerContext {
  const fleet = new Fleet(plan.groups);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const devices: PreparedDevice[] = [];
  plan.groups.forEach((group, groupIndex) => {
    for (let local = 0; local < group.count; local++) {
      const globalIndex = group.firstIndex + local;
      devices.push({
        assignment: { globalIndex, groupIndex, deviceId: `${group.name}-${local}` },
        group,
        key: { privateKey, kid: 'unit-kid' },
        token: `first-token-${globalIndex}`,
        expSec: Math.floor(clock.nowMs() / 1000) + group.token.lifetimeSec,
      });
    }
  });
  fleet.setDevices(devices);
  return { clock, plan, target: TARGET, fleet, stopping: flags.stopping ?? (() => false), finished: flags.finished ?? (() => false) };
}

/** The claims of a compact JWS, unverified (the tests check what was signed, not who signed it). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A token refresher and a device lifecycle over fake sessions of `plan`; `flags.finished` ends the refresher's loop as the task's end would. */
export function refresherRig(plan: RunPlan, broker: FakeBroker = {}) {
  const clock = new FakeClock();
  const flags = { finished: false };
  const ctx = contextOf(plan, clock, { finished: () => flags.finished });
  const engine = new FakeEngine(broker, clock);
  const refresher = new TokenRefresher(ctx);
  return { clock, flags, ctx, engine, refresher, lifecycle: new DeviceLifecycle(ctx, refresher, engine) };
}
