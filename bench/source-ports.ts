/**
 * What source addresses cost the kernel: the harness (lean engine, `run --processes`) connecting
 * N devices without source addresses (the kernel picks ports at connect time), then with them
 * (the harness picks each port in user space, src/worker/local-ports.ts), against mosquitto, in
 * one run. Prints the kernel (sys) and total CPU seconds of the connect stage and the ratio.
 * Loopback only; bounded in count. One mosquitto holds about 20,000 connections (its fd limit),
 * so BENCH_BROKERS of them share the devices.
 *
 *   BENCH_CONNECTIONS (20000)  BENCH_PROCESSES (2)  BENCH_BROKERS (2)  BENCH_ADDRESSES (4)
 */
import { runHarness } from './harness-process.js';
import { startMosquitto, type MosquittoProcess } from './mosquitto-process.js';

const env = process.env;
const N = Number(env['BENCH_CONNECTIONS'] ?? 20_000);
const PROCESSES = Number(env['BENCH_PROCESSES'] ?? 2);
const BROKERS = Number(env['BENCH_BROKERS'] ?? 2);
const ADDRESSES = Number(env['BENCH_ADDRESSES'] ?? 4);
/** Away from the addresses other benches use, so their TIME_WAIT sockets cannot interfere. */
const FIRST = Number(env['BENCH_FIRST_ADDRESS'] ?? 60);

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

async function connectStage(ports: number[], addresses: string[]): Promise<{ connected: number; sysSec: number; cpuSec: number; seconds: number }> {
  const run = await runHarness(scenario(ports, addresses), { args: ['--processes', String(PROCESSES)] });
  const [from, to] = [run.atStage[0], run.atStage[1]];
  const stage = run.result.stages[0];
  if (from === undefined || to === undefined || stage === undefined) throw new Error('no samples around the connect stage');
  return {
    connected: run.result.total.counters['connected'] ?? 0,
    sysSec: to.sysSec - from.sysSec,
    cpuSec: to.cpuSec - from.cpuSec,
    seconds: stage.durationMs / 1000,
  };
}

const brokers: MosquittoProcess[] = [];
try {
  for (let i = 0; i < BROKERS; i++) brokers.push(await startMosquitto());
  const ports = brokers.map((b) => b.port);
  process.stdout.write(`## Source addresses and kernel time: ${N} lean connections, ${PROCESSES} processes × 2 workers, ${BROKERS} mosquittos\n\n`);
  const none = await connectStage(ports, []);
  const addresses = Array.from({ length: ADDRESSES }, (_, i) => `127.0.0.${FIRST + i}`);
  const some = await connectStage(ports, addresses);
  process.stdout.write('| source addresses | connected | connect stage | kernel CPU | total CPU | kernel ÷ none (≤ 1.2×) |\n|---|---:|---:|---:|---:|---:|\n');
  process.stdout.write(
    `| none (kernel picks ports at connect) | ${none.connected} | ${none.seconds.toFixed(1)} s | ${none.sysSec.toFixed(2)} s | ${none.cpuSec.toFixed(2)} s | 1.00× |\n`,
  );
  process.stdout.write(
    `| ${ADDRESSES} (ports picked in user space) | ${some.connected} | ${some.seconds.toFixed(1)} s | ${some.sysSec.toFixed(2)} s | ${some.cpuSec.toFixed(2)} s | ${(some.sysSec / none.sysSec).toFixed(2)}× |\n`,
  );
} finally {
  for (const broker of brokers) await broker.stop();
}
