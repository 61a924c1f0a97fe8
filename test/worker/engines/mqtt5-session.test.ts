/**
 * One MQTT 5 session on each engine against a scripted peer on a real socket: a server that
 * announces Receive Maximum 2 in its CONNACK, holds its PUBACKs back a little, refuses some
 * publishes, accepts some with 0x10, and ends with a DISCONNECT 0x89. The peer counts on the wire
 * what the session must never do; the whole-run view against mosquitto is the behaviour matrix.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import mqttPacket from 'mqtt-packet';
import type { MqttPlan } from '../../../src/scenario/run-plan.js';
import { loadEngine } from '../../../src/worker/engines/engine.js';
import type { PublishOutcomes, ServerDisconnect } from '../../../src/worker/engines/session-api.js';
import { testMqttPlan } from '../../support/mqtt-plan.js';

const ENGINES = ['lean', 'mqttjs'] as const;
const plan = (engine: MqttPlan['engine']): MqttPlan => testMqttPlan(engine);

/** What the peer saw of one connection. */
interface Wire {
  socket: Socket;
  maxInFlight: number;
  publishes: number;
}

/** A scripted MQTT 5 server: Receive Maximum 2, Maximum Packet Size 300; PUBACK after 20 ms, by topic. */
async function startPeer(): Promise<{ server: Server; port: number; wires: Wire[] }> {
  const wires: Wire[] = [];
  const server = createServer((socket) => {
    const wire: Wire = { socket, maxInFlight: 0, publishes: 0 };
    wires.push(wire);
    let inFlight = 0;
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    const send = (packet: mqttPacket.Packet): void => void socket.write(mqttPacket.generate(packet, { protocolVersion: 5 }));
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connect') send({ cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: { receiveMaximum: 2, maximumPacketSize: 300 } });
      if (packet.cmd !== 'publish' || packet.qos !== 1) return;
      wire.publishes++;
      wire.maxInFlight = Math.max(wire.maxInFlight, ++inFlight);
      const topic = packet.topic;
      setTimeout(() => {
        inFlight--;
        const reasonCode = topic === 'deny' ? 0x87 : topic === 'quiet' ? 0x10 : 0;
        send({ cmd: 'puback', messageId: packet.messageId, reasonCode, ...(reasonCode === 0x87 ? { properties: { reasonString: 'not yours' } } : {}) });
      }, 20);
    });
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, wires };
}

class Outcomes implements PublishOutcomes {
  readonly seen = new Map<number, string>();
  held = 0;
  published(ticket: number, noSubscribers?: boolean): void {
    this.seen.set(ticket, noSubscribers === true ? 'acked, no subscribers' : 'acked');
  }
  failed(ticket: number, error: unknown): void {
    this.seen.set(ticket, `failed: ${(error as Error).message}`);
  }
  refused(ticket: number, reason: string, reasonString?: string): void {
    this.seen.set(ticket, `${reason}${reasonString === undefined ? '' : ` (${reasonString})`}`);
  }
  heldBack(): void {
    this.held++;
  }
  downgraded(ticket: number, qos: 0 | 1): void {
    this.seen.set(ticket, `downgraded to ${qos}`);
  }
  async until(count: number): Promise<void> {
    const deadline = Date.now() + 5000;
    while (this.seen.size < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('an MQTT 5 session against a scripted server, on both engines', () => {
  let peer: Awaited<ReturnType<typeof startPeer>>;
  before(async () => {
    peer = await startPeer();
  });
  after(() => new Promise<void>((resolve) => peer.server.close(() => resolve())));

  for (const engine of ENGINES) {
    it(`keeps the broker's Receive Maximum, names refusals and 0x10, checks the packet size, and names the DISCONNECT (${engine})`, async () => {
      const url = `mqtt://127.0.0.1:${peer.port}`;
      const sessions = await loadEngine({ engine }, { url });
      const lost: { reason: string; disconnect: ServerDisconnect | undefined }[] = [];
      const session = sessions.session(`${engine}-1`, (reason, disconnect) => lost.push({ reason, disconnect }), { url });
      const wiresBefore = peer.wires.length;
      assert.deepEqual(await session.connect({ url }, plan(engine), 'token'), { ok: true });
      const wire = peer.wires[wiresBefore] as Wire;
      assert.equal(session.capabilities?.receiveMaximum, 2);
      assert.equal(session.capabilities?.maximumPacketSize, 300);
      const outcomes = new Outcomes();
      const topics = ['up', 'deny', 'quiet', 'up', 'deny', 'up', 'up', 'quiet'];
      topics.forEach((topic, ticket) => session.publish(topic, 'x', 1, false, ticket, outcomes));
      session.publish('up', 'y'.repeat(400), 1, false, 100, outcomes);
      await outcomes.until(topics.length + 1);
      assert.deepEqual(
        topics.map((_, ticket) => outcomes.seen.get(ticket)),
        [
          'acked',
          'refused.not-authorized (not yours)',
          'acked, no subscribers',
          'acked',
          'refused.not-authorized (not yours)',
          'acked',
          'acked',
          'acked, no subscribers',
        ],
      );
      assert.equal(outcomes.seen.get(100), 'limit.packet-too-large');
      // Two went at once; the other six waited for a place, and the oversized one never went out.
      assert.equal(outcomes.held, 7);
      assert.equal(wire.maxInFlight, 2);
      assert.equal(wire.publishes, topics.length);

      const closed = new Promise<void>((resolve) => {
        const poll = setInterval(() => lost.length > 0 && (clearInterval(poll), resolve()), 10);
      });
      wire.socket.end(mqttPacket.generate({ cmd: 'disconnect', reasonCode: 0x89, properties: { reasonString: 'busy now' } }, { protocolVersion: 5 }));
      await closed;
      assert.deepEqual(lost, [{ reason: 'connection-lost', disconnect: { reason: 'disconnected.server-busy', reasonString: 'busy now' } }]);
      sessions.close();
    });
  }
});
