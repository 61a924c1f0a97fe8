/**
 * MQTT 5 `auth: method` and re-authentication (AUTH 0x19, §4.12.1) on both engines: against the
 * embedded broker (accepted, refused, turned off, another method at CONNECT; QoS 1 messages and a
 * subscription across re-authentications), and against a scripted server for the answers the
 * embedded broker never gives (none, AUTH 0x18).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqttPacket from 'mqtt-packet';
import { BROKER_METRIC } from '../../../src/broker/broker-metrics.js';
import type { RunningBroker } from '../../../src/broker/server.js';
import type { MqttPlan } from '../../../src/scenario/run-plan.js';
import { ensureLocalCertificates } from '../../../src/broker/certificates.js';
import { loadEngine } from '../../../src/worker/engines/engine.js';
import type { BrokerTarget } from '../../../src/worker/messages.js';
import type { PublishOutcomes, ServerDisconnect, Session } from '../../../src/worker/engines/session-api.js';
import { counter, ecToken, registerEc, startTestBroker } from '../../broker/helpers.js';
import { testMqttPlan } from '../../support/mqtt-plan.js';

const ENGINES = ['lean', 'mqttjs'] as const;
const METHOD = 'CUSTOM-JWT';
const plan = (engine: MqttPlan['engine'], auth: MqttPlan['auth'] = { way: 'method', method: METHOD }): MqttPlan => testMqttPlan(engine, { auth });

/** The AUTH 0x19 a device sends, sized as mqtt-packet writes it. */
const authBytes = (method: string, token: string): number =>
  mqttPacket.generate(
    { cmd: 'auth', reasonCode: 0x19, properties: { authenticationMethod: method, authenticationData: Buffer.from(token) } },
    { protocolVersion: 5 },
  ).length;
/** The embedded broker's AUTH 0x00: fixed header, reason, properties (the method alone) (§3.15). */
const answerBytes = (method: string): number => 2 + 1 + 1 + 3 + Buffer.byteLength(method);

/** Polls up to 5 s (a bound, not a timing assertion). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Each ticket's outcomes, in order: a publish must be told exactly once. */
class Outcomes implements PublishOutcomes {
  readonly seen = new Map<number, string[]>();
  #add(ticket: number, what: string): void {
    this.seen.set(ticket, [...(this.seen.get(ticket) ?? []), what]);
  }
  published(ticket: number): void {
    this.#add(ticket, 'acked');
  }
  failed(ticket: number, error: unknown): void {
    this.#add(ticket, `failed: ${(error as Error).message}`);
  }
  refused(ticket: number, reason: string): void {
    this.#add(ticket, reason);
  }
  heldBack(): void {}
  downgraded(ticket: number, qos: 0 | 1): void {
    this.#add(ticket, `downgraded to ${qos}`);
  }
}

interface Lost {
  reason: string;
  disconnect: ServerDisconnect | undefined;
}

/** One device on `engine` against `port` (or `target`); `lost` collects what its LostListener is told. */
async function device(
  engine: MqttPlan['engine'],
  port: number,
  deviceId: string,
  target: BrokerTarget = { url: `mqtt://127.0.0.1:${port}` },
): Promise<{ session: Session; lost: Lost[]; close: () => Promise<void> }> {
  const sessions = await loadEngine({ engine }, target);
  const lost: Lost[] = [];
  const session = sessions.session(deviceId, (reason, disconnect) => lost.push({ reason, disconnect }), { url: target.url });
  return {
    session,
    lost,
    close: async () => {
      await session.disconnect();
      sessions.close();
    },
  };
}

describe('re-authentication against the embedded broker, on both engines', () => {
  let broker: RunningBroker;
  let nowMs = Date.now();
  const nowSec = (): number => Math.floor(nowMs / 1000);
  before(async () => {
    // Downlinks to every connected device, so a subscription can be heard; expiry swept often.
    broker = await startTestBroker({ nowMs: () => nowMs, expirySweepMs: 20, downlink: { intervalMs: 50, qos: 1 } });
    registerEc(broker, ...ENGINES.flatMap((e) => ['a', 'f', 'p', 'q', 's'].map((d) => `${e}-${d}`)));
  });
  after(() => broker.close());

  for (const engine of ENGINES) {
    const target = (): { url: string } => ({ url: `mqtt://127.0.0.1:${broker.port}` });

    it(`connects under CUSTOM-JWT, re-authenticates with a later token, and outlives the first token (${engine})`, async () => {
      const id = `${engine}-a`;
      const { session, lost, close } = await device(engine, broker.port, id);
      const start = nowSec();
      assert.deepEqual(await session.connect(target(), plan(engine), await ecToken(id, start, 120)), { ok: true });
      const accepted = counter(broker, BROKER_METRIC.reauthAccepted);
      const fresh = await ecToken(id, start + 60, 600);
      assert.deepEqual(await session.reauthenticate(fresh, 5000), { ok: true, authBytes: authBytes(METHOD, fresh), answerBytes: answerBytes(METHOD) });
      assert.equal(counter(broker, BROKER_METRIC.reauthAccepted) - accepted, 1);
      // Past the first token's exp and skew, before the second's: the broker keeps the connection.
      const expired = counter(broker, BROKER_METRIC.expiryDisconnects);
      nowMs += (120 + 60 + 5) * 1000;
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(counter(broker, BROKER_METRIC.expiryDisconnects), expired);
      assert.equal(session.connected, true);
      const outcomes = new Outcomes();
      session.publish(`/up/device/id/${id}`, 'after', 1, false, 1, outcomes);
      await until(() => outcomes.seen.size === 1);
      assert.deepEqual(outcomes.seen.get(1), ['acked']);
      assert.deepEqual(lost, []);
      await close();
    });

    it(`a forged token: DISCONNECT 0x87, told to the re-authentication and as a lost connection (${engine})`, async () => {
      const id = `${engine}-f`;
      const { session, lost, close } = await device(engine, broker.port, id);
      assert.deepEqual(await session.connect(target(), plan(engine), await ecToken(id, nowSec())), { ok: true });
      const forged = (await ecToken(id, nowSec() + 10)).replace(/.{4}$/, 'AAAA');
      const outcome = await session.reauthenticate(forged, 5000);
      assert.deepEqual(outcome, { ok: false, reason: 'disconnected.not-authorized', reasonString: 're-authentication refused: bad-signature' });
      assert.deepEqual(lost, [
        { reason: 'connection-lost', disconnect: { reason: 'disconnected.not-authorized', reasonString: 're-authentication refused: bad-signature' } },
      ]);
      assert.equal(session.connected, false);
      assert.deepEqual(await session.reauthenticate(await ecToken(id, nowSec() + 20), 5000), { ok: false, reason: 'not-connected' });
      await close();
    });

    it(`connected with the password: not-connected, and nothing is sent (${engine})`, async () => {
      const id = `${engine}-p`;
      const { session, lost, close } = await device(engine, broker.port, id);
      assert.deepEqual(await session.connect(target(), plan(engine, { way: 'password' }), await ecToken(id, nowSec())), { ok: true });
      const refusedBefore = counter(broker, `${BROKER_METRIC.reauthRefusedPrefix}no-method-at-connect`);
      assert.deepEqual(await session.reauthenticate(await ecToken(id, nowSec() + 10), 5000), { ok: false, reason: 'not-connected' });
      // An AUTH would have been refused with DISCONNECT 0x82 and counted.
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(counter(broker, `${BROKER_METRIC.reauthRefusedPrefix}no-method-at-connect`), refusedBefore);
      assert.equal(session.connected, true);
      assert.deepEqual(lost, []);
      await close();
    });

    it(`50 QoS 1 publishes across 5 re-authentications: each acknowledged once, each received once (${engine})`, async () => {
      const id = `${engine}-q`;
      const { session, lost, close } = await device(engine, broker.port, id);
      const start = nowSec();
      assert.deepEqual(await session.connect(target(), plan(engine), await ecToken(id, start, 600)), { ok: true });
      const messagesIn = counter(broker, BROKER_METRIC.messagesIn);
      const accepted = counter(broker, BROKER_METRIC.reauthAccepted);
      const outcomes = new Outcomes();
      const reauths = [];
      let ticket = 0;
      for (let round = 1; round <= 5; round++) {
        const token = await ecToken(id, start, 600 + round * 10);
        // Five publishes go out, then the AUTH before their PUBACKs can arrive, then five more while it waits.
        for (let i = 0; i < 5; i++) session.publish(`/up/device/id/${id}`, `m${ticket}`, 1, false, ticket++, outcomes);
        const reauth = session.reauthenticate(token, 5000);
        for (let i = 0; i < 5; i++) session.publish(`/up/device/id/${id}`, `m${ticket}`, 1, false, ticket++, outcomes);
        reauths.push(await reauth);
      }
      await until(() => outcomes.seen.size === 50);
      assert.deepEqual(
        reauths.map((r) => r.ok),
        [true, true, true, true, true],
      );
      assert.deepEqual(
        [...Array(50).keys()].map((t) => outcomes.seen.get(t)),
        Array.from({ length: 50 }, () => ['acked']),
      );
      // Every PUBLISH that reached the broker: 50 exactly, so none was lost or sent again (DUP).
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(counter(broker, BROKER_METRIC.messagesIn) - messagesIn, 50);
      assert.equal(counter(broker, BROKER_METRIC.reauthAccepted) - accepted, 5);
      assert.deepEqual(
        [...Array(50).keys()].map((t) => outcomes.seen.get(t)?.length),
        Array.from({ length: 50 }, () => 1),
      );
      assert.deepEqual(lost, []);
      await close();
    });

    it(`a subscription survives a re-authentication: downlinks still arrive (${engine})`, async () => {
      const id = `${engine}-s`;
      const { session, lost, close } = await device(engine, broker.port, id);
      let received = 0;
      session.onMessage(() => received++);
      assert.deepEqual(await session.connect(target(), plan(engine), await ecToken(id, nowSec(), 600)), { ok: true });
      assert.deepEqual(await session.subscribe(`/down/device/id/${id}`, 1), { ok: true });
      await until(() => received > 0);
      assert.equal((await session.reauthenticate(await ecToken(id, nowSec(), 700), 5000)).ok, true);
      const before = received;
      await until(() => received >= before + 3);
      assert.ok(received >= before + 3, `downlinks after the re-authentication: ${received - before}`);
      assert.deepEqual(lost, []);
      await close();
    });
  }
});

describe('re-authentication turned off, and another method at CONNECT, on both engines', () => {
  let broker: RunningBroker;
  before(async () => {
    broker = await startTestBroker({ authMethod: 'akenza-jwt', reauth: false });
    registerEc(broker, ...ENGINES.map((e) => `${e}-r`));
  });
  after(() => broker.close());

  for (const engine of ENGINES) {
    it(`CONNECT under a method the broker does not use: bad-authentication-method (CONNACK 0x8C) (${engine})`, async () => {
      const id = `${engine}-r`;
      const { session, close } = await device(engine, broker.port, id);
      const outcome = await session.connect({ url: `mqtt://127.0.0.1:${broker.port}` }, plan(engine), await ecToken(id));
      assert.deepEqual(outcome, { ok: false, reason: 'bad-authentication-method' });
      await close();
    });

    it(`AUTH 0x19 to a broker with re-authentication off: disconnected.protocol-error, and lost (${engine})`, async () => {
      const id = `${engine}-r`;
      const { session, lost, close } = await device(engine, broker.port, id);
      const akenza = plan(engine, { way: 'method', method: 'akenza-jwt' });
      assert.deepEqual(await session.connect({ url: `mqtt://127.0.0.1:${broker.port}` }, akenza, await ecToken(id)), { ok: true });
      const outcome = await session.reauthenticate(await ecToken(id, Math.floor(Date.now() / 1000) + 10), 5000);
      assert.deepEqual(outcome, { ok: false, reason: 'disconnected.protocol-error', reasonString: 're-authentication refused: reauth-off' });
      assert.deepEqual(
        lost.map((l) => [l.reason, l.disconnect?.reason]),
        [['connection-lost', 'disconnected.protocol-error']],
      );
      assert.equal(counter(broker, `${BROKER_METRIC.reauthRefusedPrefix}reauth-off`) > 0, true);
      await close();
    });
  }
});

describe('re-authentication over TLS and WebSocket, on both engines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-reauth-'));
  let broker: RunningBroker;
  let caPem: string;
  before(async () => {
    const certs = await ensureLocalCertificates(dir);
    caPem = certs.caPem;
    broker = await startTestBroker({ tlsPort: 0, wsPort: 0, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
    registerEc(broker, ...ENGINES.flatMap((e) => [`${e}-mqtts`, `${e}-ws`]));
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const engine of ENGINES) {
    for (const scheme of ['mqtts', 'ws'] as const) {
      it(`${scheme}: QoS 1 publishes across an accepted re-authentication, then a forged one disconnected (${engine})`, async () => {
        const id = `${engine}-${scheme}`;
        const target: BrokerTarget =
          scheme === 'mqtts'
            ? { url: `mqtts://127.0.0.1:${broker.tlsPort}`, tls: { ca: caPem, servername: 'localhost', minVersion: 'TLSv1.2', rejectUnauthorized: true } }
            : { url: `ws://127.0.0.1:${broker.wsPort}` };
        const { session, lost, close } = await device(engine, 0, id, target);
        const start = Math.floor(Date.now() / 1000);
        assert.deepEqual(await session.connect(target, plan(engine), await ecToken(id, start, 600)), { ok: true });
        const messagesIn = counter(broker, BROKER_METRIC.messagesIn);
        const outcomes = new Outcomes();
        for (let ticket = 0; ticket < 5; ticket++) session.publish(`/up/device/id/${id}`, 'x', 1, false, ticket, outcomes);
        const fresh = await ecToken(id, start, 700);
        assert.deepEqual(await session.reauthenticate(fresh, 5000), { ok: true, authBytes: authBytes(METHOD, fresh), answerBytes: answerBytes(METHOD) });
        await until(() => outcomes.seen.size === 5);
        assert.deepEqual(
          [...outcomes.seen.values()],
          Array.from({ length: 5 }, () => ['acked']),
        );
        assert.equal(counter(broker, BROKER_METRIC.messagesIn) - messagesIn, 5);
        const forged = (await ecToken(id, start, 800)).replace(/.{4}$/, 'AAAA');
        assert.deepEqual(await session.reauthenticate(forged, 5000), {
          ok: false,
          reason: 'disconnected.not-authorized',
          reasonString: 're-authentication refused: bad-signature',
        });
        assert.deepEqual(
          lost.map((l) => l.disconnect?.reason),
          ['disconnected.not-authorized'],
        );
        await close();
      });
    }
  }
});

/** A scripted MQTT 5 server: CONNACK under the client's method; an AUTH from `silent` is never answered, from `odd` answered 0x18. */
async function startPeer(): Promise<{ server: Server; port: number; disconnects: number[]; sockets: Socket[] }> {
  const disconnects: number[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    const send = (packet: mqttPacket.Packet): void => void socket.write(mqttPacket.generate(packet, { protocolVersion: 5 }));
    let clientId = '';
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connect') {
        clientId = packet.clientId;
        send({ cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: { authenticationMethod: METHOD } });
      } else if (packet.cmd === 'auth' && clientId.endsWith('odd')) {
        send({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: METHOD, authenticationData: Buffer.from('more?') } });
      } else if (packet.cmd === 'disconnect') disconnects.push(packet.reasonCode ?? 0);
    });
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, disconnects, sockets };
}

describe('re-authentication answered oddly or not at all (a scripted server), on both engines', () => {
  let peer: Awaited<ReturnType<typeof startPeer>>;
  before(async () => {
    peer = await startPeer();
  });
  after(async () => {
    for (const socket of peer.sockets) socket.destroy();
    await new Promise<void>((resolve) => peer.server.close(() => resolve()));
  });

  for (const engine of ENGINES) {
    it(`no answer: timeout, the connection stays; a second while one waits: busy (${engine})`, async () => {
      const { session, lost, close } = await device(engine, peer.port, `${engine}-silent`);
      assert.deepEqual(await session.connect({ url: `mqtt://127.0.0.1:${peer.port}` }, plan(engine), 'token'), { ok: true });
      const first = session.reauthenticate('token-2', 300);
      assert.deepEqual(await session.reauthenticate('token-3', 300), { ok: false, reason: 'busy' });
      assert.deepEqual(await first, { ok: false, reason: 'timeout' });
      assert.equal(session.connected, true);
      assert.deepEqual(lost, []);
      await close();
    });

    it(`AUTH 0x18 in answer: bad-answer, and the connection is closed as lost (${engine})`, async () => {
      const { session, lost, close } = await device(engine, peer.port, `${engine}-odd`);
      assert.deepEqual(await session.connect({ url: `mqtt://127.0.0.1:${peer.port}` }, plan(engine), 'token'), { ok: true });
      assert.deepEqual(await session.reauthenticate('token-2', 5000), { ok: false, reason: 'bad-answer' });
      await until(() => lost.length > 0);
      assert.deepEqual(
        lost.map((l) => l.reason),
        ['connection-lost'],
      );
      // The lean engine says why (§4.13); MQTT.js just closes the socket (handlers/auth.ts rejectAuth).
      if (engine === 'lean') {
        await until(() => peer.disconnects.includes(0x82));
        assert.deepEqual(peer.disconnects, [0x00, 0x82]);
      }
      await close();
    });
  }
});
