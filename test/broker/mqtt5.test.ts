/**
 * The embedded broker over MQTT 5: reason codes in CONNACK, PUBACK, SUBACK and DISCONNECT, its
 * limits in CONNACK, the token under an Authentication Method, AUTH 0x19 re-authentication and
 * expiry disconnects with a reason. Every packet is read with mqtt-packet's parser, or by MQTT.js.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqttPacket from 'mqtt-packet';
import { BROKER_METRIC } from '../../src/broker/broker-metrics.js';
import { ensureLocalCertificates } from '../../src/broker/certificates.js';
import type { Denial } from '../../src/broker/denials.js';
import type { RunningBroker } from '../../src/broker/server.js';
import { connectClient, counter, ecToken, eventually, registerEc, startTestBroker } from './helpers.js';
import { RawMqtt5, reauthPacket } from './mqtt5-raw.js';
import { openSocket, readUntilClosed } from './raw-mqtt.js';

const METHOD = 'CUSTOM-JWT';

async function connack(session: RawMqtt5): Promise<mqttPacket.IConnackPacket> {
  const packet = await session.next();
  assert.equal(packet?.cmd, 'connack');
  return packet;
}

async function disconnectReason(session: RawMqtt5): Promise<number | undefined> {
  const rest = await session.untilClosed();
  const disconnect = rest.find((p): p is mqttPacket.IDisconnectPacket => p.cmd === 'disconnect');
  return disconnect?.reasonCode;
}

describe('MQTT 5: CONNACK, PUBACK, SUBACK and DISCONNECT reason codes', () => {
  let broker: RunningBroker;
  const denials: Denial[] = [];
  before(async () => {
    broker = await startTestBroker({ onDenial: (d) => denials.push(d) });
    registerEc(broker, 'dev-5', 'dev-6');
  });
  after(() => broker.close());

  it('accepts the token as password and advertises Receive Maximum, Maximum Packet Size and Maximum QoS', async () => {
    const session = await RawMqtt5.connect(broker.port, 'dev-5', await ecToken('dev-5'));
    const ack = await connack(session);
    assert.equal(ack.reasonCode, 0);
    assert.equal(ack.properties?.receiveMaximum, 1024);
    assert.equal(ack.properties?.maximumPacketSize, 256 * 1024);
    assert.equal(ack.properties?.maximumQoS, 1);
    assert.equal(ack.properties?.authenticationMethod, undefined, 'no method in CONNACK for a password login [MQTT-3.1.2-30]');
    session.close();
  });

  it('refuses a forged token with 0x87 and a password that is no token with 0x86', async () => {
    const forged = (await ecToken('dev-5')).replace(/.{4}$/, 'AAAA');
    for (const [password, code] of [
      [forged, 0x87],
      ['not a token', 0x86],
    ] as const) {
      const session = await RawMqtt5.connect(broker.port, 'dev-5', password);
      assert.equal((await connack(session)).reasonCode, code);
      await session.untilClosed();
    }
  });

  it('answers a denied publish with PUBACK 0x87 and a denied filter with SUBACK 0x87, and keeps the session', async () => {
    const session = await RawMqtt5.connect(broker.port, 'dev-6', await ecToken('dev-6'));
    assert.equal((await connack(session)).reasonCode, 0);
    const clientErrorsBefore = counter(broker, BROKER_METRIC.clientErrors);
    session.send({ cmd: 'publish', topic: '/up/device/id/dev-5', payload: Buffer.from('x'), qos: 1, messageId: 1, retain: false, dup: false });
    const refused = (await session.next()) as mqttPacket.IPubackPacket;
    assert.deepEqual([refused.cmd, refused.messageId, refused.reasonCode], ['puback', 1, 0x87]);
    session.send({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: '/down/device/id/dev-5', qos: 1 }] });
    assert.deepEqual(((await session.next()) as mqttPacket.ISubackPacket).granted, [0x87]);
    session.send({ cmd: 'publish', topic: '/up/device/id/dev-6', payload: Buffer.from('x'), qos: 1, messageId: 3, retain: false, dup: false });
    const accepted = (await session.next()) as mqttPacket.IPubackPacket;
    assert.deepEqual([accepted.cmd, accepted.messageId, accepted.reasonCode ?? 0], ['puback', 3, 0]);
    assert.equal(counter(broker, `${BROKER_METRIC.aclDeniedPrefix}publish`), 1);
    assert.equal(counter(broker, `${BROKER_METRIC.aclDeniedPrefix}subscribe`), 1);
    assert.equal(counter(broker, BROKER_METRIC.clientErrors), clientErrorsBefore, 'a refusal is a denial, not a client error');
    assert.deepEqual(
      denials.filter((d) => d.kind === 'acl-denied').map((d) => d.kind === 'acl-denied' && d.action),
      ['publish', 'subscribe'],
    );
    session.close();
  });

  it('disconnects a publish above the advertised Maximum QoS with 0x9B', async () => {
    const session = await RawMqtt5.connect(broker.port, 'dev-6', await ecToken('dev-6'));
    assert.equal((await connack(session)).reasonCode, 0);
    session.send({ cmd: 'publish', topic: '/up/device/id/dev-6', payload: Buffer.from('x'), qos: 2, messageId: 1, retain: false, dup: false });
    assert.equal(await disconnectReason(session), 0x9b);
  });

  it('a takeover is DISCONNECT 0x8E to the old session', async () => {
    const first = await RawMqtt5.connect(broker.port, 'dev-5', await ecToken('dev-5'));
    assert.equal((await connack(first)).reasonCode, 0);
    const second = await RawMqtt5.connect(broker.port, 'dev-5', await ecToken('dev-5'));
    assert.equal((await connack(second)).reasonCode, 0);
    assert.equal(await disconnectReason(first), 0x8e);
    second.close();
  });
});

describe('MQTT 5: the token as Authentication Data, and re-authentication by AUTH 0x19', () => {
  let broker: RunningBroker;
  let nowMs = Date.now();
  const nowSec = (): number => Math.floor(nowMs / 1000);
  const denials: Denial[] = [];
  before(async () => {
    broker = await startTestBroker({ nowMs: () => nowMs, expirySweepMs: 20, onDenial: (d) => denials.push(d) });
    registerEc(broker, 'dev-m');
  });
  after(() => broker.close());

  const connectWithMethod = async (token: string, method = METHOD): Promise<RawMqtt5> =>
    RawMqtt5.connect(broker.port, 'dev-m', undefined, { authenticationMethod: method, authenticationData: Buffer.from(token) });

  it('accepts the token under CUSTOM-JWT and names the method in CONNACK [MQTT-4.12.0-5]', async () => {
    const session = await connectWithMethod(await ecToken('dev-m', nowSec()));
    const ack = await connack(session);
    assert.equal(ack.reasonCode, 0);
    assert.equal(ack.properties?.authenticationMethod, METHOD);
    session.close();
  });

  it('refuses a forged token under the method with 0x87, another method with 0x8C, no data with 0x86', async () => {
    const forged = (await ecToken('dev-m', nowSec())).replace(/.{4}$/, 'AAAA');
    const cases: [string, RawMqtt5, number][] = [
      ['forged', await connectWithMethod(forged), 0x87],
      ['SCRAM-SHA-1', await connectWithMethod(await ecToken('dev-m', nowSec()), 'SCRAM-SHA-1'), 0x8c],
      ['no data', await RawMqtt5.connect(broker.port, 'dev-m', undefined, { authenticationMethod: METHOD }), 0x86],
    ];
    for (const [name, session, code] of cases) {
      assert.equal((await connack(session)).reasonCode, code, name);
      await session.untilClosed();
    }
  });

  it('answers AUTH 0x19 with a later token by AUTH 0x00, and the session outlives the old token', async () => {
    const start = nowSec();
    const session = await connectWithMethod(await ecToken('dev-m', start, 120));
    assert.equal((await connack(session)).reasonCode, 0);
    session.send(reauthPacket(METHOD, await ecToken('dev-m', start + 60, 600)));
    const reply = (await session.next()) as mqttPacket.IAuthPacket;
    assert.deepEqual([reply.cmd, reply.reasonCode, reply.properties?.authenticationMethod], ['auth', 0, METHOD]);
    assert.equal(counter(broker, BROKER_METRIC.reauthAccepted), 1);
    // Past the first token's exp and skew, before the second's: still connected.
    nowMs += (120 + 60 + 5) * 1000;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(session.closed, false);
    session.send({ cmd: 'pingreq' });
    assert.equal((await session.next())?.cmd, 'pingresp');
    // Past the second: DISCONNECT 0xA0 (Maximum connect time), counted.
    const expiredBefore = counter(broker, BROKER_METRIC.expiryDisconnects);
    nowMs += 600 * 1000;
    const disconnect = (await session.untilClosed()).find((p) => p.cmd === 'disconnect') as mqttPacket.IDisconnectPacket;
    assert.equal(disconnect.reasonCode, 0xa0);
    assert.equal(disconnect.properties?.reasonString, 'token expired');
    assert.equal(counter(broker, BROKER_METRIC.expiryDisconnects) - expiredBefore, 1);
  });

  it('refuses a re-authentication as at CONNECT: forged, expired, not later, wrong audience → 0x87; wrong method → 0x82 (0x8C is no DISCONNECT code)', async () => {
    const forged = (await ecToken('dev-m', nowSec())).replace(/.{4}$/, 'AAAA');
    const cases: [string, () => Promise<mqttPacket.IAuthPacket>, number, string][] = [
      ['forged', () => Promise.resolve(reauthPacket(METHOD, forged)), 0x87, 'bad-signature'],
      ['expired', async () => reauthPacket(METHOD, await ecToken('dev-m', nowSec() - 7200, 600)), 0x87, 'expired'],
      ['same exp', async () => reauthPacket(METHOD, await ecToken('dev-m', nowSec(), 1200)), 0x87, 'exp-not-later'],
      ['another device', async () => reauthPacket(METHOD, await ecToken('dev-x', nowSec() + 10)), 0x87, 'bad-audience'],
      ['another method', async () => reauthPacket('OTHER', await ecToken('dev-m', nowSec() + 10)), 0x82, 'method-mismatch'],
      ['reason 0x18 out of turn', async () => reauthPacket(METHOD, await ecToken('dev-m', nowSec() + 10), 0x18), 0x82, 'not-reauthenticate'],
    ];
    for (const [name, auth, code, reason] of cases) {
      const session = await connectWithMethod(await ecToken('dev-m', nowSec(), 1200));
      assert.equal((await connack(session)).reasonCode, 0, name);
      session.send(await auth());
      assert.equal(await disconnectReason(session), code, name);
      assert.equal(counter(broker, `${BROKER_METRIC.reauthRefusedPrefix}${reason}`), 1, name);
    }
    assert.ok(denials.some((d) => d.kind === 'reauth-refused' && d.reason === 'bad-signature' && d.reasonCode === 0x87));
  });

  it('refuses AUTH from a session that logged in with a password with 0x82 [MQTT-3.1.2-30]', async () => {
    const session = await RawMqtt5.connect(broker.port, 'dev-m', await ecToken('dev-m', nowSec()));
    assert.equal((await connack(session)).reasonCode, 0);
    session.send(reauthPacket(METHOD, await ecToken('dev-m', nowSec() + 10)));
    assert.equal(await disconnectReason(session), 0x82);
    assert.equal(counter(broker, `${BROKER_METRIC.reauthRefusedPrefix}no-method-at-connect`), 1);
  });

  it('closes an AUTH sent before CONNECT, and an AUTH on MQTT 3.1.1, without an answer', async () => {
    const early = await RawMqtt5.open(broker.port);
    early.send(reauthPacket(METHOD, await ecToken('dev-m', nowSec())));
    assert.deepEqual(await early.untilClosed(), []);
  });
});

describe('MQTT 5: a method and re-authentication turned off or renamed', () => {
  let broker: RunningBroker;
  before(async () => {
    broker = await startTestBroker({ authMethod: 'akenza-jwt', reauth: false });
    registerEc(broker, 'dev-r');
  });
  after(() => broker.close());

  it('takes the configured method, refuses CUSTOM-JWT with CONNACK 0x8C, and refuses AUTH 0x19 with DISCONNECT 0x82', async () => {
    const other = await RawMqtt5.connect(broker.port, 'dev-r', undefined, {
      authenticationMethod: METHOD,
      authenticationData: Buffer.from(await ecToken('dev-r')),
    });
    assert.equal((await connack(other)).reasonCode, 0x8c);
    const session = await RawMqtt5.connect(broker.port, 'dev-r', undefined, {
      authenticationMethod: 'akenza-jwt',
      authenticationData: Buffer.from(await ecToken('dev-r')),
    });
    const ack = await connack(session);
    assert.deepEqual([ack.reasonCode, ack.properties?.authenticationMethod], [0, 'akenza-jwt']);
    session.send(reauthPacket('akenza-jwt', await ecToken('dev-r', Math.floor(Date.now() / 1000) + 10)));
    assert.equal(await disconnectReason(session), 0x82);
    assert.equal(counter(broker, `${BROKER_METRIC.reauthRefusedPrefix}reauth-off`), 1);
  });
});

describe('inbound QoS 2 awaiting PUBREL is bounded (Aedes 1.2 did it; the 2.0 beta does not)', () => {
  let broker: RunningBroker;
  before(async () => {
    broker = await startTestBroker({ maxQos: 2, receiveMaximum: 3 });
    registerEc(broker, 'dev-q');
  });
  after(() => broker.close());

  const qos2 = (messageId: number): mqttPacket.IPublishPacket => ({
    cmd: 'publish',
    topic: '/up/device/id/dev-q',
    payload: Buffer.from('x'),
    qos: 2,
    messageId,
    retain: false,
    dup: false,
  });

  it('MQTT 5: past the advertised Receive Maximum without PUBREL, DISCONNECT 0x93; with PUBREL, no limit', async () => {
    const session = await RawMqtt5.connect(broker.port, 'dev-q', await ecToken('dev-q'));
    assert.equal((await connack(session)).reasonCode, 0);
    for (let id = 1; id <= 6; id++) {
      session.send(qos2(id));
      assert.equal((await session.next())?.cmd, 'pubrec');
      session.send({ cmd: 'pubrel', messageId: id });
      assert.equal((await session.next())?.cmd, 'pubcomp');
    }
    for (let id = 10; id < 14; id++) session.send(qos2(id));
    const rest = await session.untilClosed();
    assert.equal(rest.filter((p) => p.cmd === 'pubrec').length, 3);
    assert.equal(rest.find((p): p is mqttPacket.IDisconnectPacket => p.cmd === 'disconnect')?.reasonCode, 0x93);
    assert.equal(counter(broker, `${BROKER_METRIC.guardPrefix}inflight-inbound`), 1);
  });

  it('MQTT 3.1.1: closed at the 1001st QoS 2 message awaiting PUBREL, as on Aedes 1.2', async () => {
    const v4 = { protocolVersion: 4 } as const;
    const connect = mqttPacket.generate(
      {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: 'dev-q',
        keepalive: 30,
        username: 'u',
        password: Buffer.from(await ecToken('dev-q')),
      },
      v4,
    );
    const publishes = Array.from({ length: 1001 }, (_, i) => mqttPacket.generate(qos2(i + 1), v4));
    const socket = await openSocket(broker.port);
    const reply = readUntilClosed(socket);
    // After the CONNACK: before it, Aedes queues at most 42 packets (queueLimit) and closes.
    socket.once('data', () => socket.write(Buffer.concat(publishes)));
    socket.write(connect);
    const packets: mqttPacket.Packet[] = [];
    const parser = mqttPacket.parser(v4);
    parser.on('packet', (p) => packets.push(p));
    parser.parse(await reply);
    // The 1001st arrives in the same read as the others, before their PUBRECs are written.
    assert.ok(packets.filter((p) => p.cmd === 'pubrec').length <= 1000);
    assert.equal(counter(broker, `${BROKER_METRIC.guardPrefix}inflight-inbound`), 2);
    assert.ok(counter(broker, BROKER_METRIC.messagesIn) <= 1006, 'no more than 1000 of them published');
  });
});

describe('MQTT 5 over TLS and WebSocket (MQTT.js), with the password and with the method', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-certs5-'));
  let broker: RunningBroker;
  let caPem: string;
  before(async () => {
    const certs = await ensureLocalCertificates(dir);
    caPem = certs.caPem;
    broker = await startTestBroker({ tlsPort: 0, wsPort: 0, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
    registerEc(broker, 'dev-w');
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const via of ['password', 'method'] as const) {
    for (const scheme of ['mqtt', 'mqtts', 'ws'] as const) {
      it(`${scheme}, token as ${via}: connected on 5, publish acknowledged, a forged token refused 0x87`, async () => {
        const port = scheme === 'mqtt' ? broker.port : scheme === 'mqtts' ? broker.tlsPort : broker.wsPort;
        const url = `${scheme}://127.0.0.1:${port}`;
        const options = (token: string) => ({
          protocolVersion: 5 as const,
          ...(scheme === 'mqtts' ? { ca: caPem, servername: 'localhost', rejectUnauthorized: true } : {}),
          ...(via === 'method' ? { properties: { authenticationMethod: METHOD, authenticationData: Buffer.from(token) } } : {}),
        });
        const token = await ecToken('dev-w');
        const client = await connectClient(url, 'dev-w', via === 'password' ? token : undefined, options(token));
        await client.publishAsync('/up/device/id/dev-w', 'hi', { qos: 1 });
        await client.endAsync();
        const forged = token.replace(/.{4}$/, 'AAAA');
        await assert.rejects(
          connectClient(url, 'dev-w', via === 'password' ? forged : undefined, options(forged)),
          (error: { code?: number }) => error.code === 0x87,
        );
      });
    }
  }

  it('MQTT 3.1.1 unchanged on the same broker: CONNACK 5 for a forged token', async () => {
    await assert.rejects(connectClient(`mqtt://127.0.0.1:${broker.port}`, 'dev-w', 'x.y.z'), (error: { code?: number }) => error.code === 4);
    await eventually(() => broker.connectedClients() === 0);
  });
});
