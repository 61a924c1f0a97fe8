import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { itemAt } from '../../../src/util/item-at.js';
import { DeviceLifecycle } from '../../../src/worker/stages/device-lifecycle.js';
import { Publisher } from '../../../src/worker/stages/publisher.js';
import { dispatchStage } from '../../../src/worker/stages/stage-dispatch.js';
import { TokenRefresher } from '../../../src/worker/token-refresher.js';
import { contextOf, FakeClock, FakeEngine, planOf } from '../support/fakes.js';

const PLAN = planOf(`
groups:
  - { name: a, count: 2, idPattern: "a-{index}" }
  - { name: b, count: 2, idPattern: "b-{index}" }
stages:
  - { type: connect, rate: 10/s, order: interleaved }
  - { type: hold, duration: 5s }
  - { type: reconnect-storm, percent: 50, rate: 100/s }
  - { type: disconnect, groups: [b] }
`);

describe('dispatchStage', () => {
  it('runs connect, hold, storm and disconnect stages on the right devices at the right times', async () => {
    const clock = new FakeClock();
    let stopping = false;
    const ctx = contextOf(PLAN, clock, { stopping: () => stopping });
    const engine = new FakeEngine({}, clock);
    const parts = { ctx, lifecycle: new DeviceLifecycle(ctx, new TokenRefresher(ctx), engine), publisher: new Publisher(ctx) };
    const connectedAt: Record<string, number> = {};
    engine.broker.connect = (session) => ((connectedAt[session.deviceId] ??= clock.nowMs()), { ok: true });

    const start = clock.nowMs();
    await dispatchStage(itemAt(PLAN.stages, 0), start, parts);
    // Interleaved at 10/s: a-0, b-0, a-1, b-1, 100 ms apart.
    assert.deepEqual(Object.fromEntries(Object.entries(connectedAt).map(([id, at]) => [id, at - start])), { 'a-0': 0, 'b-0': 100, 'a-1': 200, 'b-1': 300 });
    assert.equal(ctx.fleet.connected, 4);

    const holdStart = clock.nowMs();
    await dispatchStage(itemAt(PLAN.stages, 1), holdStart, parts);
    assert.equal(clock.nowMs() - holdStart, 5000);

    await dispatchStage(itemAt(PLAN.stages, 2), clock.nowMs(), parts);
    assert.equal(
      engine.sessions.reduce((n, s) => n + s.drops, 0),
      2,
      'half of the devices dropped',
    );
    assert.equal(engine.sessions.length, 6, 'and came back on new sessions');
    assert.equal(ctx.fleet.connected, 4);

    await dispatchStage(itemAt(PLAN.stages, 3), clock.nowMs(), parts);
    assert.equal(ctx.fleet.connected, 2);
    assert.deepEqual([...ctx.fleet.sessions.keys()].sort(), [0, 1], 'group b disconnected');

    stopping = true;
    const stoppedAt = clock.nowMs();
    await dispatchStage(itemAt(PLAN.stages, 1), stoppedAt, parts);
    assert.equal(clock.nowMs(), stoppedAt, 'a stopped run does not hold');
  });
  it('ends a hold when the coordinator says stop, on one timer and no poll', async () => {
    let sleeps = 0;
    // Sleeps that never end: only the stop can end the hold.
    const stuck = { nowMs: () => 1_700_000_000_000, sleepMs: () => (sleeps++, new Promise<void>(() => {})) };
    let stop = (): void => {};
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const ctx = { ...contextOf(PLAN, stuck), stopped };
    const parts = { ctx, lifecycle: new DeviceLifecycle(ctx, new TokenRefresher(ctx), new FakeEngine({}, new FakeClock())), publisher: new Publisher(ctx) };
    const hold = dispatchStage(itemAt(PLAN.stages, 1), stuck.nowMs(), parts);
    setImmediate(stop);
    await hold;
    assert.equal(sleeps, 1);
  });
});
