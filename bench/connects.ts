/**
 * Connects per second the embedded broker sustains, for RS256 and ES256 devices, and the broker's
 * CPU and memory per connection. The broker runs as its own process (`mqtt-jwt-bench broker`), so
 * its CPU is read from /proc apart from the load generator's; the generator writes hand-made
 * CONNECT packets on raw sockets (no MQTT.js), so it costs far less than the broker it measures.
 * Loopback only; bounded in count. Run with `npm run bench`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { fingerprint } from '../src/identity/keys.js';
import { formatRegistry } from '../src/identity/registry-file.js';
import { startBrokerProcess } from './broker-process.js';
import { connectPacket } from './raw-connect.js';

const CONNECTS = Number(process.env['BENCH_CONNECTS'] ?? 3000);
const IN_FLIGHT = Number(process.env['BENCH_IN_FLIGHT'] ?? 100);
const CONNACK_ACCEPTED = Buffer.from([0x20, 0x02, 0x00, 0x00]);

export interface ConnectResult {
  alg: string;
  accepted: number;
  refused: number;
  connectsPerSec: number;
  brokerCpuUsPerConnect: number;
  brokerRssBytesPerConnection: number;
  brokerExit: number | null;
}

/** One key for every device: verify cost is the same whatever the key, and RSA keygen is slow. */
async function tokensFor(alg: 'RS256' | 'ES256', count: number): Promise<{ registry: string; packets: Buffer[] }> {
  const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKey = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const kid = fingerprint(pair.publicKey);
  const ids = Array.from({ length: count }, (_, i) => `bench-${alg}-${i}`);
  const now = Math.floor(Date.now() / 1000);
  const packets = await Promise.all(
    ids.map(async (id) =>
      connectPacket(
        id,
        await new SignJWT({ iat: now, exp: now + 1200, aud: `https://akenza.io/devices/${id}` })
          .setProtectedHeader({ alg, kid, typ: 'JWT' })
          .sign(pair.privateKey),
      ),
    ),
  );
  return {
    registry: formatRegistry(
      ids.map((deviceId) => ({ deviceId, alg, kid, publicKey })),
      'json',
    ),
    packets,
  };
}

export function connectOne(port: number, packet: Buffer): Promise<{ socket: Socket; accepted: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(packet));
    let reply = Buffer.alloc(0);
    const settle = (accepted: boolean): void => {
      socket.removeAllListeners('data');
      resolve({ socket, accepted });
    };
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      if (reply.length >= 4) settle(reply.subarray(0, 4).equals(CONNACK_ACCEPTED));
    });
    socket.on('error', () => settle(false));
    socket.on('close', () => settle(false));
  });
}

export async function benchConnects(alg: 'RS256' | 'ES256', connects = CONNECTS, inFlight = IN_FLIGHT): Promise<ConnectResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-connects-'));
  try {
    const { registry, packets } = await tokensFor(alg, connects);
    writeFileSync(join(dir, 'devices.json'), registry);
    const broker = await startBrokerProcess(['--registry', join(dir, 'devices.json')]);
    const cpuBefore = broker.cpuSec();
    const rssBefore = broker.rssBytes();
    const sockets: Socket[] = [];
    let accepted = 0;
    let next = 0;
    const startMs = performance.now();
    const lane = async (): Promise<void> => {
      while (next < packets.length) {
        const result = await connectOne(broker.port, packets[next++] as Buffer);
        sockets.push(result.socket);
        if (result.accepted) accepted++;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    const elapsedSec = (performance.now() - startMs) / 1000;
    const cpuSec = broker.cpuSec() - cpuBefore;
    const rssGrowth = broker.rssBytes() - rssBefore;
    for (const socket of sockets) socket.destroy();
    const brokerExit = await broker.stop();
    return {
      alg,
      accepted,
      refused: connects - accepted,
      connectsPerSec: accepted / elapsedSec,
      brokerCpuUsPerConnect: (cpuSec * 1e6) / connects,
      brokerRssBytesPerConnection: rssGrowth / connects,
      brokerExit,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`## Connects per second, embedded broker as its own process (${CONNECTS} connects, ${IN_FLIGHT} in flight, connections held)\n\n`);
  process.stdout.write(
    '| alg | accepted | refused | connects/s | broker CPU µs per connect | broker RSS per connection | broker exit |\n|---|---:|---:|---:|---:|---:|---:|\n',
  );
  for (const alg of ['RS256', 'ES256'] as const) {
    const r = await benchConnects(alg);
    process.stdout.write(
      `| ${r.alg} | ${r.accepted} | ${r.refused} | ${Math.round(r.connectsPerSec)} | ${Math.round(r.brokerCpuUsPerConnect)} | ${(r.brokerRssBytesPerConnection / 1024).toFixed(1)} KiB | ${r.brokerExit} |\n`,
    );
  }
}
