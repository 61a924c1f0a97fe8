/**
 * The lean session (the default engine) through an injected transport: a pair of in-memory
 * streams instead of a socket, with the test as the broker on the other end, reading the
 * session's packets with mqtt-packet and answering with real MQTT 3.1.1 frames. What a real
 * broker does to it over TCP, TLS and WebSockets is test/e2e/ and test/worker/engines/sessions.test.ts.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Duplex } from 'node:stream';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { connackReason } from '../../../../src/worker/engines/connack-reason.js';
import { KeepaliveSweep } from '../../../../src/worker/engines/lean/keepalive-sweep.js';
import { LeanSession } from '../../../../src/worker/engines/lean/lean-session.js';
import type { OpenTransport } from '../../../../src/worker/engines/lean/open-transport.js';
import type { PublishOutcomes } from '../../../../src/worker/engines/session-api.js';
import { LEAN_MQTT_PLAN, TARGET } from '../../support/fakes.js';

/** Two streams joined back to back: what one writes the other reads; ending or destroying one ends or destroys both. */
function streamPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (peer: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        peer().push(chunk);
        callback();
      },
      final(callback) {
        peer().push(null);
        callback();
      },
      destroy(error, callback) {
        if (!peer().destroyed) peer().destroy();
        callback(error);
      },
    });
  ends.push(
    make(() => ends[1] as Duplex),
    make(() => ends[0] as Duplex),
  );
  return [ends[0] as Duplex, ends[1] as Duplex];
}

interface BrokerAnswers {
  connackCode?: number;
  /** Answer QoS 1 publishes with PUBACK (default true). */
  ack?: boolean;
  subackCode?: number;
}

/** The broker's end of one connection: every packet it read, and the answers it gave. */
class BrokerEnd {
  readonly packets: Packet[] = [];
  constructor(
    readonly stream: Duplex,
    answers: BrokerAnswers,
  ) {
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet: Packet) => {
      this.packets.push(packet);
      if (packet.cmd === 'connect') this.send({ cmd: 'connack', returnCode: answers.connackCode ?? 0, sessionPresent: false });
      if (packet.cmd === 'publish' && packet.qos === 1 && answers.ack !== false) this.send({ cmd: 'puback', messageId: packet.messageId ?? 0 });
      if (packet.cmd === 'subscribe') this.send({ cmd: 'suback', messageId: packet.messageId ?? 0, granted: [answers.subackCode ?? 1] });
      if (packet.cmd === 'disconnect') stream.end();
    });
    stream.on('data', (chunk: Buffer) => parser.parse(chunk));
  }
  send(packet: Packet): void {
    this.stream.write(mqttPacket.generate(packet, { protocolVersion: 4 }));
  }
  of<C extends Packet['cmd']>(cmd: C): Extract<Packet, { cmd: C }>[] {
    return this.packets.filter((p): p is Extract<Packet, { cmd: C }> => p.cmd === cmd);
  }
}

const sweeps: KeepaliveSweep[] = [];
afterEach(() => {
  for (const sweep of sweeps.splice(0)) sweep.stop();
});

/** A lean session whose transport is one end of a stream pair; the broker holds the other. */
function sessionWith(answers: BrokerAnswers = {}): { session: LeanSession; broker: () => BrokerEnd; connections: BrokerEnd[]; lost: string[] } {
  const connections: BrokerEnd[] = [];
  const open: OpenTransport = () => {
    const [client, server] = streamPair();
    connections.push(new BrokerEnd(server, answers));
    return client;
  };
  const lost: string[] = [];
  const sweep = new KeepaliveSweep();
  sweeps.push(sweep);
  const session = new LeanSession('device-7', (reason) => lost.push(reason), { url: TARGET.url }, sweep, open);
  return {
    session,
    lost,
    connections,
    broker: () => {
      const latest = connections.at(-1);
      assert.ok(latest !== undefined, 'no transport was opened');
      return latest;
    },
  };
}

/** Records which tickets were acknowledged and which failed, with the error's message. */
function outcomes(): PublishOutcomes & { published: (t: number) => void; done: number[]; failures: [number, string][] } {
  const done: number[] = [];
  const failures: [number, string][] = [];
  return {
    done,
    failures,
    published: (ticket) => done.push(ticket),
    failed: (ticket, error) => failures.push([ticket, error instanceof Error ? error.message : String(error)]),
    refused: (ticket, reason) => failures.push([ticket, reason]),
    heldBack: () => {},
    downgraded: () => {},
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Lets the streams run, turn by turn, until `done()`; at most `turns` turns, then the assertions after it say what was missed. */
async function until(done: () => boolean, turns = 1000): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) await turn();
}

describe('LeanSession', () => {
  it('sends a CONNECT with its client id, the token as password and the plan’s keepalive, and is up on CONNACK 0', async () => {
    const { session, broker } = sessionWith();
    const outcome = await session.connect(TARGET, LEAN_MQTT_PLAN, 'the-token');
    assert.deepEqual(outcome, { ok: true });
    assert.equal(session.connected, true);
    const [connect] = broker().of('connect');
    assert.equal(connect?.clientId, 'device-7');
    assert.equal(connect?.password?.toString(), 'the-token');
    assert.equal(connect?.keepalive, LEAN_MQTT_PLAN.keepaliveSec);
    assert.equal(connect?.clean, true);
    assert.equal(session.lastConnectBytes.connectBytes, mqttPacket.generate(connect as Packet, { protocolVersion: 4 }).length);
    assert.equal(session.lastConnectBytes.connackBytes, 4, 'a CONNACK is 4 bytes on the wire');
  });

  it('returns a refused CONNACK as its reason, and is not up', async () => {
    const { session } = sessionWith({ connackCode: 5 });
    const outcome = await session.connect(TARGET, LEAN_MQTT_PLAN, 'bad-token');
    assert.deepEqual(outcome, { ok: false, reason: connackReason(5, 4) });
    assert.equal(session.connected, false);
  });

  it('publishes at QoS 0 at once and at QoS 1 on each PUBACK, with distinct packet ids', async () => {
    const { session, broker } = sessionWith();
    await session.connect(TARGET, LEAN_MQTT_PLAN, 'token');
    const results = outcomes();
    session.publish('t/0', 'zero', 0, false, 10, results);
    assert.deepEqual(results.done, [10], 'QoS 0 is done once written');
    for (const ticket of [11, 12, 13]) session.publish(`t/${ticket}`, `payload-${ticket}`, 1, false, ticket, results);
    await until(() => results.done.length === 4);
    assert.deepEqual(results.done, [10, 11, 12, 13]);
    assert.deepEqual(results.failures, []);
    const publishes = broker().of('publish');
    assert.deepEqual(
      publishes.map((p) => [p.topic, p.payload.toString(), p.qos]),
      [
        ['t/0', 'zero', 0],
        ['t/11', 'payload-11', 1],
        ['t/12', 'payload-12', 1],
        ['t/13', 'payload-13', 1],
      ],
    );
    const ids = publishes.slice(1).map((p) => p.messageId);
    assert.equal(new Set(ids).size, 3);
  });

  it('subscribes, reports a refused SUBACK by its code, and acks a QoS 1 message it receives', async () => {
    const { session, broker } = sessionWith();
    await session.connect(TARGET, LEAN_MQTT_PLAN, 'token');
    assert.deepEqual(await session.subscribe('devices/+/down', 1), { ok: true });
    assert.deepEqual(broker().of('subscribe')[0]?.subscriptions, [{ topic: 'devices/+/down', qos: 1 }]);

    const received: [string, string][] = [];
    session.onMessage((topic, payload) => received.push([topic, payload.toString()]));
    broker().send({ cmd: 'publish', topic: 'devices/7/down', payload: Buffer.from('hello'), qos: 1, messageId: 42, retain: false, dup: false });
    await until(() => broker().of('puback').length > 0);
    assert.deepEqual(received, [['devices/7/down', 'hello']]);
    assert.equal(broker().of('puback')[0]?.messageId, 42);

    const refusing = sessionWith({ subackCode: 0x80 });
    await refusing.session.connect(TARGET, LEAN_MQTT_PLAN, 'token');
    assert.deepEqual(await refusing.session.subscribe('forbidden/#', 1), { ok: false, reason: 'suback.failure' });
  });

  it('keepalive: asks for its next look a keepalive after its traffic, pings when due, and is lost when no PINGRESP comes an interval later', async () => {
    // The broker end here never answers PINGREQ.
    const { session, broker, lost } = sessionWith();
    await session.connect(TARGET, LEAN_MQTT_PLAN, 'the-token');
    const keepaliveMs = LEAN_MQTT_PLAN.keepaliveSec * 1000;
    const startMs = performance.now();
    const first = session.sweep(startMs);
    assert.ok(first !== undefined && first > startMs && first <= startMs + keepaliveMs, 'not due yet: looked at again within a keepalive');
    const afterPing = session.sweep(startMs + keepaliveMs);
    await until(() => broker().of('pingreq').length > 0);
    assert.equal(broker().of('pingreq').length, 1, 'a keepalive without traffic: one PINGREQ');
    assert.ok(afterPing !== undefined && afterPing >= startMs + keepaliveMs - 1, 'the next look: an interval after the PINGREQ');
    assert.equal(session.sweep(afterPing - 1), afterPing, 'unanswered but not yet an interval old: no second PINGREQ, same look');
    assert.equal(session.sweep(afterPing), undefined, 'an interval without PINGRESP: closed, no more looks');
    await until(() => lost.length > 0);
    assert.deepEqual(lost, ['connection-lost']);
    assert.equal(broker().of('pingreq').length, 1);
  });

  it('when the broker closes the connection: reports it lost once and fails what waits for an ack', async () => {
    const { session, broker, lost } = sessionWith({ ack: false });
    await session.connect(TARGET, LEAN_MQTT_PLAN, 'token');
    const results = outcomes();
    session.publish('t', 'waits', 1, false, 1, results);
    await until(() => broker().of('publish').length > 0);
    broker().stream.destroy();
    await until(() => lost.length > 0);
    assert.deepEqual(lost, ['connection-lost']);
    assert.deepEqual(results.failures, [[1, 'Connection closed']]);
    assert.equal(session.connected, false);
    session.publish('t', 'after', 1, false, 2, results);
    assert.deepEqual(results.failures[1], [2, 'not-connected']);
  });

  it('refreshes: DISCONNECT, a new connection with the new token, and a publish made meanwhile goes out on it', async () => {
    const { session, connections, lost } = sessionWith();
    await session.connect(TARGET, LEAN_MQTT_PLAN, 'old-token');
    const results = outcomes();
    const refreshed = session.refresh(TARGET, LEAN_MQTT_PLAN, 'new-token');
    assert.equal(session.usable, true, 'usable while refreshing');
    session.publish('t/during', 'meanwhile', 1, false, 5, results);
    assert.deepEqual(await refreshed, { ok: true });
    await until(() => results.done.length === 1);

    assert.equal(connections.length, 2);
    const [first, second] = connections;
    assert.equal(first?.of('disconnect').length, 1);
    assert.deepEqual(
      [first, second].map((c) => c?.of('connect')[0]?.password?.toString()),
      ['old-token', 'new-token'],
    );
    assert.deepEqual(first?.of('publish'), []);
    assert.deepEqual(
      second?.of('publish').map((p) => p.topic),
      ['t/during'],
    );
    assert.deepEqual(results.done, [5]);
    assert.equal(session.connected, true);
    assert.deepEqual(lost, [], 'a refresh is no loss');
  });

  it('disconnects with a DISCONNECT, which is no loss', async () => {
    const { session, broker, lost } = sessionWith();
    await session.connect(TARGET, LEAN_MQTT_PLAN, 'token');
    await session.disconnect();
    assert.equal(broker().of('disconnect').length, 1);
    assert.equal(session.connected, false);
    await turn();
    assert.deepEqual(lost, []);
  });
});
