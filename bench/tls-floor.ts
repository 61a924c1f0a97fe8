/**
 * The TLS floor: the least a Node process can spend to hold MQTT connections over TLS. Bare
 * `tls.connect` sockets, verifying the broker against the CA as the harness does, each writing a
 * CONNECT (mqtt-packet, real ES256 token) and reading the CONNACK; either one SecureContext shared
 * by every socket (the floor) or one built per socket (what Node does when given PEMs each time).
 * With `threads` > 1 the devices are dealt to that many worker threads (device k to thread k mod
 * threads, a shared context in each), the shape of the harness's workers, so the cost of a second
 * V8 isolate and malloc arena shows in the floor too; CPU and RSS are still the whole process's.
 * Run as its own process by bench/tls.ts: argv[2] is a JSON TlsFloorJob, stdout one JSON line.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSecureContext, connect, type SecureContext, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
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
  /** Worker threads holding the sockets; 1 (the default): the main thread alone. */
  threads?: number;
}

export interface TlsFloorResult {
  connected: number;
  connectsPerSec: number;
  cpuUsPerConnect: number;
  rssPerConnectionBytes: number;
  /** Mean bytes of the CONNECTs sent. */
  connectBytes: number;
}

/** One thread's share: devices thread, thread + threads, …; device k goes out at k / rate after `startAtMs` (wall clock). */
interface Share {
  job: TlsFloorJob;
  thread: number;
  threads: number;
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

/** Signs the share's CONNECTs and builds its context; `connect` then runs the plan and resolves with the CONNACKs. */
async function prepare({ job, thread, threads }: Share): Promise<{ connectBytes: number; connect: (startAtMs: number) => Promise<number>; close: () => void }> {
  const count = Math.floor(job.count / threads) + (thread < job.count % threads ? 1 : 0);
  const all = await packets(thread * job.count, count);
  const sockets: TLSSocket[] = [];
  const shared = job.contextPerConnection ? undefined : createSecureContext({ ca: job.caPem, minVersion: 'TLSv1.2' });
  const connect = async (startAtMs: number): Promise<number> => {
    // Every handshake not yet done stays in flight, as in the harness; a late device goes at once.
    const opened: Promise<boolean>[] = [];
    for (const [i, packet] of all.entries()) {
      const waitMs = job.ratePerSec === null ? 0 : startAtMs + ((i * threads + thread) * 1000) / job.ratePerSec - Date.now();
      if (waitMs >= 1) await sleep(waitMs);
      opened.push(open(job, shared, packet, sockets));
    }
    return (await Promise.all(opened)).filter(Boolean).length;
  };
  const connectBytes = all.reduce((sum, packet) => sum + packet.length, 0);
  return { connectBytes, connect, close: () => sockets.forEach((socket) => socket.destroy()) };
}

/** The share of one worker thread, driven by the main thread: ready, then `go` (start time), `done`, then `close`. */
async function serveShare(share: Share): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  const floor = await prepare(share);
  port.on('message', (message: { go?: number; close?: true }) => {
    if (message.go !== undefined) void floor.connect(message.go).then((connected) => port.postMessage({ connected }));
    if (message.close === true) {
      floor.close();
      port.close();
    }
  });
  port.postMessage({ connectBytes: floor.connectBytes });
}

/** Runs `threads` shares (1: on this thread) and measures the whole process around them. */
export async function runTlsFloor(job: TlsFloorJob): Promise<TlsFloorResult> {
  const threads = job.threads ?? 1;
  const parts = await (threads === 1 ? local(job) : workers(job, threads));
  await sleep(200);
  const baseline = rssBytes();
  const cpu = process.cpuUsage();
  const startMs = performance.now();
  const connected = await parts.connect(Date.now() + 1);
  const connectMs = performance.now() - startMs;
  const used = process.cpuUsage(cpu);
  await sleep(job.settleMs);
  const held = rssBytes();
  await parts.close();
  return {
    connected,
    connectsPerSec: (connected * 1000) / connectMs,
    cpuUsPerConnect: (used.user + used.system) / job.count,
    rssPerConnectionBytes: (held - baseline) / Math.max(1, connected),
    connectBytes: parts.connectBytes / job.count,
  };
}

interface Parts {
  connectBytes: number;
  connect: (startAtMs: number) => Promise<number>;
  close: () => Promise<void>;
}

async function local(job: TlsFloorJob): Promise<Parts> {
  const floor = await prepare({ job, thread: 0, threads: 1 });
  return { ...floor, close: () => Promise.resolve(floor.close()) };
}

async function workers(job: TlsFloorJob, threads: number): Promise<Parts> {
  const started = Array.from(
    { length: threads },
    (_, thread) => new Worker(new URL(import.meta.url), { workerData: { job, thread, threads } satisfies Share }),
  );
  const next = (worker: Worker): Promise<{ connectBytes?: number; connected?: number }> => new Promise((resolve) => worker.once('message', resolve));
  const ready = await Promise.all(started.map(next));
  return {
    connectBytes: ready.reduce((sum, r) => sum + (r.connectBytes ?? 0), 0),
    connect: async (startAtMs) => {
      const done = started.map(next);
      for (const worker of started) worker.postMessage({ go: startAtMs });
      return (await Promise.all(done)).reduce((sum, r) => sum + (r.connected ?? 0), 0);
    },
    close: async () => {
      for (const worker of started) worker.postMessage({ close: true });
      await Promise.all(started.map((worker) => new Promise((resolve) => worker.once('exit', resolve))));
    },
  };
}

/** runTlsFloor in a process of its own (its RSS and CPU are then its own alone). */
export function tlsFloorProcess(job: TlsFloorJob): Promise<TlsFloorResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as TlsFloorResult) : reject(new Error(`tls floor exited ${code}`))));
  });
}

if (!isMainThread && (workerData as Share | undefined)?.job !== undefined) await serveShare(workerData as Share);
else if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runTlsFloor(JSON.parse(process.argv[2] as string) as TlsFloorJob);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
