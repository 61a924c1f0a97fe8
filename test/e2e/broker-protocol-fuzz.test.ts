/**
 * Protocol fuzzing of the embedded broker over real sockets: random bytes, mutated and truncated
 * CONNECTs, spec violations by name, and a slowloris. Every socket ends closed by the broker (or
 * answered), nothing random ever logs in, a valid device is served during and after, and the
 * heap after a full GC comes back to within a bound of where it started.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { BROKER_METRIC } from '../../src/broker/broker-metrics.js';
import type { RunningBroker } from '../../src/broker/server.js';
import { connackCode } from '../broker/connack.js';
import { connackOf, exchange } from '../broker/exchange.js';
import { counter, ecToken, eventually, registerEc, startTestBroker } from '../broker/helpers.js';
import { connectPacket, fixedHeader } from '../broker/raw-mqtt.js';

const CONNECT_TIMEOUT_MS = 300;
/** Long enough for the connect timeout to fire on a busy CI machine; a bound, not a timing. */
const LIMIT_MS = CONNECT_TIMEOUT_MS + 3000;
const DEVICE = 'dev-f';
const SLOW_SOCKETS = 200;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function heapAfterGcBytes(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('protocol fuzzing: the broker survives any bytes and still serves valid devices', () => {
  let broker: RunningBroker;
  let token: string;
  let good: Buffer;
  let heapBaselineBytes: number;
  /** Offset of the protocol name's length in `good`: after the fixed header's type and length bytes. */
  let vh: number;

  before(async () => {
    broker = await startTestBroker({ connectTimeoutMs: CONNECT_TIMEOUT_MS });
    registerEc(broker, DEVICE);
    token = await ecToken(DEVICE);
    good = connectPacket(DEVICE, token);
    vh = (good[1] as number) & 0x80 ? 3 : 2;
    assert.equal(await connackCode(broker.port, DEVICE, token), 0);
    heapBaselineBytes = heapAfterGcBytes();
  });
  after(() => broker.close());

  const validDeviceConnects = async (): Promise<void> => assert.equal(await connackCode(broker.port, DEVICE, token), 0);
  const mutate = (f: (b: Buffer) => void): Buffer => {
    const copy = Buffer.from(good);
    f(copy);
    return copy;
  };

  it('spec violations, each closed or refused as named, none reaching PUBLISH', async () => {
    const topic = Buffer.from(`/up/device/id/${DEVICE}`);
    const publish = Buffer.concat([fixedHeader(0x30, 2 + topic.length + 2), Buffer.from([0, topic.length]), topic, Buffer.from('hi')]);
    const cases: [string, Buffer, 'closed' | number][] = [
      ['protocol name MQTX [MQTT-3.1.2-1]', mutate((b) => (b[vh + 5] = 0x58)), 'closed'],
      ['protocol level 7 (closed without CONNACK 1: Aedes, see README)', mutate((b) => (b[vh + 6] = 7)), 'closed'],
      ['reserved connect flag set [MQTT-3.1.2-3]', mutate((b) => (b[vh + 7] = (b[vh + 7] as number) | 1)), 'closed'],
      ['reserved fixed-header flags on CONNECT [MQTT-2.2.2-2]', mutate((b) => (b[0] = 0x11)), 'closed'],
      ['password flag without user name flag [MQTT-3.1.2-22]', mutate((b) => (b[vh + 7] = (b[vh + 7] as number) & 0x7f)), 4],
      ['PUBLISH before CONNECT [MQTT-3.1.0-1]', publish, 'closed'],
      ['SUBSCRIBE before CONNECT', Buffer.from([0x82, 6, 0, 1, 0, 1, 0x23, 0]), 'closed'],
      ['PINGREQ before CONNECT', Buffer.from([0xc0, 0]), 'closed'],
      ['a remaining length of five bytes [MQTT 2.2.3]', Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]), 'closed'],
      ['a CONNECT cut after 20 bytes (connect timeout)', good.subarray(0, 20), 'closed'],
      ['nothing at all (connect timeout)', Buffer.alloc(0), 'closed'],
      ['a refused CONNECT with PUBLISH right behind it', Buffer.concat([connectPacket(DEVICE, 'x.y.z'), publish]), 4],
    ];
    const messagesBefore = counter(broker, BROKER_METRIC.messagesIn);
    for (const [name, bytes, expected] of cases) {
      const { reply, closedByBroker } = await exchange(broker.port, [bytes], LIMIT_MS);
      assert.ok(closedByBroker, `${name}: the broker closed it`);
      assert.equal(expected === 'closed' ? reply.length : connackOf(reply), expected === 'closed' ? 0 : expected, name);
      await validDeviceConnects();
    }
    assert.equal(counter(broker, BROKER_METRIC.messagesIn), messagesBefore);
  });

  it('random bytes: every socket closed by the broker, none logged in', { timeout: 120_000 }, async () => {
    const batch = fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 25, maxLength: 25 });
    await fc.assert(
      fc.asyncProperty(batch, async (streams) => {
        const results = await Promise.all(streams.map((bytes) => exchange(broker.port, [Buffer.from(bytes)], LIMIT_MS)));
        for (const r of results) {
          assert.ok(r.closedByBroker, `left open after ${r.reply.toString('hex')}`);
          assert.notEqual(connackOf(r.reply), 0);
        }
      }),
      { numRuns: 8 },
    );
    await validDeviceConnects();
  });

  it('mutated and truncated CONNECTs: each answered or closed, and the next device served', { timeout: 120_000 }, async () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), byte: fc.constant(0) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    );
    const apply = (edits: { kind: 'flip' | 'cut' | 'insert'; at: number; byte: number }[]): Buffer =>
      edits.reduce((bytes, e) => {
        const at = e.at % bytes.length;
        if (e.kind === 'cut') return bytes.subarray(0, Math.max(1, at));
        if (e.kind === 'insert') return Buffer.concat([bytes.subarray(0, at), Buffer.from([e.byte]), bytes.subarray(at)]);
        const copy = Buffer.from(bytes);
        copy[at] = e.byte;
        return copy;
      }, good);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(edit, { minLength: 1, maxLength: 3 }), { minLength: 25, maxLength: 25 }), async (batch) => {
        const results = await Promise.all(batch.map((edits) => exchange(broker.port, [apply(edits)], LIMIT_MS)));
        // A mutation in the keepalive or user name can leave a valid login; all else is closed.
        for (const r of results) assert.ok(r.closedByBroker || connackOf(r.reply) === 0, `left open after ${r.reply.toString('hex')}`);
      }),
      { numRuns: 8 },
    );
    await validDeviceConnects();
  });

  it(`slowloris: ${SLOW_SOCKETS} sockets trickling a CONNECT that never ends are dropped, while a valid device gets in`, { timeout: 60_000 }, async () => {
    const timeoutsBefore = counter(broker, `${BROKER_METRIC.guardPrefix}connect-timeout`);
    // One byte every 50 ms of the first 40 bytes: the connect timer is not reset by data.
    const trickle = Array.from({ length: 40 }, (_, i) => good.subarray(i, i + 1));
    const slow = Promise.all(Array.from({ length: SLOW_SOCKETS }, () => exchange(broker.port, trickle, LIMIT_MS, 50)));
    await validDeviceConnects();
    const results = await slow;
    assert.equal(results.filter((r) => r.closedByBroker && r.reply.length === 0).length, SLOW_SOCKETS);
    assert.equal(counter(broker, `${BROKER_METRIC.guardPrefix}connect-timeout`) - timeoutsBefore, SLOW_SOCKETS);
    await validDeviceConnects();
  });

  it('afterwards: no client held, and the heap after GC within 8 MiB of where it started', async (t) => {
    await eventually(() => broker.connectedClients() === 0);
    const grownBytes = heapAfterGcBytes() - heapBaselineBytes;
    t.diagnostic(`heap after GC: ${(grownBytes / 1048576).toFixed(2)} MiB over the baseline, after ${counter(broker, BROKER_METRIC.sockets)} sockets`);
    assert.ok(grownBytes < 8 * 1024 * 1024, `heap grew ${(grownBytes / 1048576).toFixed(1)} MiB`);
    await validDeviceConnects();
  });
});
