import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceLifecycle } from '../../../src/worker/stages/device-lifecycle.js';
import { decodeHistogram } from '../../../src/metrics/histogram.js';
import type { SubscribeStage } from '../../../src/worker/stages/subscriptions.js';
import { TokenRefresher } from '../../../src/worker/token-refresher.js';
import { contextOf, FakeClock, FakeEngine, planOf } from '../support/fakes.js';

const PLAN = planOf(`
mqtt: { reconnect: { enabled: true, initialDelay: 100ms, maxDelay: 1s, maxAttempts: 3 } }
groups:
  - { name: a, count: 2, idPattern: "a-{index}" }
  - { name: b, count: 2, idPattern: "b-{index}" }
stages:
  - type: connect
`);

/** MQTT 5 with a kept session and a will: a `disconnect` stage does not end the session. */
const KEPT_PLAN = planOf(`
broker: mqtt://127.0.0.1:1883
mqtt: { protocolVersion: 5, clean: false, sessionExpiry: 1m, will: { topic: "wills/{deviceId}" } }
groups:
  - { name: a, count: 2, idPattern: "a-{index}" }
stages:
  - type: connect
`);

function setUp(engineBroker: ConstructorParameters<typeof FakeEngine>[0] = {}, plan = PLAN) {
  const clock = new FakeClock();
  const flags = { stopping: false, finished: false };
  const ctx = contextOf(plan, clock, { stopping: () => flags.stopping, finished: () => flags.finished });
  const engine = new FakeEngine(engineBroker, clock);
  const refresher = new TokenRefresher(ctx);
  return { clock, flags, ctx, engine, lifecycle: new DeviceLifecycle(ctx, refresher, engine) };
}

describe('DeviceLifecycle', () => {
  it('connects with the pre-signed token and counts attempts, bytes, successes and failures by reason per group', async () => {
    const { ctx, engine, lifecycle } = setUp({
      connect: (session) => (session.deviceId === 'b-1' ? { ok: false, reason: 'bad-username-or-password' } : { ok: true }),
    });
    for (const index of [0, 1, 2, 3]) await lifecycle.connect(index, 0);
    assert.deepEqual(
      engine.sessions.map((s) => s.passwords),
      [['first-token-0'], ['first-token-1'], ['first-token-2'], ['first-token-3']],
    );
    assert.equal(ctx.fleet.connected, 3);
    assert.deepEqual([...ctx.fleet.sessions.keys()], [0, 1, 2]);
    const a = ctx.fleet.recorder(0).takeInterval();
    const b = ctx.fleet.recorder(1).takeInterval();
    assert.deepEqual(a.counters, { connectAttempts: 2, connectBytes: 200, connackBytes: 8, connected: 2 });
    assert.deepEqual(b.counters, {
      connectAttempts: 2,
      connectBytes: 200,
      connackBytes: 8,
      connected: 1,
      connectFailed: 1,
      'connectFailed.bad-username-or-password': 1,
    });
    assert.ok(a.histograms['connectUs'] !== undefined && a.histograms['connectDoneUs'] !== undefined);
  });

  it('brings a lost connection back with a freshly signed token, and counts the loss and the return', async () => {
    const { clock, ctx, engine, lifecycle } = setUp();
    await lifecycle.connect(0, 0);
    const first = engine.sessions[0];
    assert.ok(first !== undefined);
    first.lose('connection-lost');
    assert.equal(ctx.fleet.connected, 0);
    await clock.until(() => first.connected);
    await lifecycle.close();
    assert.equal(first.passwords.length, 2);
    assert.notEqual(first.passwords[1], 'first-token-0');
    const counters = ctx.fleet.recorder(0).takeInterval().counters;
    assert.equal(counters['errors.connection-lost'], 1);
    assert.equal(counters['reconnectAttempts'], 1);
    assert.equal(counters['reconnects'], 1);
    assert.equal(counters['tokensSigned'], 1);
    assert.equal(counters['disconnected'], 1, 'close() disconnects the device it brought back');
  });

  it('drops and reconnects in a storm, and counts a device that was not connected as not dropped', async () => {
    const { ctx, engine, lifecycle } = setUp();
    await lifecycle.connect(0, 0);
    assert.equal(await lifecycle.storm.drop(0), true);
    assert.equal(await lifecycle.storm.drop(1), false);
    assert.equal(ctx.fleet.connected, 0);
    await lifecycle.storm.reconnect(0, 0);
    assert.equal(ctx.fleet.connected, 1);
    assert.equal(engine.sessions.length, 2, 'a new session after the drop');
    assert.deepEqual(engine.sessions[1]?.passwords, ['first-token-0'], 'its token is still good: no signing');
    const counters = ctx.fleet.recorder(0).takeInterval().counters;
    assert.equal(counters['dropped'], 1);
    assert.equal(counters['reconnects'], 1);
  });

  const DOWN: SubscribeStage = { type: 'subscribe', groups: ['a'], topicTemplate: 'down/{deviceId}', qos: 1, measure: 'downlink', timestampField: 'ts' };

  it('a device that subscribed subscribes again when a lost connection comes back, and hears there', async () => {
    const { clock, ctx, engine, lifecycle } = setUp();
    await lifecycle.connect(0, 0);
    await lifecycle.subscribe(DOWN, 0);
    const session = engine.sessions[0];
    assert.ok(session !== undefined);
    session.lose('connection-lost');
    await clock.until(() => session.filters.length >= 2);
    assert.deepEqual(session.filters, ['down/a-0', 'down/a-0']);
    session.listener?.('down/a-0', Buffer.from('{}'));
    await lifecycle.close();
    const counters = ctx.fleet.recorder(0).takeInterval().counters;
    assert.equal(counters['subscribed'], 1);
    assert.equal(counters['resubscribed'], 1);
    assert.equal(counters['received'], 1);
  });

  it('a device a storm dropped subscribes again on its new session, which gets the listener', async () => {
    const { ctx, engine, lifecycle } = setUp();
    await lifecycle.connect(0, 0);
    await lifecycle.subscribe(DOWN, 0);
    await lifecycle.storm.drop(0);
    await lifecycle.storm.reconnect(0, 0);
    const [first, second] = engine.sessions;
    assert.deepEqual(first?.filters, ['down/a-0']);
    assert.deepEqual(second?.filters, ['down/a-0']);
    second?.listener?.('down/a-0', Buffer.from('{}'));
    const counters = ctx.fleet.recorder(0).takeInterval().counters;
    assert.equal(counters['resubscribed'], 1);
    assert.equal(counters['received'], 1);
  });

  it('subscribes nothing again when the broker kept the session', async () => {
    let present = false;
    const { ctx, engine, lifecycle } = setUp({ sessionPresent: () => present });
    await lifecycle.connect(0, 0);
    await lifecycle.subscribe(DOWN, 0);
    present = true;
    await lifecycle.storm.drop(0);
    await lifecycle.storm.reconnect(0, 0);
    assert.deepEqual(engine.sessions[1]?.filters, [], 'Session Present: the broker still holds the subscription');
    engine.sessions[1]?.listener?.('down/a-0', Buffer.from('{}'));
    const counters = ctx.fleet.recorder(0).takeInterval().counters;
    assert.equal(counters['resubscribed'], undefined);
    assert.equal(counters['received'], 1, 'the new session still gets the listener');
  });

  it('counts a filter refused on the new connection as resubscribe-failed', async () => {
    let refuse = false;
    const { ctx, lifecycle } = setUp({ subscribe: () => (refuse ? { ok: false, reason: 'suback.failure' } : { ok: true }) });
    await lifecycle.connect(0, 0);
    await lifecycle.subscribe(DOWN, 0);
    refuse = true;
    await lifecycle.storm.drop(0);
    await lifecycle.storm.reconnect(0, 0);
    const counters = ctx.fleet.recorder(0).takeInterval().counters;
    assert.equal(counters['subscribed'], 1);
    assert.equal(counters['errors.resubscribe-failed.suback.failure'], 1);
  });

  it('subscribes only connected devices, disconnects each held session once, and closes the engine', async () => {
    const { ctx, engine, lifecycle } = setUp();
    await lifecycle.connect(0, 0);
    const stage: SubscribeStage = { type: 'subscribe', groups: ['a'], topicTemplate: 'down/{deviceId}', qos: 1, measure: 'downlink', timestampField: 'ts' };
    await lifecycle.subscribe(stage, 0);
    await lifecycle.subscribe(stage, 1);
    assert.deepEqual(engine.sessions[0]?.filters, ['down/a-0']);
    await lifecycle.disconnect([0, 1]);
    await lifecycle.close();
    assert.equal(engine.sessions[0]?.disconnects, 1);
    assert.equal(engine.closed, true);
    assert.equal(ctx.fleet.connected, 0);
    const counters = ctx.fleet.recorder(0).takeInterval().counters;
    assert.equal(counters['subscribed'], 1);
    assert.equal(counters['errors.not-connected'], 1);
    assert.equal(counters['disconnected'], 1);
  });

  it("keeps a kept session's filters through a disconnect stage, hears the queue from the CONNACK on and times the drain", async () => {
    let present = false;
    const heardBeforeConnack: boolean[] = [];
    const { clock, ctx, engine, lifecycle } = setUp(
      {
        sessionPresent: () => present,
        connect: (session) => (heardBeforeConnack.push(session.listener !== undefined), { ok: true }),
      },
      KEPT_PLAN,
    );
    await lifecycle.connect(0, 0);
    await lifecycle.subscribe(DOWN, 0);
    await lifecycle.disconnect([0]);
    present = true;
    await lifecycle.connect(0, 0);
    assert.deepEqual(heardBeforeConnack, [false, true], 'the listener is on the new session before its CONNACK');
    assert.deepEqual(engine.sessions[1]?.filters, [], 'Session Present: nothing subscribed again');
    clock.now += 40;
    engine.sessions[1]?.listener?.('down/a-0', Buffer.from('{"ts":1}'));
    clock.now += 60;
    engine.sessions[1]?.listener?.('down/a-0', Buffer.from('{"ts":1}'));
    await lifecycle.disconnect([0]);
    const snapshot = ctx.fleet.recorder(0).takeInterval();
    assert.equal(snapshot.counters['received'], 2);
    assert.equal(snapshot.counters['queuedReceived'], 2);
    assert.equal(snapshot.counters['resubscribed'], undefined);
    const drain = snapshot.histograms['sessionDrainUs'];
    assert.ok(drain !== undefined);
    assert.equal(decodeHistogram(drain).totalCount, 1);
    // CONNACK to the last queued message: 100 ms, to the histogram's 3 significant digits.
    assert.ok(Math.abs(decodeHistogram(drain).maxValue - 100_000) <= 100);
  });

  it("forgets a clean session's filters at a disconnect stage, as before", async () => {
    const { engine, lifecycle } = setUp();
    await lifecycle.connect(0, 0);
    await lifecycle.subscribe(DOWN, 0);
    await lifecycle.disconnect([0]);
    await lifecycle.connect(0, 0);
    assert.equal(engine.sessions[1]?.listener, undefined);
    assert.deepEqual(engine.sessions[1]?.filters, []);
  });

  it("a drop stage drops devices for good and counts each one's will as expected", async () => {
    const { ctx, engine, lifecycle } = setUp({}, KEPT_PLAN);
    await lifecycle.connect(0, 0);
    await lifecycle.connect(1, 0);
    await lifecycle.dropForGood([0, 1]);
    assert.deepEqual(
      engine.sessions.map((s) => [s.drops, s.disconnects]),
      [
        [1, 0],
        [1, 0],
      ],
    );
    assert.equal(ctx.fleet.connected, 0);
    assert.equal(ctx.fleet.sessions.size, 0);
    const counters = ctx.fleet.recorder(0).takeInterval().counters;
    assert.equal(counters['dropped'], 2);
    assert.equal(counters['willsExpected'], 2);
  });
});
