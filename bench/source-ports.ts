/**
 * What source addresses cost the kernel: the harness (lean engine, `run --processes`) connecting
 * N devices without source addresses (the kernel picks ports at connect time), then with them
 * (the harness picks each port in user space, src/worker/local-ports.ts), against the same
 * mosquittos, in one run. Prints the kernel (sys) and total CPU seconds of the connect stage
 * (the whole process tree) and the ratio. Loopback only; bounded in count.
 *
 * Fair to both: one mosquitto holds about 20,000 connections (its fd limit), so BENCH_BROKERS of
 * them share the devices, and both halves go to the same broker ports. Without a bind the kernel's
 * connect-time search needs each (source, broker port) pair under about half the ephemeral range
 * (~14,000, docs/scaling.md), so the default of 5 brokers keeps "none" at 10,000 per pair, away
 * from that cliff; with source addresses, 20 pairs of 2,500.
 *
 *   BENCH_CONNECTIONS (50000)  BENCH_PROCESSES (4)  BENCH_BROKERS (5)  BENCH_ADDRESSES (4)  BENCH_REPEAT (3)
 */
import { execFileSync } from 'node:child_process';
import { runHarness } from './harness-process.js';
import { startMosquitto, type MosquittoProcess } from './mosquitto-process.js';

const env = process.env;
const N = Number(env['BENCH_CONNECTIONS'] ?? 50_000);
const PROCESSES = Number(env['BENCH_PROCESSES'] ?? 4);
const BROKERS = Number(env['BENCH_BROKERS'] ?? 5);
const ADDRESSES = Number(env['BENCH_ADDRESSES'] ?? 4);
/** Away from the addresses other benches use, so their TIME_WAIT sockets cannot interfere. */
const FIRST = Number(env['BENCH_FIRST_ADDRESS'] ?? 60);
/** Pairs of runs (none, with), each against fresh mosquittos; the order alternates. */
const REPEAT = Number(env['BENCH_REPEAT'] ?? 3);
/** The connect stage lasts seconds: sample the process tree often, so its edges are sharp. */
const SAMPLE_EVERY_MS = 20;

function scenario(ports: number[], addresses: string[]): string {
  return `name: bench-source-ports
broker: [${ports.map((p) => `mqtt://127.0.0.1:${p}`).join(', ')}]
${addresses.length === 0 ? '' : `localAddress: ${addresses.join(',')}\n`}workers: 2
mqtt: { keepalive: 60s, connectTimeout: 60s, reconnect: { enabled: false }, engine: lean }
groups:
  - { name: d, count: ${N}, idPattern: 'ports-{index}', keys: { store: keys/bench-source-ports/d-ES256.json } }
stages:
  - { type: connect }
  - { type: hold, duration: 1s }
  - { type: disconnect }
`;
}

interface StageCost {
  connected: number;
  failed: number;
  sysSec: number;
  cpuSec: number;
  seconds: number;
}

async function connectStage(ports: number[], addresses: string[]): Promise<StageCost> {
  const run = await runHarness(scenario(ports, addresses), { args: ['--processes', String(PROCESSES)], sampleEveryMs: SAMPLE_EVERY_MS });
  const [from, to] = [run.atStage[0], run.atStage[1]];
  const stage = run.result.stages[0];
  if (from === undefined || to === undefined || stage === undefined) throw new Error('no samples around the connect stage');
  return {
    connected: run.result.total.counters['connected'] ?? 0,
    failed: Object.values(run.result.total.connectFailures).reduce((a, b) => a + b, 0),
    sysSec: to.sysSec - from.sysSec,
    cpuSec: to.cpuSec - from.cpuSec,
    seconds: stage.durationMs / 1000,
  };
}

/** One repetition: fresh mosquittos (no 4-tuple of an earlier repetition lingers in TIME_WAIT), then both halves, in the given order. */
async function repetition(index: number): Promise<{ none: StageCost; some: StageCost }> {
  const brokers: MosquittoProcess[] = [];
  try {
    for (let i = 0; i < BROKERS; i++) brokers.push(await startMosquitto());
    const ports = brokers.map((b) => b.port);
    // Fresh source addresses each repetition, for the same reason.
    const addresses = Array.from({ length: ADDRESSES }, (_, i) => `127.0.0.${FIRST + index * ADDRESSES + i}`);
    // Alternate which half goes first, so that a drift of the machine's load favours neither.
    if (index % 2 === 0) {
      const none = await connectStage(ports, []);
      return { none, some: await connectStage(ports, addresses) };
    }
    const some = await connectStage(ports, addresses);
    return { none: await connectStage(ports, []), some };
  } finally {
    for (const broker of brokers) await broker.stop();
  }
}

const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();
process.stdout.write(
  `## Source addresses and kernel time: ${N} lean connections, ${PROCESSES} processes × 2 workers, ${BROKERS} mosquittos, ${REPEAT} repetition${REPEAT > 1 ? 's' : ''}\n\n`,
);
process.stdout.write(`uptime at the start: ${uptime()}\n\n`);
const rows: { none: StageCost; some: StageCost }[] = [];
for (let i = 0; i < REPEAT; i++) rows.push(await repetition(i));
const row = (label: string, r: StageCost, none: StageCost): string =>
  `| ${label} | ${r.connected} | ${r.failed} | ${r.seconds.toFixed(1)} s | ${r.sysSec.toFixed(2)} s | ${((r.sysSec * 1e6) / N).toFixed(0)} µs | ${r.cpuSec.toFixed(2)} s | ${(r.sysSec / none.sysSec).toFixed(2)}× |\n`;
process.stdout.write(
  '| repetition | source addresses | connected | connect failures | connect stage | kernel CPU | per connect | total CPU | kernel ÷ none (≤ 1.2×) |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|\n',
);
for (const [i, { none, some }] of rows.entries()) {
  process.stdout.write(`| ${i + 1} ${row(`none (kernel picks ports at connect; ${BROKERS} pairs)`, none, none)}`);
  process.stdout.write(`| ${i + 1} ${row(`${ADDRESSES} (ports picked in user space; ${ADDRESSES * BROKERS} pairs)`, some, none)}`);
}
const sum = (pick: (r: { none: StageCost; some: StageCost }) => number): number => rows.reduce((n, r) => n + pick(r), 0);
process.stdout.write(
  `\nAll repetitions: kernel CPU ${sum((r) => r.some.sysSec).toFixed(2)} s with source addresses against ${sum((r) => r.none.sysSec).toFixed(2)} s without: ` +
    `**${(sum((r) => r.some.sysSec) / sum((r) => r.none.sysSec)).toFixed(2)}×** (goal ≤ 1.2×)\n`,
);
process.stdout.write(`\nuptime at the end: ${uptime()}\n`);
