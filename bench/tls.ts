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
 *   BENCH_TLS_CONNECTIONS (2000)  BENCH_TLS_RATE (500, connects/s)  BENCH_ENGINES (lean,mqttjs)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLocalCertificates } from '../src/broker/certificates.js';
import { runHarness } from './harness-process.js';
import { startMosquitto } from './mosquitto-process.js';
import type { TlsFloorJob, TlsFloorResult } from './tls-floor.js';

const env = process.env;
const N = Number(env['BENCH_TLS_CONNECTIONS'] ?? 2000);
const RATE = Number(env['BENCH_TLS_RATE'] ?? 500);
const ENGINES = (env['BENCH_ENGINES'] ?? 'lean,mqttjs').split(',');
const SETTLE_MS = 2000;
const FLOOR = fileURLToPath(new URL('tls-floor.js', import.meta.url));
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

function floor(job: TlsFloorJob): Promise<TlsFloorResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FLOOR, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as TlsFloorResult) : reject(new Error(`tls floor exited ${code}`))));
  });
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

function table(rows: [string, Figures][]): string {
  const floorRow = rows[0]?.[1] as Figures;
  const lines = rows.map(([name, r]) => {
    const main = r.mainThreadCpuUsPerConnect === undefined ? '—' : r.mainThreadCpuUsPerConnect.toFixed(0);
    const ratios = `${(r.cpuUsPerConnect / floorRow.cpuUsPerConnect).toFixed(2)}× | ${(r.rssPerConnectionBytes / floorRow.rssPerConnectionBytes).toFixed(2)}×`;
    return `| ${name} | ${r.connected} | ${r.connectsPerSec.toFixed(0)} | ${r.cpuUsPerConnect.toFixed(0)} | ${main} | ${kib(r.rssPerConnectionBytes)} | ${r.connectBytes.toFixed(0)} | ${ratios} |\n`;
  });
  return header + lines.join('');
}

try {
  process.stdout.write(`## Connecting over TLS: ${N} connections, harness on 2 workers, TLS floor, mosquitto (TLS 1.3, ECDSA P-256 server key)\n\n`);
  process.stdout.write(`${new Date().toISOString()}, ${load()}\n\n### At a planned ${RATE}/s, every client\n\n`);
  const job = { port: broker.port, count: N, caPem: certs.caPem, settleMs: SETTLE_MS };
  const planned: [string, Figures][] = [
    ['floor: tls.connect, one shared SecureContext', await floor({ ...job, contextPerConnection: false, ratePerSec: RATE })],
    ['floor: tls.connect, a SecureContext per connection', await floor({ ...job, contextPerConnection: true, ratePerSec: RATE })],
  ];
  for (const engine of ENGINES) planned.push([`harness (${engine})`, await harnessConnect(broker.port, caFile, engine, RATE)]);
  process.stdout.write(table(planned));
  process.stdout.write(`\n${load()}\n\n### All at once, every client (the unthrottled connect rate)\n\n`);
  const atOnce: [string, Figures][] = [
    ['floor: tls.connect, one shared SecureContext', await floor({ ...job, contextPerConnection: false, ratePerSec: null })],
  ];
  for (const engine of ENGINES) atOnce.push([`harness (${engine})`, await harnessConnect(broker.port, caFile, engine, null)]);
  process.stdout.write(table(atOnce));
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
