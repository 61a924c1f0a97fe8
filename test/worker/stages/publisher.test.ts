import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHistogram } from '../../../src/metrics/histogram.js';
import { DeviceLifecycle } from '../../../src/worker/stages/device-lifecycle.js';
import { Publisher, publishErrorKind, type PlannedPublish } from '../../../src/worker/stages/publisher.js';
import { TokenRefresher } from '../../../src/worker/token-refresher.js';
import { contextOf, FakeClock, FakeEngine, planOf, type FakeBroker } from '../support/fakes.js';

const PLAN = planOf(`
mqtt: { connectTimeout: 2s }
groups:
  - { name: s, count: 2, idPattern: "s-{index}", topic: "up/{deviceId}", payload: '{"seq":{seq}}' }
stages:
  - type: connect
`);

async function setUp(broker: FakeBroker, connect: number[]) {
  const clock = new FakeClock();
  const ctx = contextOf(PLAN, clock);
  const engine = new FakeEngine(broker, clock);
  const lifecycle = new DeviceLifecycle(ctx, new TokenRefresher(ctx), engine);
  for (const index of connect) await lifecycle.connect(index, clock.nowMs());
  ctx.fleet.recorder(0).takeInterval();
  return { clock, ctx, engine, publisher: new Publisher(ctx) };
}

const QOS1: PlannedPublish = { ratePerDevicePerSec: 2, countPerDevice: 3, qos: 1, retain: false };

describe('Publisher', () => {
  it('sends each device its messages at the planned rate, renders topic and payload, and times the acks', async () => {
    const { clock, ctx, engine, publisher } = await setUp({}, [0, 1]);
    const startMs = clock.nowMs();
    await publisher.publish(QOS1, { senders: [0, 1], positions: [0, 1], total: 2 }, startMs);
    assert.deepEqual(
      engine.sessions[0]?.published.map((p) => [p.topic, p.payload]),
      [0, 1, 2].map((seq) => ['up/s-0', `{"seq":${seq}}`]),
    );
    assert.equal(engine.sessions[1]?.published.length, 3);
    // 3 messages a device at 2/s: the last is planned 1 s in, plus the second device's half-interval
    // phase; the drain then looks at most once (100 ms) before every ack is in.
    const elapsed = clock.nowMs() - startMs;
    assert.ok(elapsed >= 1250 && elapsed <= 1350, `${elapsed} ms`);
    const { counters, histograms } = ctx.fleet.recorder(0).takeInterval();
    assert.deepEqual(counters, { published: 6, acked: 6 });
    const acks = decodeHistogram(histograms['publishAckUs'] ?? '');
    assert.equal(acks.totalCount, 6);
    assert.equal(publisher.inFlight, 0);
  });

  it('counts a refused message as refused by name, never as acked, and 0x10 as acked and apart', async () => {
    let n = 0;
    const { clock, ctx, publisher } = await setUp(
      { publish: () => Promise.resolve(n++ % 2 === 0 ? { refused: 'refused.not-authorized' } : { noSubscribers: true }) },
      [0],
    );
    await publisher.publish(QOS1, { senders: [0], positions: [0], total: 1 }, clock.nowMs());
    const { counters, histograms } = ctx.fleet.recorder(0).takeInterval();
    assert.deepEqual(counters, { published: 3, 'errors.refused.not-authorized': 2, refused: 2, acked: 1, ackedNoSubscribers: 1 });
    assert.equal(decodeHistogram(histograms['publishAckUs'] ?? '').totalCount, 1);
    assert.equal(publisher.inFlight, 0);
  });

  it('counts a device without a connection as not-connected, and a message without its ack by the deadline as ack-timeout', async () => {
    const never = new Promise<void>(() => {});
    const { clock, ctx, publisher } = await setUp({ publish: () => never }, [0]);
    const startMs = clock.nowMs();
    await publisher.publish({ ...QOS1, countPerDevice: 1 }, { senders: [0, 1], positions: [0, 1], total: 2 }, startMs);
    const { counters } = ctx.fleet.recorder(0).takeInterval();
    assert.deepEqual(counters, { published: 1, 'errors.not-connected': 1, 'errors.ack-timeout': 1 });
    // The last send was planned at 250 ms; the drain then waited one connect timeout (2 s), and no longer.
    const elapsed = clock.nowMs() - startMs;
    assert.ok(elapsed >= 2250 && elapsed <= 2350, `${elapsed} ms`);
    assert.equal(publisher.inFlight, 1);
  });

  it('measures a late generator from the plan: send lag for every message, a missed slot for each more than one interval late', async () => {
    const { clock, ctx, publisher } = await setUp({}, [0, 1]);
    // The stage was planned to start 1 s ago: its sends at 0, 250, 500, 750 ms are 1000, 750, 500
    // and 250 ms late, and two of those are later than the 500 ms interval.
    await publisher.publish(QOS1, { senders: [0, 1], positions: [0, 1], total: 2 }, clock.nowMs() - 1000);
    const { counters, histograms } = ctx.fleet.recorder(0).takeInterval();
    assert.deepEqual(counters, { published: 6, acked: 6, missedSlots: 2 });
    const lag = decodeHistogram(histograms['sendLagUs'] ?? '');
    assert.equal(lag.totalCount, 6);
    assert.ok(Math.abs(lag.maxValue - 1_000_000) <= 1000, `max send lag ${lag.maxValue} µs`);
    // Measured from the plan, the latest send's ack carries its second of lag; from the send, it does not.
    const fromPlan = decodeHistogram(histograms['publishAckUs'] ?? '');
    const fromSend = decodeHistogram(histograms['publishAckUncorrectedUs'] ?? '');
    assert.equal(fromPlan.totalCount, 6);
    assert.ok(Math.abs(fromPlan.maxValue - fromSend.maxValue - 1_000_000) <= 2000, `from plan ${fromPlan.maxValue} µs, from send ${fromSend.maxValue} µs`);
  });

  it('counts a message whose connection closed before its ack as lost-in-flight, and one refused as publish-failed', async () => {
    let n = 0;
    const { clock, ctx, publisher } = await setUp({ publish: () => Promise.reject(new Error(n++ === 0 ? 'Connection closed' : 'write EPIPE')) }, [0]);
    await publisher.publish({ ...QOS1, countPerDevice: 2 }, { senders: [0], positions: [0], total: 1 }, clock.nowMs());
    const { counters } = ctx.fleet.recorder(0).takeInterval();
    assert.deepEqual(counters, { published: 2, 'errors.lost-in-flight': 1, 'errors.publish-failed': 1 });
    assert.equal(publisher.inFlight, 0);
  });

  it('counts an ack that comes after the drain gave up as ackedLate, never as acked, and a later failure not at all', async () => {
    const answers: { resolve: () => void; reject: (error: Error) => void }[] = [];
    const { clock, ctx, publisher } = await setUp({ publish: () => new Promise<void>((resolve, reject) => answers.push({ resolve, reject })) }, [0]);
    await publisher.publish({ ...QOS1, countPerDevice: 2 }, { senders: [0], positions: [0], total: 1 }, clock.nowMs());
    assert.deepEqual(ctx.fleet.recorder(0).takeInterval().counters, { published: 2, 'errors.ack-timeout': 2 });
    assert.equal(publisher.inFlight, 2);
    answers[0]?.resolve();
    answers[1]?.reject(new Error('Connection closed'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(ctx.fleet.recorder(0).takeInterval().counters, { ackedLate: 1 });
    assert.equal(publisher.inFlight, 0);
  });

  it('at QoS 0 counts what was sent, waits for no ack, and renders a topic with {seq} for each message', async () => {
    const plan = planOf(`
groups:
  - { name: s, count: 1, idPattern: "s-{index}", topic: "up/{deviceId}/{seq}" }
stages:
  - type: connect
`);
    const clock = new FakeClock();
    const ctx = contextOf(plan, clock);
    const engine = new FakeEngine({}, clock);
    const lifecycle = new DeviceLifecycle(ctx, new TokenRefresher(ctx), engine);
    await lifecycle.connect(0, clock.nowMs());
    ctx.fleet.recorder(0).takeInterval();
    const publisher = new Publisher(ctx);
    await publisher.publish({ ...QOS1, qos: 0 }, { senders: [0], positions: [0], total: 1 }, clock.nowMs());
    assert.deepEqual(
      engine.sessions[0]?.published.map((p) => [p.topic, p.qos]),
      [
        ['up/s-0/0', 0],
        ['up/s-0/1', 0],
        ['up/s-0/2', 0],
      ],
    );
    const { counters, histograms } = ctx.fleet.recorder(0).takeInterval();
    assert.deepEqual(counters, { published: 3 });
    assert.equal(histograms['publishAckUs'], undefined);
    assert.equal(publisher.inFlight, 0);
  });

  it('names publish failures by kind', () => {
    assert.equal(publishErrorKind(new Error('Connection closed')), 'lost-in-flight');
    assert.equal(publishErrorKind(new Error('not-connected')), 'not-connected');
    assert.equal(publishErrorKind(new Error('write EPIPE')), 'publish-failed');
    assert.equal(publishErrorKind('not-connected'), 'publish-failed');
  });
});
