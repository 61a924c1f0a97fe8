/**
 * 100,000 connections held on one machine: `mqtt-jwt-bench run --processes P` (lean engine,
 * pre-signed ES256 tokens from a key pool) against M mosquittos, devices spread over A source
 * addresses in 127.0.0.0/8, at a planned connect rate. Then the floor client (bench/floor-client.ts)
 * at the same count with the same placement. Prints the achieved connect rate against the plan
 * (and whether the report called the stage behind plan), the harness's total RSS and CPU (every
 * process), mosquitto's RSS and CPU, and the floor's figures. Loopback only, bounded.
 *
 *   BENCH_CONNECTIONS (100000)  BENCH_PROCESSES (6)  BENCH_BROKERS (6)  BENCH_ADDRESSES (20)
 *   BENCH_RATE planned connects/s (1000)  BENCH_HOLD_S (20)  BENCH_FIRST_ADDRESS third octet of 127.0.X.10… (1)
 *   BENCH_SKIP_FLOOR=1: the harness alone
 *
 * Why these defaults: each process may open 20,000 files (hard limit), so 100,000 need 6
 * processes (5 would hold 20,000 each, over the limit with the runtime's own descriptors) and
 * 6 mosquittos (the same limit); a bound source address holds about 7,000 connections before
 * the kernel's port search collapses (docs/scaling.md), so 20 addresses carry 5,000 each.
 */
import { execFileSync } from 'node:child_process';
import { floorProcess } from './floor-client.js';
import { runHarness } from './harness-process.js';
import { startMosquitto, type MosquittoProcess } from './mosquitto-process.js';
import { procStat } from './proc-stat.js';

const env = process.env;
const N = Number(env['BENCH_CONNECTIONS'] ?? 100_000);
const PROCESSES = Number(env['BENCH_PROCESSES'] ?? 6);
const BROKERS = Number(env['BENCH_BROKERS'] ?? 6);
const ADDRESSES = Number(env['BENCH_ADDRESSES'] ?? 20);
const RATE = Number(env['BENCH_RATE'] ?? 1000);
const HOLD_S = Number(env['BENCH_HOLD_S'] ?? 20);
const OCTET = Number(env['BENCH_FIRST_ADDRESS'] ?? 1);
const SETTLE_MS = 5000;

const addresses = (offset: number): string[] => Array.from({ length: ADDRESSES }, (_, i) => `127.0.${OCTET}.${10 + offset + i}`);
const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MiB`;

interface BrokerSample {
  atMs: number;
  rssBytes: number;
  cpuSec: number;
}

function sampleBrokers(brokers: MosquittoProcess[], into: BrokerSample[]): NodeJS.Timeout {
  return setInterval(() => {
    let rssBytes = 0;
    let cpuSec = 0;
    for (const b of brokers) {
      const s = procStat(b.child.pid as number);
      rssBytes += s.rssBytes;
      cpuSec += s.cpuSec;
    }
    into.push({ atMs: Date.now(), rssBytes, cpuSec });
  }, 250);
}

const scenario = (ports: number[], source: string[]): string => `name: bench-100k
broker: [${ports.map((p) => `mqtt://127.0.0.1:${p}`).join(', ')}]
localAddress: ${source.join(',')}
mqtt: { keepalive: 300s, connectTimeout: 120s, reconnect: { enabled: false }, engine: lean }
groups:
  - { name: d, count: ${N}, idPattern: 'bench-{index}', keys: { mode: pool, size: 64, store: keys/bench-100k/pool-ES256.json } }
stages:
  - { type: connect, rate: ${RATE}/s }
  - { type: hold, duration: ${HOLD_S}s }
  - { type: disconnect }
`;

const brokers: MosquittoProcess[] = [];
const brokerSamples: BrokerSample[] = [];
let timer: NodeJS.Timeout | undefined;
try {
  for (let i = 0; i < BROKERS; i++) brokers.push(await startMosquitto());
  const ports = brokers.map((b) => b.port);
  process.stdout.write(`## ${N} connections: run --processes ${PROCESSES}, ${BROKERS} mosquittos, ${ADDRESSES} source addresses, planned ${RATE}/s\n\n`);
  process.stdout.write(`uptime before: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}\n`);
  timer = sampleBrokers(brokers, brokerSamples);
  const brokerBefore = procStatSum(brokers);
  const run = await runHarness(scenario(ports, addresses(0)), {
    args: ['--processes', String(PROCESSES)],
    sampleAfter: 1,
    settleMs: SETTLE_MS,
    sampleEveryMs: 250,
    pssEveryMs: 2000,
  });
  const r = run.result;
  const connect = r.stages[0];
  const hold = r.stages[1];
  if (connect === undefined || hold === undefined) throw new Error('the run has no connect or hold stage');
  const at = (samples: BrokerSample[], ms: number): BrokerSample | undefined => samples.filter((s) => s.atMs <= ms).at(-1);
  const heldMs = Date.parse(hold.startedAt) + SETTLE_MS;
  const harnessHeld = run.settled;
  const harnessAtConnect = run.atStage[0];
  const harnessAtHold = run.atStage[1];
  const brokerHeld = at(brokerSamples, heldMs);
  const brokerAtConnect = at(brokerSamples, Date.parse(connect.startedAt)) ?? brokerBefore;
  const brokerAtHold = at(brokerSamples, Date.parse(hold.startedAt));
  const pace = connect.pace;
  const connected = r.total.counters['connected'] ?? 0;
  process.stdout.write(`uptime after harness: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}\n\n`);
  process.stdout.write(
    `exit code ${run.code}; connected ${connected} of ${N}; connect failures ${JSON.stringify(r.total.connectFailures)}; errors ${JSON.stringify(r.total.errors)}\n`,
  );
  process.stdout.write(
    `connect stage: planned ${pace?.planned.actions} at ${pace?.planned.ratePerSec}/s over ${((pace?.planned.durationMs ?? 0) / 1000).toFixed(1)} s; ` +
      `achieved ${pace?.achieved.actions} at ${pace?.achieved.ratePerSec}/s (${Math.round((pace?.achievedRatio ?? 0) * 100)}% of plan), last action ${pace?.lastActionLateMs} ms late, ` +
      `stage took ${(connect.durationMs / 1000).toFixed(1)} s (CONNACKs: ${(connected / (connect.durationMs / 1000)).toFixed(0)}/s); behind plan: ${pace?.behindPlan}\n`,
  );
  process.stdout.write(
    `connect p50/p99: ${((r.total.histograms['connectUs']?.summary.p50 ?? 0) / 1000).toFixed(1)} / ${((r.total.histograms['connectUs']?.summary.p99 ?? 0) / 1000).toFixed(1)} ms\n`,
  );
  process.stdout.write(`generator: saturated ${r.generator?.saturated} (${(r.generator?.reasons ?? []).join('; ')})\n`);
  if (harnessHeld !== undefined && harnessAtConnect !== undefined && harnessAtHold !== undefined) {
    process.stdout.write(
      `harness (all ${PROCESSES + 1} processes): RSS ${mib(harnessAtConnect.rssBytes)} at the connect stage's start, ${mib(harnessHeld.rssBytes)} holding ${connected} ` +
        `(${((harnessHeld.rssBytes - harnessAtConnect.rssBytes) / connected / 1024).toFixed(1)} KiB per connection; PSS, shared pages counted once, ${run.settledPssBytes === undefined ? 'not read' : mib(run.settledPssBytes)}); CPU over the connect stage ${(harnessAtHold.cpuSec - harnessAtConnect.cpuSec).toFixed(1)} s ` +
        `(${(((harnessAtHold.cpuSec - harnessAtConnect.cpuSec) * 1e6) / connected).toFixed(0)} µs per connect)\n`,
    );
  }
  if (brokerHeld !== undefined && brokerAtHold !== undefined) {
    process.stdout.write(
      `mosquitto (all ${BROKERS}): RSS ${mib(brokerAtConnect.rssBytes)} before, ${mib(brokerHeld.rssBytes)} holding (${((brokerHeld.rssBytes - brokerAtConnect.rssBytes) / connected / 1024).toFixed(1)} KiB per connection); ` +
        `CPU over the connect stage ${(brokerAtHold.cpuSec - brokerAtConnect.cpuSec).toFixed(1)} s (${(((brokerAtHold.cpuSec - brokerAtConnect.cpuSec) * 1e6) / connected).toFixed(0)} µs per connect)\n`,
    );
  }
  if (env['BENCH_SKIP_FLOOR'] !== '1') {
    // The floor from other source addresses, so the harness's ports in TIME_WAIT do not count against it.
    const per = Math.ceil(N / PROCESSES);
    const floorBroker = procStatSum(brokers);
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, (_, p) =>
        floorProcess({ ports, first: p * per, count: Math.min(per, N - p * per), localAddresses: addresses(ADDRESSES), settleMs: SETTLE_MS }),
      ),
    );
    const floorBrokerAfter = procStatSum(brokers);
    const floorConnected = results.reduce((n, x) => n + x.connected, 0);
    const connectMs = Math.max(...results.map((x) => x.connectMs));
    process.stdout.write(
      `floor (${PROCESSES} processes, all at once): connected ${floorConnected}; ${((floorConnected * 1000) / connectMs).toFixed(0)} connects/s unthrottled; ` +
        `RSS ${mib(results.reduce((n, x) => n + x.heldRssBytes, 0))} holding (${(results.reduce((n, x) => n + x.heldRssBytes - x.baselineRssBytes, 0) / floorConnected / 1024).toFixed(1)} KiB per connection); ` +
        `CPU ${(results.reduce((n, x) => n + x.cpuUsPerConnect * (x.connected + x.failed), 0) / 1e6).toFixed(1)} s (${(results.reduce((n, x) => n + x.cpuUsPerConnect * (x.connected + x.failed), 0) / N).toFixed(0)} µs per connect); ` +
        `mosquitto CPU meanwhile ${(floorBrokerAfter.cpuSec - floorBroker.cpuSec).toFixed(1)} s\n`,
    );
  }
  process.stdout.write(`uptime at the end: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}\n`);
} finally {
  if (timer !== undefined) clearInterval(timer);
  for (const broker of brokers) await broker.stop();
}

function procStatSum(list: MosquittoProcess[]): BrokerSample {
  let rssBytes = 0;
  let cpuSec = 0;
  for (const b of list) {
    const s = procStat(b.child.pid as number);
    rssBytes += s.rssBytes;
    cpuSec += s.cpuSec;
  }
  return { atMs: Date.now(), rssBytes, cpuSec };
}
