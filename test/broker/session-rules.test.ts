import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BROKER_METRIC } from '../../src/broker/broker-metrics.js';
import type { RunningBroker } from '../../src/broker/server.js';
import { closed, connectClient, counter, ecToken, eventually, grantedQos, registerEc, startTestBroker } from './helpers.js';

describe('after connect: topic rules, QoS, takeover', () => {
  let broker: RunningBroker;
  let url: string;
  before(async () => {
    broker = await startTestBroker();
    url = `mqtt://127.0.0.1:${broker.port}`;
    registerEc(broker, 'dev-a', 'dev-b');
  });
  after(() => broker.close());

  it('lets a device publish to its uplink topic and below, at QoS 1', async () => {
    const client = await connectClient(url, 'dev-a', await ecToken('dev-a'));
    await client.publishAsync('/up/device/id/dev-a', 'x', { qos: 1 });
    await client.publishAsync('/up/device/id/dev-a/battery', 'y', { qos: 1 });
    assert.equal(counter(broker, BROKER_METRIC.messagesIn), 2);
    await client.endAsync();
  });

  it("closes a 3.1.1 session that publishes to another device's uplink, and counts it", async () => {
    const client = await connectClient(url, 'dev-a', await ecToken('dev-a'));
    const before = counter(broker, `${BROKER_METRIC.aclDeniedPrefix}publish`);
    client.publish('/up/device/id/dev-b', 'spoof', { qos: 1 });
    await closed(client);
    assert.equal(counter(broker, `${BROKER_METRIC.aclDeniedPrefix}publish`), before + 1);
    client.end(true);
  });

  it('refuses QoS 2 publishes unless allowed', async () => {
    const client = await connectClient(url, 'dev-a', await ecToken('dev-a'));
    client.publish('/up/device/id/dev-a', 'q2', { qos: 2 });
    await closed(client);
    assert.equal(counter(broker, `${BROKER_METRIC.aclDeniedPrefix}qos`), 1);
    client.end(true);
  });

  it('grants a subscription to its own downlink topic and refuses any other (SUBACK 0x80)', async () => {
    const client = await connectClient(url, 'dev-a', await ecToken('dev-a'));
    assert.equal(await grantedQos(client, '/down/device/id/dev-a/#', 1), 1);
    assert.equal(await grantedQos(client, '/down/device/id/dev-b', 1), 128);
    assert.equal(await grantedQos(client, '#', 0), 128);
    assert.equal(counter(broker, `${BROKER_METRIC.aclDeniedPrefix}subscribe`), 2);
    await client.endAsync();
  });

  it('takes a session over when the same client id connects again, and counts it', async () => {
    const first = await connectClient(url, 'dev-b', await ecToken('dev-b'));
    const before = counter(broker, BROKER_METRIC.takeovers);
    const gone = closed(first);
    const second = await connectClient(url, 'dev-b', await ecToken('dev-b'));
    await gone;
    assert.equal(counter(broker, BROKER_METRIC.takeovers), before + 1);
    assert.equal(second.connected, true);
    first.end(true);
    await second.endAsync();
  });
});

describe('QoS 2 when the setting allows it', () => {
  it('acknowledges a QoS 2 publish and grants QoS 2', async () => {
    const broker = await startTestBroker({ maxQos: 2 });
    try {
      registerEc(broker, 'dev-q');
      const client = await connectClient(`mqtt://127.0.0.1:${broker.port}`, 'dev-q', await ecToken('dev-q'));
      await client.publishAsync('/up/device/id/dev-q', 'q2', { qos: 2 });
      assert.equal(await grantedQos(client, '/down/device/id/dev-q', 2), 2);
      assert.equal(counter(broker, BROKER_METRIC.messagesIn), 1);
      await client.endAsync();
    } finally {
      await broker.close();
    }
  });
});

describe('expiry disconnect', () => {
  it('closes a session once its token has expired for longer than the skew (injected clock)', async () => {
    let clockMs = Date.now();
    const broker = await startTestBroker({ nowMs: () => clockMs, expirySweepMs: 20 });
    try {
      registerEc(broker, 'dev-e');
      const iat = Math.floor(clockMs / 1000);
      const client = await connectClient(`mqtt://127.0.0.1:${broker.port}`, 'dev-e', await ecToken('dev-e', iat, 5));
      // Expired, but still within the 60 s skew: the session stays.
      clockMs += 30_000;
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(client.connected, true);
      assert.equal(counter(broker, BROKER_METRIC.expiryDisconnects), 0);
      clockMs += 40_000;
      await closed(client);
      assert.equal(counter(broker, BROKER_METRIC.expiryDisconnects), 1);
      client.end(true);
    } finally {
      await broker.close();
    }
  });

  it('keeps the session when expiry disconnect is off', async () => {
    let clockMs = Date.now();
    const broker = await startTestBroker({ nowMs: () => clockMs, expirySweepMs: 20, expiryDisconnect: false });
    try {
      registerEc(broker, 'dev-f');
      const client = await connectClient(`mqtt://127.0.0.1:${broker.port}`, 'dev-f', await ecToken('dev-f', Math.floor(clockMs / 1000), 5));
      clockMs += 3_600_000;
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(client.connected, true);
      assert.equal(counter(broker, BROKER_METRIC.expiryDisconnects), 0);
      await client.endAsync();
    } finally {
      await broker.close();
    }
  });
});

describe('downlinks', () => {
  it("delivers timestamped messages to each connected device's downlink topic", async () => {
    const broker = await startTestBroker({ downlink: { intervalMs: 30, qos: 1 } });
    try {
      registerEc(broker, 'dev-d');
      const client = await connectClient(`mqtt://127.0.0.1:${broker.port}`, 'dev-d', await ecToken('dev-d'));
      const received: { topic: string; body: { ts: number; seq: number } }[] = [];
      client.on('message', (topic, payload) => received.push({ topic, body: JSON.parse(payload.toString()) as { ts: number; seq: number } }));
      await client.subscribeAsync('/down/device/id/dev-d', { qos: 1 });
      await eventually(() => received.length >= 3);
      assert.ok(received.every((m) => m.topic === '/down/device/id/dev-d' && Number.isInteger(m.body.ts) && m.body.seq >= 1));
      await client.endAsync();
      assert.ok(counter(broker, BROKER_METRIC.messagesOut) >= 3);
      assert.ok(counter(broker, BROKER_METRIC.downlinksPublished) >= 3);
    } finally {
      await broker.close();
    }
  });
});
