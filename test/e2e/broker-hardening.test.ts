import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { BROKER_METRIC } from '../../src/broker/broker-metrics.js';
import type { RunningBroker } from '../../src/broker/server.js';
import { connectClient, counter, ecToken, eventually, registerEc, startTestBroker } from '../broker/helpers.js';
import { connectPacket, fixedHeader, openSocket, readUntilClosed } from '../broker/raw-mqtt.js';

const FAILED_LOGINS = 2000;
const IN_FLIGHT = 50;

describe('hardening: nothing a client sends crashes the broker', () => {
  let broker: RunningBroker;
  before(async () => {
    broker = await startTestBroker({ connectTimeoutMs: 300, maxPacketBytes: 64 * 1024 });
    registerEc(broker, 'dev-h');
  });
  after(() => broker.close());

  /** The proof after each attack: a valid device still gets in. */
  async function validDeviceConnects(): Promise<void> {
    const client = await connectClient(`mqtt://127.0.0.1:${broker.port}`, 'dev-h', await ecToken('dev-h'));
    await client.endAsync();
  }

  it('closes a socket that sends random bytes, and serves the next device', async () => {
    for (let i = 0; i < 20; i++) {
      const socket = await openSocket(broker.port);
      const done = readUntilClosed(socket);
      // 0xF0 is a reserved packet type: every stream here is malformed from its first byte.
      socket.write(Buffer.concat([Buffer.from([0xf0]), randomBytes(64)]));
      await done;
    }
    await validDeviceConnects();
  });

  it('never lets a refused client reach PUBLISH, even one sent right behind its CONNECT', async () => {
    const before = counter(broker, BROKER_METRIC.messagesIn);
    const socket = await openSocket(broker.port);
    const reply = readUntilClosed(socket);
    // PUBLISH QoS 0 to the device's own uplink topic, in the same write as a CONNECT with a bad token.
    const topic = Buffer.from('/up/device/id/dev-h');
    const publish = Buffer.concat([fixedHeader(0x30, 2 + topic.length + 5), Buffer.from([0, topic.length]), topic, Buffer.from('hello')]);
    socket.write(Buffer.concat([connectPacket('dev-h', 'not.a.token'), publish]));
    assert.deepEqual(await reply, Buffer.from([0x20, 0x02, 0x00, 0x04]));
    assert.equal(counter(broker, BROKER_METRIC.messagesIn), before);
    await validDeviceConnects();
  });

  it('closes a connection whose CONNECT is over the maximum packet size, before reading it', async () => {
    const before = counter(broker, `${BROKER_METRIC.guardPrefix}too-large`);
    const socket = await openSocket(broker.port);
    const done = readUntilClosed(socket);
    socket.write(fixedHeader(0x10, 200 * 1024));
    socket.write(randomBytes(1024));
    assert.equal((await done).length, 0);
    assert.equal(counter(broker, `${BROKER_METRIC.guardPrefix}too-large`), before + 1);
    await validDeviceConnects();
  });

  it('drops a connection that never sends CONNECT after the connect timeout', async () => {
    const socket = await openSocket(broker.port);
    await readUntilClosed(socket);
    await eventually(() => counter(broker, `${BROKER_METRIC.guardPrefix}connect-timeout`) >= 1);
    await validDeviceConnects();
  });

  it(`answers ${FAILED_LOGINS} failed logins with CONNACK 5, holds none of them, and serves the next device`, async () => {
    const before = counter(broker, `${BROKER_METRIC.authRejectedPrefix}unknown-device`);
    const token = await ecToken('dev-h');
    let refused = 0;
    const lane = async (lane: number): Promise<void> => {
      for (let i = lane; i < FAILED_LOGINS; i += IN_FLIGHT) {
        const socket = await openSocket(broker.port);
        const reply = readUntilClosed(socket);
        socket.write(connectPacket(`intruder-${i}`, token));
        const bytes = await reply;
        // CONNACK: 0x20, length 2, session present 0, return code 5 (not authorized).
        if (bytes.equals(Buffer.from([0x20, 0x02, 0x00, 0x05]))) refused++;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => lane(i)));
    assert.equal(refused, FAILED_LOGINS);
    assert.equal(counter(broker, `${BROKER_METRIC.authRejectedPrefix}unknown-device`) - before, FAILED_LOGINS);
    assert.equal(broker.connectedClients(), 0);
    await validDeviceConnects();
  });
});
