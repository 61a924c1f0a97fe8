/**
 * Reproduces, over 127.0.0.1, the crash the issue reported: "RangeError: Maximum call stack size
 * exceeded" in Aedes under overload, and shows the guard in src/broker/mq-guard.ts prevents it.
 *
 *   node dist/bench/stack-overflow-repro.js            # plain Aedes: the process dies
 *   node dist/bench/stack-overflow-repro.js guarded    # with the guard: every message handled
 *
 * 150 subscribers keep mqemitter's window of 100 deliveries busy; one publisher then sends, in one
 * write, 200 messages they receive and 60,000 that nobody subscribed to. Bounded: one burst of
 * about 1.1 MB, then the process exits after 3 s.
 */
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { connect, createServer, type AddressInfo } from 'node:net';
import { guardMqRecursion } from '../src/broker/mq-guard.js';
import { connectPacket, varint } from './raw-connect.js';

const SUBSCRIBERS = 150;
const QUEUED = 60_000;
const guarded = process.argv[2] === 'guarded';

function publishPacket(topic: string): Buffer {
  const name = Buffer.from(topic);
  const body = Buffer.concat([Buffer.from([name.length >> 8, name.length & 0xff]), name, Buffer.from('x')]);
  return Buffer.concat([Buffer.from([0x30, ...varint(body.length)]), body]);
}

const broker = await Aedes.createBroker();
if (guarded) guardMqRecursion((broker as unknown as { mq: unknown }).mq);
let received = 0;
broker.on('publish', (_packet, client) => {
  if (client !== null) received++;
});
process.on('uncaughtException', (error) => {
  process.stdout.write(`${guarded ? 'guarded' : 'plain Aedes'}: CRASHED with ${error.constructor.name}: ${error.message}\n`);
  process.exit(1);
});
const server = createServer((socket) => broker.handle(socket));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
const subscribers: MqttClient[] = [];
for (let i = 0; i < SUBSCRIBERS; i++) {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: `sub-${i}`, reconnectPeriod: 0, keepalive: 60, clean: true, connectTimeout: 5000 });
  await new Promise((resolve) => client.once('connect', resolve));
  await client.subscribeAsync('busy', { qos: 0 });
  subscribers.push(client);
}
const socket = connect({ host: '127.0.0.1', port });
await new Promise((resolve) => socket.once('connect', resolve));
socket.write(connectPacket('flooder', 'unused'));
await new Promise((resolve) => setTimeout(resolve, 100));
socket.write(
  Buffer.concat([...Array.from({ length: 200 }, () => publishPacket('busy')), ...Array.from({ length: QUEUED }, () => publishPacket('nobody/listens'))]),
);
await new Promise((resolve) => setTimeout(resolve, 3000));
process.stdout.write(`${guarded ? 'guarded' : 'plain Aedes'}: survived; ${received} of ${200 + QUEUED} messages handled\n`);
process.exit(0);
