/**
 * AUTH fuzzing, like the CONNECT fuzzing (protocol-fuzz.test.ts): over real sockets, sessions
 * logged in on MQTT 5 under CUSTOM-JWT send garbage AUTH packets (random bodies, mutated
 * re-authentications, AUTH before CONNECT and on 3.1.1). Every socket ends closed by the broker,
 * no garbage is ever answered AUTH 0x00, the broker stays up, and valid devices log in and
 * re-authenticate afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { BROKER_METRIC } from '../../src/broker/broker-metrics.js';
import type { RunningBroker } from '../../src/broker/server.js';
import { reauthFrame } from '../../src/worker/engines/lean/auth-frames.js';
import { splitFrames } from '../../src/worker/engines/lean/frames.js';
import { connackOf, exchange } from './exchange.js';
import { counter, ecToken, eventually, registerEc, startTestBroker } from './helpers.js';
import { RawMqtt5, reauthPacket } from './mqtt5-raw.js';
import { connectPacket, openSocket } from './raw-mqtt.js';

const DEVICE = 'dev-af';
/** Sockets per batch, each its own device, so no session is closed by a takeover. */
const BATCH = 20;
const METHOD = 'CUSTOM-JWT';
/** Keepalive 1 s: a socket left waiting for the rest of a packet is closed after 1.5 s [MQTT-3.1.2-24]. */
const LIMIT_MS = 5000;

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

describe('AUTH fuzzing: the broker survives any AUTH and still serves valid devices', () => {
  let broker: RunningBroker;
  const connects: Buffer[] = [];
  const goodReauths: Buffer[] = [];

  before(async () => {
    broker = await startTestBroker({ connectTimeoutMs: 2000 });
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < BATCH; i++) {
      const id = `${DEVICE}-${i}`;
      registerEc(broker, id);
      connects.push(
        mqttPacket.generate(
          {
            cmd: 'connect',
            protocolId: 'MQTT',
            protocolVersion: 5,
            clean: true,
            clientId: id,
            keepalive: 1,
            properties: { authenticationMethod: METHOD, authenticationData: Buffer.from(await ecToken(id, now, 600)) },
          },
          { protocolVersion: 5 },
        ),
      );
      goodReauths.push(reauthFrame(METHOD, await ecToken(id, now, 1200)));
    }
    registerEc(broker, DEVICE);
  });
  after(() => broker.close());

  /** Logs in, sends `auth`, and returns what came back and whether the broker closed the socket. */
  const sendAfterLogin = async (i: number, auth: Buffer): Promise<{ types: number[]; authReasons: number[]; closedByBroker: boolean }> => {
    const { reply, closedByBroker } = await exchangeUntilClosed(broker.port, [connects[i] as Buffer, auth]);
    const { frames } = splitFrames(reply);
    return { types: frames.map((f) => f.type), authReasons: frames.filter((f) => f.type === 15).map((f) => f.body[0] ?? 0), closedByBroker };
  };

  const validDeviceReauthenticates = async (): Promise<void> => {
    const now = Math.floor(Date.now() / 1000);
    const session = await RawMqtt5.connect(broker.port, DEVICE, undefined, {
      authenticationMethod: METHOD,
      authenticationData: Buffer.from(await ecToken(DEVICE, now, 600)),
    });
    assert.equal(((await session.next()) as mqttPacket.IConnackPacket).reasonCode, 0);
    session.send(reauthPacket(METHOD, await ecToken(DEVICE, now + 1, 1200)));
    assert.equal(((await session.next()) as mqttPacket.IAuthPacket).reasonCode, 0);
    session.close();
  };

  it('the good re-authentication is answered AUTH 0x00 (the baseline the mutations start from)', async () => {
    const session = await RawMqtt5.connect(broker.port, DEVICE, undefined, {
      authenticationMethod: METHOD,
      authenticationData: Buffer.from(await ecToken(DEVICE, Math.floor(Date.now() / 1000), 600)),
    });
    assert.equal(((await session.next()) as mqttPacket.IConnackPacket).reasonCode, 0);
    session.write(reauthFrame(METHOD, await ecToken(DEVICE, Math.floor(Date.now() / 1000) + 1, 1200)));
    assert.equal(((await session.next()) as mqttPacket.IAuthPacket).reasonCode, 0);
    session.close();
  });

  it('random AUTH bodies after login: every socket closed by the broker, none answered AUTH 0x00', { timeout: 120_000 }, async () => {
    const body = fc.uint8Array({ minLength: 0, maxLength: 300 });
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: BATCH, maxLength: BATCH }), async (bodies) => {
        const results = await Promise.all(bodies.map((b, i) => sendAfterLogin(i, Buffer.concat([Buffer.from([0xf0]), varint(b.length), Buffer.from(b)]))));
        for (const r of results) {
          assert.ok(r.closedByBroker, `left open: ${r.types.join(',')}`);
          assert.ok(!r.authReasons.includes(0), 'garbage re-authenticated');
        }
      }),
      { numRuns: 6 },
    );
    await validDeviceReauthenticates();
  });

  it('mutated re-authentications: answered AUTH 0x00 only when the token is intact, else closed', { timeout: 120_000 }, async () => {
    const flip = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(flip, { minLength: 1, maxLength: 3 }), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const mutated = batch.map((flips, i) => {
          const copy = Buffer.from(goodReauths[i] as Buffer);
          for (const f of flips) copy[f.at % copy.length] = f.byte;
          return copy;
        });
        const results = await Promise.all(mutated.map((bytes, i) => sendAfterLogin(i, bytes)));
        results.forEach((r, i) => {
          const bytes = mutated[i] as Buffer;
          // Only a flip that wrote back the byte that was there leaves a valid re-authentication.
          if (r.authReasons.includes(0)) assert.ok(bytes.equals(goodReauths[i] as Buffer), `re-authenticated by ${bytes.toString('hex')}`);
          assert.ok(r.closedByBroker, `left open after ${bytes.toString('hex')}`);
        });
      }),
      { numRuns: 6 },
    );
    await validDeviceReauthenticates();
  });

  it('a Property Length that disagrees with the body (fast-check seed -1035621303) is closed unanswered, and counted malformed', async () => {
    const before = counter(broker, `${BROKER_METRIC.guardPrefix}malformed`);
    const bytes = Buffer.from(goodReauths[14] as Buffer);
    bytes[4] = 0x80; // declares 256 property bytes of 346; mqtt-packet would still parse all 346
    const r = await sendAfterLogin(14, bytes);
    assert.ok(r.closedByBroker);
    assert.deepEqual(r.authReasons, []);
    assert.deepEqual(r.types, [2], 'CONNACK only');
    await eventually(() => counter(broker, `${BROKER_METRIC.guardPrefix}malformed`) === before + 1);
  });

  it('AUTH before CONNECT, AUTH on MQTT 3.1.1, and AUTH before CONNACK are closed without an answer', async () => {
    const token = await ecToken(DEVICE);
    const goodReauth = goodReauths[0] as Buffer;
    const before = await exchange(broker.port, [goodReauth], LIMIT_MS);
    assert.ok(before.closedByBroker);
    assert.equal(before.reply.length, 0);
    const onV4 = await exchangeUntilClosed(broker.port, [connectPacket(DEVICE, token), goodReauth]);
    assert.ok(onV4.closedByBroker);
    assert.equal(connackOf(onV4.reply), 0, 'CONNACK 0, then closed on the AUTH');
    assert.equal(splitFrames(onV4.reply).frames.length, 1);
    // CONNECT and AUTH in one write: the AUTH reaches the broker before its CONNACK is out.
    const early = await exchangeUntilClosed(broker.port, [Buffer.concat([connects[0] as Buffer, goodReauth])]);
    assert.ok(early.closedByBroker);
    assert.ok(!splitFrames(early.reply).frames.some((f) => f.type === 15), 'no AUTH answer before CONNACK');
  });

  it('afterwards: the broker is up, holds no client, and valid devices log in and re-authenticate', async () => {
    await eventually(() => broker.connectedClients() === 0, LIMIT_MS);
    await validDeviceReauthenticates();
    assert.ok(counter(broker, BROKER_METRIC.reauthAccepted) >= 4);
  });
});

/** Like exchange(), but waits for the broker to close even after a CONNACK 0 (bounded). */
async function exchangeUntilClosed(port: number, chunks: Buffer[]): Promise<{ reply: Buffer; closedByBroker: boolean }> {
  const socket = await openSocket(port);
  const parts: Buffer[] = [];
  let closedByBroker = false;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, LIMIT_MS);
    socket.on('data', (chunk: Buffer) => parts.push(chunk));
    socket.on('error', () => {});
    socket.once('close', () => {
      closedByBroker = true;
      clearTimeout(timer);
      resolve();
    });
    let i = 0;
    const next = (): void => {
      const chunk = chunks[i++];
      if (chunk === undefined || socket.destroyed) return;
      socket.write(chunk);
      // Each later chunk after the broker's first reply (the CONNACK), so the AUTH comes in session.
      if (i < chunks.length) socket.once('data', next);
    };
    next();
  });
  socket.destroy();
  return { reply: Buffer.concat(parts), closedByBroker };
}
