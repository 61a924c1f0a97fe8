/**
 * Connecting over TLS: the harness (`mqtt-jwt-bench run`, both engines, 2 workers) beside the
 * bare-socket TLS floor (bench/tls-floor.ts: `tls.connect` with one shared SecureContext, and with
 * a context per connection), all against one Debian mosquitto with a TLS listener, in one run.
 * Every client verifies the broker against the same CA, sends no SNI (the host is an IP), offers
 * the same CONNECT (client id, "unused", an ES256 token with the same claims) and gets its
 * devices' connects on the same plan: first at a planned rate (the goal's figures), then all at
 * once (the unthrottled connect rate). CPU per connect is the process tree's CPU from the first
 * connect to the last CONNACK ÷ devices, with the harness's main thread (the coordinator) also
 * shown alone; RSS per connection is the process's RSS `SETTLE_MS` after the last CONNACK above
 * its RSS as the first connect went out. Then a reconnect storm of every device with and without
 * TLS session resumption (`mqtt.tlsResumption`), CPU per reconnect. Loopback only; bounded in count.
 *
 * Every client runs BENCH_TLS_ROUNDS times, in turn, and the table gives medians: on a shared
 * machine one run of a client can land on a busy second that the next client's run does not.
 * The floor also runs on 2 worker threads, the harness's shape (2 V8 isolates, 2 malloc arenas).
 *
 *   BENCH_TLS_CONNECTIONS (2000)  BENCH_TLS_RATE (500, connects/s)  BENCH_TLS_ROUNDS (3)
 *   BENCH_ENGINES (lean,mqttjs)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalCertificates } from '../src/broker/certificates.js';
import { runHarness } from './harness-process.js';
import { startMosquitto } from './mosquitto-process.js';
import { tlsFloorProcess as floor } from './tls-floor.js';

const env = process.env;
const N = Number(env['BENCH_TLS_CONNECTIONS'] ?? 2000);
const RATE = Number(env['BENCH_TLS_RATE'] ?? 500);
const ROUNDS = Number(env['BENCH_TLS_ROUNDS'] ?? 3);
const ENGINES = (env['BENCH_ENGINES'] ?? 'lean,mqttjs').split(',');
const SETTLE_MS = 2000;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

interface Figures {
  connected: number;
  connectsPerSec: number;
  cpuUsPerConnect: number;
  rssPerConnectionBytes: number;
  /** The harness's main thread alone (the coordinator); the floor has none. */
  mainThreadCpuUsPerConnect?: number;
  /** Mean bytes of the CONNECT each device sent. */
  connectBytes: number;
}

function scenario(port: number, caFile: string, engine: string, stages: string, resume = false): string {
  return `name: bench-tls
broker: mqtts://127.0.0.1:${port}
tls: { ca: ${caFile} }
workers: 2
mqtt: { keepalive: 60s, connectTimeout: 60s, reconnect: { enabled: false }, engine: ${engine}, tlsResumption: ${resume} }
groups:
  - { name: d, count: ${N}, idPattern: 'tls-{index}', keys: { store: keys/bench-tls/d-ES256.json } }
stages:
${stages}
`;
}

async function harnessConnect(port: number, caFile: string, engine: string, ratePerSec: number | null): Promise<Figures> {
  const rate = ratePerSec === null ? '' : `, rate: ${ratePerSec}/s`;
  const stages = `  - { type: connect${rate} }\n  - { type: hold, duration: ${SETTLE_MS / 1000 + 1}s }\n  - { type: disconnect }`;
  const run = await runHarness(scenario(port, caFile, engine, stages), { sampleAfter: 1, settleMs: SETTLE_MS });
  const [before, after] = run.atStage;
  const stage = run.result.stages[0];
  if (before === undefined || after === undefined || stage === undefined || run.settled === undefined) throw new Error('harness run gave no samples');
  const connected = run.result.total.counters['connected'] ?? 0;
  return {
    connected,
    connectsPerSec: (connected * 1000) / stage.durationMs,
    cpuUsPerConnect: ((after.cpuSec - before.cpuSec) * 1e6) / N,
    mainThreadCpuUsPerConnect: ((after.mainThreadCpuSec - before.mainThreadCpuSec) * 1e6) / N,
    rssPerConnectionBytes: (run.settled.rssBytes - before.rssBytes) / Math.max(1, connected),
    connectBytes: (run.result.total.counters['connectBytes'] ?? 0) / Math.max(1, connected),
  };
}

/** CPU per reconnect when every device drops and comes back at once (the storm stage alone). */
async function harnessStorm(port: number, caFile: string, engine: string, resume: boolean): Promise<{ reconnects: number; cpuUsPerReconnect: number }> {
  const stages =
    '  - { type: connect }\n  - { type: hold, duration: 1s }\n  - { type: reconnect-storm, percent: 100 }\n  - { type: hold, duration: 1s }\n  - { type: disconnect }';
  const run = await runHarness(scenario(port, caFile, engine, stages, resume));
  const [from, to] = [run.atStage[2], run.atStage[3]];
  if (from === undefined || to === undefined) throw new Error('storm run gave no samples');
  const reconnects = run.result.total.counters['reconnects'] ?? 0;
  return { reconnects, cpuUsPerReconnect: ((to.cpuSec - from.cpuSec) * 1e6) / Math.max(1, reconnects) };
}

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-tls-'));
const certs = await ensureLocalCertificates(join(dir, 'certs'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, certs.caPem);
const broker = await startMosquitto('/usr/sbin/mosquitto', certs);
const load = (): string =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`;
const header =
  '| client | connected | connects/s | CPU µs per connect | of which main thread | RSS per connection | CONNECT bytes | CPU ÷ floor (≤ 1.15×) | RSS ÷ floor (≤ 1.15×) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n';
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
/** Median of per-round ratios (each round's figure ÷ the floor's in the same round), with their range. */
const ratio = (rounds: number[][]): string => {
  const each = rounds.map(([mine, floor]) => (mine as number) / (floor as number));
  const range = each.length > 1 ? ` (${Math.min(...each).toFixed(2)}–${Math.max(...each).toFixed(2)})` : '';
  return `${median(each).toFixed(2)}×${range}`;
};

/** One row per client: medians over the rounds; ratios to the first client (the floor) round by round. */
function table(clients: string[], rounds: Figures[][]): string {
  const lines = clients.map((name, c) => {
    const runs = rounds.map((round) => round[c] as Figures);
    const floors = rounds.map((round) => round[0] as Figures);
    const m = (pick: (f: Figures) => number | undefined): number => median(runs.map((f) => pick(f) ?? Number.NaN));
    const main = runs[0]?.mainThreadCpuUsPerConnect === undefined ? '—' : m((f) => f.mainThreadCpuUsPerConnect).toFixed(0);
    const cpu = ratio(runs.map((f, r) => [f.cpuUsPerConnect, (floors[r] as Figures).cpuUsPerConnect]));
    const rss = ratio(runs.map((f, r) => [f.rssPerConnectionBytes, (floors[r] as Figures).rssPerConnectionBytes]));
    const connected = Math.min(...runs.map((f) => f.connected));
    return `| ${name} | ${connected} | ${m((f) => f.connectsPerSec).toFixed(0)} | ${m((f) => f.cpuUsPerConnect).toFixed(0)} | ${main} | ${kib(m((f) => f.rssPerConnectionBytes))} | ${m((f) => f.connectBytes).toFixed(0)} | ${cpu} | ${rss} |\n`;
  });
  return header + lines.join('');
}

/** `ROUNDS` rounds of every client in turn, so a change in the machine's load touches each client alike. */
async function rounds(clients: [string, () => Promise<Figures>][]): Promise<string> {
  const all: Figures[][] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round: Figures[] = [];
    for (const [, measure] of clients) round.push(await measure());
    all.push(round);
  }
  return table(
    clients.map(([name]) => name),
    all,
  );
}

try {
  process.stdout.write(`## Connecting over TLS: ${N} connections, harness on 2 workers, TLS floor, mosquitto (TLS 1.3, ECDSA P-256 server key)\n\n`);
  process.stdout.write(
    `${new Date().toISOString()}, ${load()}\n\nMedians of ${ROUNDS} rounds; ratios: the median of each round's ratio to the floor's first row, with their range.\n`,
  );
  const job = { port: broker.port, count: N, caPem: certs.caPem, settleMs: SETTLE_MS };
  const engines = (rate: number | null): [string, () => Promise<Figures>][] =>
    ENGINES.map((engine) => [`harness (${engine}, 2 workers)`, () => harnessConnect(broker.port, caFile, engine, rate)]);
  process.stdout.write(`\n### At a planned ${RATE}/s, every client\n\n`);
  process.stdout.write(
    await rounds([
      ['floor: tls.connect, one shared SecureContext', () => floor({ ...job, contextPerConnection: false, ratePerSec: RATE })],
      ['floor on 2 threads, a shared SecureContext in each', () => floor({ ...job, contextPerConnection: false, ratePerSec: RATE, threads: 2 })],
      ['floor: tls.connect, a SecureContext per connection', () => floor({ ...job, contextPerConnection: true, ratePerSec: RATE })],
      ...engines(RATE),
    ]),
  );
  process.stdout.write(`\n${load()}\n\n### All at once, every client (the unthrottled connect rate)\n\n`);
  process.stdout.write(
    await rounds([
      ['floor: tls.connect, one shared SecureContext', () => floor({ ...job, contextPerConnection: false, ratePerSec: null })],
      ['floor on 2 threads, a shared SecureContext in each', () => floor({ ...job, contextPerConnection: false, ratePerSec: null, threads: 2 })],
      ...engines(null),
    ]),
  );
  process.stdout.write(`\n${load()}\n`);
  process.stdout.write('\n| engine | reconnect storm, 100% | reconnects | CPU µs per reconnect | resumed ÷ full |\n|---|---|---:|---:|---:|\n');
  for (const engine of ENGINES) {
    const full = await harnessStorm(broker.port, caFile, engine, false);
    const resumed = await harnessStorm(broker.port, caFile, engine, true);
    process.stdout.write(`| ${engine} | full handshake | ${full.reconnects} | ${full.cpuUsPerReconnect.toFixed(0)} | — |\n`);
    process.stdout.write(
      `| ${engine} | tlsResumption: true | ${resumed.reconnects} | ${resumed.cpuUsPerReconnect.toFixed(0)} | ${(resumed.cpuUsPerReconnect / full.cpuUsPerReconnect).toFixed(2)}× |\n`,
    );
  }
  process.stdout.write(`\n${new Date().toISOString()}, ${load()}\n`);
} finally {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}
