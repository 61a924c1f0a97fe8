/**
 * One device's session on each engine, against a real embedded broker: what a token refresh does
 * to calls that arrive while it is under way. The whole-run view of both engines is
 * test/mosquitto/behaviour-matrix.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningBroker } from '../../../src/broker/server.js';
import type { MqttPlan } from '../../../src/scenario/run-plan.js';
import { loadEngine } from '../../../src/worker/engines/engine.js';
import { publishErrorKind } from '../../../src/worker/stages/publisher.js';
import type { PublishOutcomes, Session } from '../../../src/worker/engines/session-api.js';
import { ecToken, registerEc, startTestBroker } from '../../broker/helpers.js';
import { testMqttPlan } from '../../support/mqtt-plan.js';

const ENGINES = ['lean', 'mqttjs'] as const;
const plan = (engine: MqttPlan['engine']): MqttPlan => testMqttPlan(engine, { protocolVersion: 4 });

/** Rejects when `promise` has not settled within `ms`: a hang, named. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms)));
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

describe('a session during its token refresh, on both engines', () => {
  let broker: RunningBroker;
  before(async () => {
    // Downlinks every 100 ms to every connected device, so a listener can be heard.
    broker = await startTestBroker({ downlink: { intervalMs: 100, qos: 1 } });
    registerEc(broker, ...ENGINES.flatMap((e) => [`${e}-a`, `${e}-b`, `${e}-p`, `${e}-q`]));
  });
  after(() => broker.close());

  for (const engine of ENGINES) {
    async function open(deviceId: string): Promise<{ session: Session; close: () => void }> {
      const target = { url: `mqtt://127.0.0.1:${broker.port}` };
      const sessions = await loadEngine({ engine }, target);
      const session = sessions.session(deviceId, () => {}, target);
      assert.deepEqual(await session.connect(target, plan(engine), await ecToken(deviceId)), { ok: true });
      return { session, close: () => sessions.close() };
    }

    it(`a disconnect while a refresh is under way: both end, and the device is gone (${engine})`, async () => {
      const { session, close } = await open(`${engine}-a`);
      const target = { url: `mqtt://127.0.0.1:${broker.port}` };
      const refresh = session.refresh(target, plan(engine), await ecToken(`${engine}-a`));
      const disconnect = session.disconnect();
      await within(Promise.all([refresh, disconnect]), 5000, 'refresh and disconnect');
      // The refresh may have connected again after the disconnect; the worker closes that (worker-run.ts).
      await within(session.disconnect(), 5000, 'the last disconnect');
      assert.equal(session.connected, false);
      close();
    });

    it(`a subscribe issued during a refresh goes out on the new connection, whose listener hears downlinks (${engine})`, async () => {
      const { session, close } = await open(`${engine}-b`);
      let received = 0;
      session.onMessage(() => received++);
      const target = { url: `mqtt://127.0.0.1:${broker.port}` };
      const refresh = session.refresh(target, plan(engine), await ecToken(`${engine}-b`));
      assert.equal(session.usable, true);
      const subscribed = session.subscribe(`/down/device/id/${engine}-b`, 1);
      assert.deepEqual(await refresh, { ok: true });
      assert.deepEqual(await subscribed, { ok: true });
      assert.equal(session.sessionPresent, false);
      const deadline = Date.now() + 5000;
      while (received < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(received >= 3, `received ${received}`);
      await session.disconnect();
      close();
    });

    it(`each publish reports its outcome once under its ticket: acked, after a refresh, not connected (${engine})`, async () => {
      const { session, close } = await open(`${engine}-p`);
      const outcomes = new Outcomes();
      const topic = `/up/device/id/${engine}-p`;
      session.publish(topic, 'one', 1, false, 11, outcomes);
      session.publish(topic, 'zero', 0, false, 12, outcomes);
      await within(outcomes.until(2), 5000, 'two outcomes');
      // Issued during a refresh, it goes out on the new connection.
      const target = { url: `mqtt://127.0.0.1:${broker.port}` };
      const refresh = session.refresh(target, plan(engine), await ecToken(`${engine}-p`));
      session.publish(topic, 'during', 1, false, 13, outcomes);
      assert.deepEqual(await refresh, { ok: true });
      await within(outcomes.until(3), 5000, 'the outcome of the publish during the refresh');
      await session.disconnect();
      session.publish(topic, 'after', 1, false, 14, outcomes);
      await within(outcomes.until(4), 5000, 'the outcome after the disconnect');
      assert.deepEqual(outcomes.seen.slice(0, 2).sort(), ['11 published', '12 published']);
      assert.deepEqual(outcomes.seen.slice(2), ['13 published', '14 not-connected']);
      close();
    });

    it(`a QoS 1 publish whose connection drops before its ack is reported lost in flight (${engine})`, async () => {
      const { session, close } = await open(`${engine}-q`);
      const outcomes = new Outcomes();
      session.publish(`/up/device/id/${engine}-q`, 'lost', 1, false, 21, outcomes);
      await session.drop();
      await within(outcomes.until(1), 5000, 'the outcome of the dropped publish');
      assert.deepEqual(outcomes.seen, ['21 lost-in-flight']);
      close();
    });
  }
});

/** Outcomes as the worker's publisher names them, in order of arrival. */
class Outcomes implements PublishOutcomes {
  readonly seen: string[] = [];
  published(ticket: number): void {
    this.seen.push(`${ticket} published`);
  }
  failed(ticket: number, error: unknown): void {
    this.seen.push(`${ticket} ${publishErrorKind(error)}`);
  }
  refused(ticket: number, reason: string): void {
    this.seen.push(`${ticket} ${reason}`);
  }
  heldBack(ticket: number): void {
    this.seen.push(`${ticket} held`);
  }
  downgraded(ticket: number, qos: 0 | 1): void {
    this.seen.push(`${ticket} downgraded to ${qos}`);
  }
  async until(count: number): Promise<void> {
    while (this.seen.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
