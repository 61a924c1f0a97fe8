/**
 * Token refresh by MQTT 5 re-authentication, through the worker's own refresher and lifecycle over
 * fake sessions: AUTH 0x19 on the open connection, its counters, a refusal, and the fallbacks to
 * reconnecting (auth-fallback.ts). The engines' AUTH on the wire is tested against the embedded
 * broker (test/worker/engines); the fallback against mosquitto in test/mosquitto.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceLifecycle } from '../../src/worker/stages/device-lifecycle.js';
import { TokenRefresher } from '../../src/worker/token-refresher.js';
import { contextOf, FakeClock, FakeEngine, planOf, refresherRig, type FakeBroker } from './support/fakes.js';

const PLAN = planOf(`
mqtt: { protocolVersion: 5, auth: method }
groups:
  - { name: s, count: 2, idPattern: "s-{index}", token: { lifetime: 10m, refreshBefore: 1m, refresh: reauth } }
stages:
  - type: connect
`);

const setUp = (broker: FakeBroker = {}) => refresherRig(PLAN, broker);

describe('refresh by re-authentication', () => {
  it('sends each fresh token in an AUTH on the open connection: no reconnect, no resubscribe, counted and timed', async () => {
    const { clock, flags, ctx, engine, refresher, lifecycle } = setUp();
    for (const index of [0, 1]) await lifecycle.connect(index, clock.nowMs());
    await lifecycle.subscribe({ type: 'subscribe', groups: ['s'], topicTemplate: 'down/{deviceId}', qos: 1, measure: 'downlink', timestampField: 'ts' }, 0);
    const running = refresher.run();
    await clock.until(() => engine.sessions.every((s) => s.reauths.length >= 2));
    flags.finished = true;
    refresher.stop();
    await running;
    assert.equal(ctx.fleet.connected, 2);
    for (const [i, session] of engine.sessions.entries()) {
      assert.equal(session.refreshes.length, 0, `device ${i} never reconnected`);
      assert.deepEqual(session.auths, [{ way: 'method', method: 'CUSTOM-JWT' }], `device ${i} connected once, under the method`);
      assert.equal(ctx.fleet.device(i).token, session.reauths.at(-1)?.token, `device ${i} holds the token it sent last`);
    }
    assert.deepEqual(engine.sessions[0]?.filters, ['down/s-0'], 'the subscription was not made again');
    const interval = ctx.fleet.recorder(0).takeInterval();
    const reauths = engine.sessions.reduce((n, s) => n + s.reauths.length, 0);
    assert.equal(interval.counters['reauths'], reauths);
    assert.equal(interval.counters['refreshes'], undefined);
    assert.equal(interval.counters['refreshBytes'], reauths * 417);
    assert.ok(interval.histograms['reauthUs'] !== undefined);
  });

  it('counts a refused re-authentication by reason as an error; the device keeps re-authenticating', async () => {
    const { clock, flags, ctx, engine, refresher, lifecycle } = setUp({
      reauth: (session) =>
        session.reauths.length === 1 ? { ok: false, reason: 'disconnected.not-authorized' } : { ok: true, authBytes: 400, answerBytes: 17 },
    });
    await lifecycle.connect(0, clock.nowMs());
    const running = refresher.run();
    const session = engine.sessions[0];
    await clock.until(() => (session?.reauths.length ?? 0) >= 1);
    // The broker's DISCONNECT ends the connection; the device comes back through the reconnect policy.
    session?.lose('connection-lost');
    await clock.until(() => (session?.reauths.length ?? 0) >= 2);
    flags.finished = true;
    refresher.stop();
    await running;
    const counters = ctx.fleet.recorder(0).takeInterval().counters;
    assert.equal(counters['errors.reauth-refused.disconnected.not-authorized'], 1);
    assert.equal(counters['reauthFallbacks'], undefined);
    assert.equal(counters['reauths'], 1);
  });

  it('falls back to reconnecting, at once and from then on, when the broker does not answer the AUTH', async () => {
    const { clock, flags, ctx, engine, refresher, lifecycle } = setUp({ reauth: () => ({ ok: false, reason: 'timeout' }) });
    await lifecycle.connect(0, clock.nowMs());
    const running = refresher.run();
    const session = engine.sessions[0];
    await clock.until(() => (session?.refreshes.length ?? 0) >= 2);
    flags.finished = true;
    refresher.stop();
    await running;
    assert.equal(session?.reauths.length, 1, 'one AUTH, then reconnects only');
    assert.equal(ctx.fleet.device(0).token, session?.refreshes.at(-1)?.password);
    const counters = ctx.fleet.recorder(0).takeInterval().counters;
    assert.equal(counters['reauthFallbacks'], 1);
    assert.equal(counters['reauthFallback.timeout'], 1);
    assert.equal(counters['refreshes'], 2);
    assert.equal(ctx.fleet.connected, 1);
  });

  it('connects again with the token as password when the broker refuses the method (0x8C), and refreshes by reconnecting', async () => {
    const { clock, flags, ctx, engine, refresher, lifecycle } = setUp({
      connect: (session) => (session.auths.at(-1)?.way === 'method' ? { ok: false, reason: 'bad-authentication-method' } : { ok: true }),
    });
    await lifecycle.connect(0, clock.nowMs());
    assert.equal(ctx.fleet.connected, 1);
    const running = refresher.run();
    const session = engine.sessions[0];
    await clock.until(() => (session?.refreshes.length ?? 0) >= 1);
    flags.finished = true;
    refresher.stop();
    await running;
    assert.deepEqual(
      session?.auths.map((a) => a.way),
      ['method', 'password', 'password'],
    );
    assert.equal(session?.reauths.length, 0);
    const counters = ctx.fleet.recorder(0).takeInterval().counters;
    assert.equal(counters['reauthFallbacks'], 1);
    assert.equal(counters['reauthFallback.bad-authentication-method'], 1);
    assert.equal(counters['connected'], 1);
    assert.equal(counters['connectFailed'], undefined, 'the refused method is a fallback, not a failed connect');
    assert.equal(counters['connectBytes'], 200, 'both CONNECTs are on the wire');
  });

  it('a group refreshed by reconnect under the method is not retried with the password', async () => {
    const plan = planOf(`
mqtt: { protocolVersion: 5, auth: method }
groups:
  - { name: s, count: 1, idPattern: "s-{index}" }
stages:
  - type: connect
`);
    const clock = new FakeClock();
    const ctx = contextOf(plan, clock);
    const engine = new FakeEngine({ connect: () => ({ ok: false, reason: 'bad-authentication-method' }) }, clock);
    const lifecycle = new DeviceLifecycle(ctx, new TokenRefresher(ctx), engine);
    await lifecycle.connect(0, clock.nowMs());
    const counters = ctx.fleet.recorder(0).takeInterval().counters;
    assert.equal(counters['connectFailed.bad-authentication-method'], 1);
    assert.equal(counters['reauthFallbacks'], undefined);
    assert.equal(engine.sessions[0]?.auths.length, 1);
  });
});
