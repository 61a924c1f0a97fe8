/**
 * Holding N connections: the harness (`mqtt-jwt-bench run`, pre-signed ES256 tokens, per-device
 * keys) against the floor (bare sockets, bench/floor-client.ts), in one run, against Debian's
 * mosquitto. Prints both RSS per held connection, both whole-process peak RSS (VmHWM), both
 * unthrottled connect rates and the ratios; then a planned connect rate against what was
 * achieved. Loopback only, bounded in count.
 *
 *   BENCH_CONNECTIONS  devices held (15000)         BENCH_PROCESSES  harness shard processes (1)
 *   BENCH_BROKERS      mosquitto instances (1)      BENCH_ADDRESSES  source addresses per side (2)
 *   BENCH_ENGINES      harness engines, in turn (lean,mqttjs)
 *   BENCH_WORKERS      the harness's worker threads per process (2)
 *   BENCH_KEYS         per-device (a key per device, kept for refreshes) or pool (64 keys shared); the
 *                      floor signs with one key and keeps none
 *   BENCH_RATE         planned connects/s (2000)    BENCH_RATE_DEVICES  devices for it (8000; 0 skips that part,
 *                                                    as BENCH_SKIP_RATE=1 does)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { floorProcess } from './floor-client.js';
import { runHarness } from './harness-process.js';
import { startMosquitto, type MosquittoProcess } from './mosquitto-process.js';

const env = process.env;
const N = Number(env['BENCH_CONNECTIONS'] ?? 15_000);
const PROCESSES = Number(env['BENCH_PROCESSES'] ?? 1);
const BROKERS = Number(env['BENCH_BROKERS'] ?? 1);
const ADDRESSES = Number(env['BENCH_ADDRESSES'] ?? 2);
const ENGINES = (env['BENCH_ENGINES'] ?? 'lean,mqttjs').split(',');
const RATE = Number(env['BENCH_RATE'] ?? 2000);
const RATE_DEVICES = Number(env['BENCH_RATE_DEVICES'] ?? 8000);
const WORKERS = Number(env['BENCH_WORKERS'] ?? 2);
const KEYS =
  env['BENCH_KEYS'] === 'pool' ? '{ mode: pool, size: 64, store: keys/bench-connections/pool-ES256.json }' : '{ store: keys/bench-connections/d-ES256.json }';
const SETTLE_MS = 3000;

/** BENCH_FIRST_ADDRESS moves every source address up, away from ports still in TIME_WAIT from a run just before. */
const FIRST = Number(env['BENCH_FIRST_ADDRESS'] ?? 2);
const addresses = (from: number): string[] => Array.from({ length: ADDRESSES }, (_, i) => `127.0.0.${FIRST - 2 + from + i}`);
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;
const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();

interface HeldCost {
  connected: number;
  connectsPerSec: number;
  rssPerConnection: number;
  cpuUsPerConnect: number;
  /** Peak RSS of the whole process (VmHWM; summed over the processes when there are several). */
  peakRssBytes: number;
  /** The highest RSS the 100 ms samples saw (the harness; the floor reads RSS only at its two points). */
  maxSampledRssBytes: number | undefined;
  /** When the samples first came within 1% of that, in seconds from the connect stage's start (negative: before it). */
  maxSampledAtSec: number | undefined;
  /** RSS as the connect stage began, and held (settled). */
  startRssBytes: number;
  heldRssBytes: number;
}

/** The floor across as many processes as the harness uses, each holding its slice. */
async function floor(ports: number[], source: string[]): Promise<HeldCost> {
  const per = Math.ceil(N / PROCESSES);
  const results = await Promise.all(
    Array.from({ length: PROCESSES }, (_, p) =>
      floorProcess({ ports, first: p * per, count: Math.min(per, N - p * per), localAddresses: source, settleMs: SETTLE_MS }),
    ),
  );
  const connected = results.reduce((n, r) => n + r.connected, 0);
  return {
    connected,
    connectsPerSec: (connected * 1000) / Math.max(...results.map((r) => r.connectMs)),
    rssPerConnection: results.reduce((n, r) => n + r.heldRssBytes - r.baselineRssBytes, 0) / connected,
    cpuUsPerConnect: results.reduce((n, r) => n + r.cpuUsPerConnect * (r.connected + r.failed), 0) / N,
    peakRssBytes: results.reduce((n, r) => n + r.peakRssBytes, 0),
    maxSampledRssBytes: undefined,
    maxSampledAtSec: undefined,
    startRssBytes: results.reduce((n, r) => n + r.baselineRssBytes, 0),
    heldRssBytes: results.reduce((n, r) => n + r.heldRssBytes, 0),
  };
}

function scenario(ports: number[], count: number, connect: string, source: string[], engine: string): string {
  return `name: bench-connections
broker: [${ports.map((p) => `mqtt://127.0.0.1:${p}`).join(', ')}]
localAddress: ${source.join(',')}
workers: ${WORKERS}
mqtt: { keepalive: 60s, connectTimeout: 60s, reconnect: { enabled: false }, engine: ${engine} }
groups:
  - { name: d, count: ${count}, idPattern: 'bench-{index}', keys: ${KEYS} }
stages:
  - ${connect}
  - { type: hold, duration: ${SETTLE_MS / 1000 + 1}s }
  - { type: disconnect }
`;
}

async function harness(ports: number[], source: string[], engine: string): Promise<HeldCost> {
  const run = await runHarness(scenario(ports, N, '{ type: connect }', source, engine), {
    sampleAfter: 1,
    settleMs: SETTLE_MS,
    args: PROCESSES > 1 ? ['--processes', String(PROCESSES)] : [],
  });
  const connected = run.result.total.counters['connected'] ?? 0;
  const stage = run.result.stages[0];
  const before = run.atStage[0];
  const held = run.settled;
  if (stage === undefined || before === undefined || held === undefined || run.atStage[1] === undefined) throw new Error('harness run gave no samples');
  const highest = Math.max(...run.timeline.map((s) => s.rssBytes));
  return {
    connected,
    connectsPerSec: (connected * 1000) / stage.durationMs,
    rssPerConnection: (held.rssBytes - before.rssBytes) / connected,
    cpuUsPerConnect: ((run.atStage[1].cpuSec - before.cpuSec) * 1e6) / N,
    // VmHWM only grows: the last sample before the run exited holds the run's peak.
    peakRssBytes: Math.max(...run.timeline.map((s) => s.peakRssBytes)),
    maxSampledRssBytes: highest,
    maxSampledAtSec: ((run.timeline.find((s) => s.rssBytes >= highest * 0.99)?.atMs ?? NaN) - Date.parse(stage.startedAt)) / 1000,
    startRssBytes: before.rssBytes,
    heldRssBytes: held.rssBytes,
  };
}

async function plannedRate(ports: number[], source: string[], engine: string): Promise<string> {
  const run = await runHarness(scenario(ports, RATE_DEVICES, `{ type: connect, rate: ${RATE}/s }`, source, engine));
  const stage = run.result.stages[0];
  const connected = run.result.total.counters['connected'] ?? 0;
  if (stage === undefined) throw new Error('no connect stage');
  // The last connect is planned (n − 1)/rate after the first: the achieved rate over that span.
  const achieved = ((connected - 1) * 1000) / stage.durationMs;
  const lag = run.result.total.histograms['connectUs']?.summary;
  return `| ${engine} | ${RATE} | ${RATE_DEVICES} | ${connected} | ${(stage.durationMs / 1000).toFixed(2)} s | ${achieved.toFixed(0)} | ${(((achieved - RATE) / RATE) * 100).toFixed(2)}% | ${lag === undefined ? '—' : `${(lag.p99 / 1000).toFixed(1)} ms`} |`;
}

const brokers: MosquittoProcess[] = [];
try {
  for (let i = 0; i < BROKERS; i++) brokers.push(await startMosquitto());
  const ports = brokers.map((b) => b.port);
  // `mosquitto -h` prints its version and exits 3.
  const version = spawnSync('/usr/sbin/mosquitto', ['-h'], { encoding: 'utf8' }).stdout.split('\n')[0];
  process.stdout.write(
    `## Holding ${N} connections: harness (engines ${ENGINES.join(', ')}; ${PROCESSES} process${PROCESSES > 1 ? 'es' : ''} × ${WORKERS} worker${WORKERS > 1 ? 's' : ''}; ${env['BENCH_KEYS'] === 'pool' ? '64 pooled keys' : 'a key per device'}) and floor, ${BROKERS} × ${version}, ${ADDRESSES} source addresses each\n\n`,
  );
  process.stdout.write(`uptime at the start: ${uptime()}\n\n`);
  // Each client from its own addresses, so closed sockets in TIME_WAIT cannot crowd the next one's ports.
  const f = await floor(ports, addresses(2));
  const results = [];
  for (const [i, engine] of ENGINES.entries()) results.push({ engine, r: await harness(ports, addresses(2 + (i + 1) * ADDRESSES), engine) });
  process.stdout.write(
    '| client | connected | unthrottled connects/s | CPU µs per connect | RSS per held connection | ÷ floor (≤ 1.2×) | rate ÷ floor |\n|---|---:|---:|---:|---:|---:|---:|\n',
  );
  const clients = [{ engine: 'floor (net.Socket + mqtt-packet)', r: f }, ...results.map((x) => ({ engine: `harness (${x.engine})`, r: x.r }))];
  for (const { engine, r } of clients) {
    const ratio = (a: number, b: number): string => (r === f ? '—' : `${(a / b).toFixed(2)}×`);
    process.stdout.write(
      `| ${engine} | ${r.connected} | ${r.connectsPerSec.toFixed(0)} | ${r.cpuUsPerConnect.toFixed(0)} | ${kib(r.rssPerConnection)} | ${ratio(r.rssPerConnection, f.rssPerConnection)} ` +
        `| ${r === f ? '—' : `${((r.connectsPerSec / f.connectsPerSec) * 100).toFixed(0)}%`} |\n`,
    );
  }
  process.stdout.write(
    '\n| client | RSS as the connects began | RSS holding | whole-process peak RSS (VmHWM) | peak ÷ floor (≤ 1.6×) | highest sampled RSS | reached at (s from the connect stage) |\n|---|---:|---:|---:|---:|---:|---:|\n',
  );
  for (const { engine, r } of clients) {
    process.stdout.write(
      `| ${engine} | ${mib(r.startRssBytes)} | ${mib(r.heldRssBytes)} | ${mib(r.peakRssBytes)} | ${r === f ? '—' : `**${(r.peakRssBytes / f.peakRssBytes).toFixed(2)}×**`} ` +
        `| ${r.maxSampledRssBytes === undefined ? '—' : mib(r.maxSampledRssBytes)} | ${r.maxSampledAtSec === undefined ? '—' : r.maxSampledAtSec.toFixed(1)} |\n`,
    );
  }
  process.stdout.write(`\nuptime after the held connections: ${uptime()}\n`);
  // BENCH_RATE_DEVICES=0 means no planned-rate part, as BENCH_SKIP_RATE=1 does (a scenario of 0 devices is not valid).
  if (env['BENCH_SKIP_RATE'] !== '1' && RATE_DEVICES > 0) {
    process.stdout.write(
      `\n| engine | planned connects/s | devices | connected | stage duration | achieved connects/s | deviation | connect p99 |\n|---|---:|---:|---:|---:|---:|---:|---:|\n`,
    );
    for (const [i, engine] of ENGINES.entries())
      process.stdout.write(`${await plannedRate(ports, addresses(2 + (ENGINES.length + 1 + i) * ADDRESSES), engine)}\n`);
  }
} finally {
  for (const broker of brokers) await broker.stop();
}
