import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { DeviceLifecycle } from '../../src/worker/device-lifecycle.js';
import { Publisher, publishErrorKind, type PlannedPublish } from '../../src/worker/publisher.js';
import { TokenRefresher } from '../../src/worker/token-refresher.js';
import { contextOf, FakeClock, FakeEngine, planOf, type FakeBroker } from './support/fakes.js';

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

  it('names publish failures by kind', () => {
    assert.equal(publishErrorKind(new Error('Connection closed')), 'lost-in-flight');
    assert.equal(publishErrorKind(new Error('not-connected')), 'not-connected');
    assert.equal(publishErrorKind(new Error('write EPIPE')), 'publish-failed');
    assert.equal(publishErrorKind('not-connected'), 'publish-failed');
  });
});
