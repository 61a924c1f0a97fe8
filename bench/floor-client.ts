/**
 * The floor: the least a Node process can spend to hold authenticated MQTT connections. A bare
 * `net.Socket` per device writes a CONNECT encoded by mqtt-packet (MQTT.js's own codec) with a
 * real ES256 token, reads the CONNACK, and holds. Run as its own process by the connection and
 * publish benches, so its RSS and CPU are its own: argv[2] is a JSON FloorJob, one JSON line of
 * FloorResult goes to stdout.
 */
import { generateKeyPairSync } from 'node:crypto';
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import mqttPacket from 'mqtt-packet';
import { peakRss } from './proc-stat.js';
import { publishPhase, type PhaseResult, type PublishPhase } from './floor-publish.js';

export interface FloorJob {
  ports: number[];
  /** Fleet index of this process's first device: placement and client ids follow it. */
  first: number;
  count: number;
  localAddresses: string[];
  /** How long to hold after the last CONNACK before RSS is read. */
  settleMs: number;
  /** The start of the hold that `holdCpuUs` leaves out (default 0): the harness's idle figure skips the same. */
  holdSkipMs?: number;
  /** Publishing after the connects, one phase after another. */
  phases?: PublishPhase[];
  /** Planned connects per second of this process (device i at i ÷ rate), as a `connect` stage with `rate:`; absent: all at once. */
  ratePerSec?: number;
}

export interface FloorResult {
  connected: number;
  failed: number;
  connectMs: number;
  connectsPerSec: number;
  cpuUsPerConnect: number;
  /** CPU per connect over the connects from the 40% mark to the last CONNACK: the steady state, the JIT's warm-up left out. */
  lateCpuUsPerConnect: number;
  baselineRssBytes: number;
  heldRssBytes: number;
  rssPerConnectionBytes: number;
  /** CPU of the whole process over the hold (settleMs) after its first holdSkipMs: what holding costs with nothing to do. */
  holdCpuUs: number;
  /** The whole process's peak RSS (VmHWM), read after the hold (and any publishing). */
  peakRssBytes: number;
  phases: PhaseResult[];
}

export function rssBytes(): number {
  return process.memoryUsage.rss();
}

export async function packets(first: number, count: number): Promise<Buffer[]> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const now = Math.floor(Date.now() / 1000);
  const out: Buffer[] = [];
  for (let k = first; k < first + count; k++) {
    const clientId = `floor-${k}`;
    const token = await new SignJWT({ iat: now, exp: now + 1200, aud: `https://akenza.io/devices/${clientId}` })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'f'.repeat(64) })
      .sign(privateKey);
    out.push(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        keepalive: 60,
        clientId,
        username: 'unused',
        password: Buffer.from(token),
      }),
    );
  }
  return out;
}

/** Same placement as the harness (src/worker/endpoint.ts): port k mod n, address ⌊k/n⌋ mod m. */
function open(job: FloorJob, k: number, packet: Buffer, sockets: Socket[]): Promise<boolean> {
  const port = job.ports[k % job.ports.length] as number;
  const localAddress = job.localAddresses.length === 0 ? undefined : job.localAddresses[Math.floor(k / job.ports.length) % job.localAddresses.length];
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ...(localAddress === undefined ? {} : { localAddress }) }, () => socket.write(packet));
    sockets.push(socket);
    socket.once('data', (chunk: Buffer) => resolve(chunk[0] === 0x20 && chunk[3] === 0));
    socket.once('error', () => resolve(false));
    // Closed by the broker before its CONNACK, without an error: a failed connect, not a wait forever.
    socket.once('close', () => resolve(false));
  });
}

/** Where the steady state begins: the connects before it carry the JIT's warm-up. */
export const LATE_FROM = 0.4;

/**
 * Every device's connect under way, at its planned time when the job has a rate (one sleep per
 * millisecond or more ahead). `late` gets the CPU reading taken as connect ⌊LATE_FROM × n⌋ began.
 */
async function openAll(job: FloorJob, all: Buffer[], sockets: Socket[], late: { cpu?: NodeJS.CpuUsage }): Promise<Promise<boolean>[]> {
  const opened: Promise<boolean>[] = [];
  const startMs = Date.now();
  const lateIndex = Math.floor(all.length * LATE_FROM);
  for (const [i, packet] of all.entries()) {
    const waitMs = job.ratePerSec === undefined ? 0 : startMs + (i * 1000) / job.ratePerSec - Date.now();
    if (waitMs >= 1) await sleep(waitMs);
    if (i === lateIndex) late.cpu = process.cpuUsage();
    opened.push(open(job, job.first + i, packet, sockets));
  }
  return opened;
}

export async function runFloor(job: FloorJob): Promise<FloorResult> {
  const all = await packets(job.first, job.count);
  const sockets: Socket[] = [];
  const baselineRssBytes = rssBytes();
  const cpu = process.cpuUsage();
  const startMs = performance.now();
  const late: { cpu?: NodeJS.CpuUsage } = {};
  const outcomes = await Promise.all(await openAll(job, all, sockets, late));
  const connectMs = performance.now() - startMs;
  const used = process.cpuUsage(cpu);
  const usedLate = process.cpuUsage(late.cpu ?? cpu);
  const skipMs = Math.min(job.holdSkipMs ?? 0, job.settleMs);
  if (skipMs > 0) await sleep(skipMs);
  const holdFrom = process.cpuUsage();
  await sleep(job.settleMs - skipMs);
  const held = process.cpuUsage(holdFrom);
  const holdCpuUs = held.user + held.system;
  const heldRssBytes = rssBytes();
  const connected = outcomes.filter(Boolean).length;
  const phases: PhaseResult[] = [];
  if (job.phases !== undefined) {
    // Every inbound packet from here on is a 4-byte PUBACK (nothing is subscribed, keepalive is 60 s).
    const acks = { count: 0 };
    for (const socket of sockets) socket.on('data', (chunk: Buffer) => (acks.count += chunk.length / 4));
    const ids = sockets.map((_, i) => `floor-${job.first + i}`);
    for (const phase of job.phases) phases.push(await publishPhase(sockets, ids, phase, acks));
  }
  const peakRssBytes = peakRss('self');
  for (const socket of sockets) socket.destroy();
  return {
    connected,
    failed: job.count - connected,
    connectMs,
    connectsPerSec: (connected * 1000) / connectMs,
    cpuUsPerConnect: (used.user + used.system) / job.count,
    lateCpuUsPerConnect: (usedLate.user + usedLate.system) / (job.count - Math.floor(job.count * LATE_FROM)),
    baselineRssBytes,
    heldRssBytes,
    rssPerConnectionBytes: (heldRssBytes - baselineRssBytes) / Math.max(1, connected),
    holdCpuUs,
    peakRssBytes,
    phases,
  };
}

/** runFloor in a process of its own (its RSS and CPU are then its own alone). */
export function floorProcess(job: FloorJob): Promise<FloorResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as FloorResult) : reject(new Error(`floor exited ${code}`))));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runFloor(JSON.parse(process.argv[2] as string) as FloorJob);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
