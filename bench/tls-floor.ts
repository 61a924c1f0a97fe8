/**
 * The TLS floor: the least a Node process can spend to hold MQTT connections over TLS. Bare
 * `tls.connect` sockets, verifying the broker against the CA as the harness does, each writing a
 * CONNECT (mqtt-packet, real ES256 token) and reading the CONNACK; either one SecureContext shared
 * by every socket (the floor) or one built per socket (what Node does when given PEMs each time).
 * Run as its own process by bench/tls.ts: argv[2] is a JSON TlsFloorJob, stdout one JSON line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createSecureContext, connect, type SecureContext, type TLSSocket } from 'node:tls';
import { packets, rssBytes } from './floor-client.js';

/** A handshake not done by then counts as failed. */
const CONNECT_TIMEOUT_MS = 30_000;

export interface TlsFloorJob {
  port: number;
  count: number;
  caPem: string;
  contextPerConnection: boolean;
  /** Planned connects per second, as the harness's `connect` stage with `rate:` plans them; null: all at once, as one without. */
  ratePerSec: number | null;
  settleMs: number;
}

export interface TlsFloorResult {
  connected: number;
  connectsPerSec: number;
  cpuUsPerConnect: number;
  rssPerConnectionBytes: number;
  /** Mean bytes of the CONNECTs sent. */
  connectBytes: number;
}

function open(job: TlsFloorJob, shared: SecureContext | undefined, packet: Buffer, sockets: TLSSocket[]): Promise<boolean> {
  const secureContext = shared ?? createSecureContext({ ca: job.caPem, minVersion: 'TLSv1.2' });
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: job.port, secureContext, rejectUnauthorized: true }, () => socket.write(packet));
    const done = (ok: boolean): void => {
      socket.setTimeout(0);
      resolve(ok);
    };
    socket.setNoDelay(true);
    sockets.push(socket);
    socket.once('data', (chunk: Buffer) => done(chunk[0] === 0x20 && chunk[3] === 0));
    socket.once('error', () => done(false));
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => {
      socket.destroy();
      done(false);
    });
  });
}

export async function runTlsFloor(job: TlsFloorJob): Promise<TlsFloorResult> {
  const all = await packets(0, job.count);
  const sockets: TLSSocket[] = [];
  const shared = job.contextPerConnection ? undefined : createSecureContext({ ca: job.caPem, minVersion: 'TLSv1.2' });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const baseline = rssBytes();
  const cpu = process.cpuUsage();
  const startMs = performance.now();
  // Device k goes out at k / rate, as the harness's arrival schedule (src/scenario/arrival.ts) sends
  // it; a late one goes at once. Every handshake not yet done stays in flight, as in the harness.
  const opened: Promise<boolean>[] = [];
  for (const [k, packet] of all.entries()) {
    const waitMs = job.ratePerSec === null ? 0 : startMs + (k * 1000) / job.ratePerSec - performance.now();
    if (waitMs >= 1) await sleep(waitMs);
    opened.push(open(job, shared, packet, sockets));
  }
  const outcomes = await Promise.all(opened);
  const connectMs = performance.now() - startMs;
  const used = process.cpuUsage(cpu);
  await new Promise((resolve) => setTimeout(resolve, job.settleMs));
  const held = rssBytes();
  const connected = outcomes.filter(Boolean).length;
  for (const socket of sockets) socket.destroy();
  return {
    connected,
    connectsPerSec: (connected * 1000) / connectMs,
    cpuUsPerConnect: (used.user + used.system) / job.count,
    rssPerConnectionBytes: (held - baseline) / Math.max(1, connected),
    connectBytes: all.reduce((sum, packet) => sum + packet.length, 0) / Math.max(1, all.length),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runTlsFloor(JSON.parse(process.argv[2] as string) as TlsFloorJob);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
