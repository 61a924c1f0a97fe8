/**
 * Publishing at a planned rate against publishing flat out, QoS 0 and 1, the harness
 * (`mqtt-jwt-bench run`, both engines) against the floor (bare sockets + mqtt-packet), 1,000
 * devices, against Debian's mosquitto. Prints CPU per message, missed slots and the ratios.
 * Loopback only; bounded: every phase has a fixed message count.
 *
 *   BENCH_DEVICES (1000)  BENCH_QOS0_RATE total msg/s at QoS 0 (40000)  BENCH_QOS1_RATE (20000)
 *   BENCH_PLANNED_SEC (5) BENCH_FLAT_COUNT messages per device flat out (50)  BENCH_ENGINES (mqttjs,lean)
 *   BENCH_WORKERS worker threads of the harness, a list: each engine runs once per entry (2; the floor is one thread)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FloorJob, FloorResult } from './floor-client.js';
import type { PhaseResult, PublishPhase } from './floor-publish.js';
import { runHarness } from './harness-process.js';
import { startMosquitto } from './mosquitto-process.js';

const env = process.env;
const DEVICES = Number(env['BENCH_DEVICES'] ?? 1000);
const QOS0_RATE = Number(env['BENCH_QOS0_RATE'] ?? 40_000);
const QOS1_RATE = Number(env['BENCH_QOS1_RATE'] ?? 20_000);
const PLANNED_SEC = Number(env['BENCH_PLANNED_SEC'] ?? 5);
const FLAT_COUNT = Number(env['BENCH_FLAT_COUNT'] ?? 50);
const ENGINES = (env['BENCH_ENGINES'] ?? 'mqttjs,lean').split(',');
const WORKERS = (env['BENCH_WORKERS'] ?? '2').split(',').map(Number);
const FLOOR = fileURLToPath(new URL('floor-client.js', import.meta.url));

/** Planned QoS 0, flat QoS 0, planned QoS 1, flat QoS 1: the same four phases for everyone. */
const PHASES: (PublishPhase & { label: string })[] = [
  { label: `planned ${QOS0_RATE}/s`, ratePerSec: QOS0_RATE / DEVICES, countPerDevice: Math.round((QOS0_RATE / DEVICES) * PLANNED_SEC), qos: 0 },
  { label: 'flat out', ratePerSec: null, countPerDevice: FLAT_COUNT, qos: 0 },
  { label: `planned ${QOS1_RATE}/s`, ratePerSec: QOS1_RATE / DEVICES, countPerDevice: Math.round((QOS1_RATE / DEVICES) * PLANNED_SEC), qos: 1 },
  { label: 'flat out', ratePerSec: null, countPerDevice: FLAT_COUNT, qos: 1 },
];

function floorRun(port: number): Promise<FloorResult> {
  const job: FloorJob = { ports: [port], first: 0, count: DEVICES, localAddresses: ['127.0.0.20'], settleMs: 500, phases: PHASES };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FLOOR, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as FloorResult) : reject(new Error(`floor exited ${code}`))));
  });
}

function scenario(port: number, engine: string, address: string, workers: number): string {
  // A flat-out stage is a planned one so fast that every send is already due: the same code path, never waiting.
  const stages = PHASES.map(
    (p) => `  - { type: publish, rate: ${p.ratePerSec === null ? 100_000 : p.ratePerSec}/s, count: ${p.countPerDevice}, qos: ${p.qos} }`,
  );
  return `name: bench-publish
broker: mqtt://127.0.0.1:${port}
localAddress: ${address}
workers: ${workers}
mqtt: { engine: ${engine}, reconnect: { enabled: false } }
groups:
  - { name: d, count: ${DEVICES}, idPattern: 'pub-{index}', keys: { store: keys/bench-publish/d-ES256.json } }
stages:
  - { type: connect, rate: 2000/s }
  - { type: hold, duration: 1s }
${stages.join('\n')}
  - { type: disconnect }
`;
}

async function harness(port: number, engine: string, address: string, workers: number): Promise<PhaseResult[]> {
  const run = await runHarness(scenario(port, engine, address, workers));
  return PHASES.map((phase, i) => {
    const stage = run.result.stages[i + 2];
    const [from, to] = [run.atStage[i + 2], run.atStage[i + 3]];
    if (stage === undefined || from === undefined || to === undefined) throw new Error(`no samples for stage ${i + 2}`);
    const c = stage.total.counters;
    return {
      messages: c['published'] ?? 0,
      acked: c['acked'] ?? 0,
      cpuUs: (to.cpuSec - from.cpuSec) * 1e6,
      missedSlots: phase.ratePerSec === null ? 0 : (c['missedSlots'] ?? 0),
      durationMs: stage.durationMs,
    };
  });
}

function rows(name: string, results: PhaseResult[]): string[] {
  const perMessage = results.map((r) => r.cpuUs / Math.max(1, r.messages));
  return results.map((r, i) => {
    const phase = PHASES[i] as (typeof PHASES)[number];
    const ratio = phase.ratePerSec === null ? '' : `${((perMessage[i] as number) / (perMessage[i + 1] as number)).toFixed(2)}×`;
    return `| ${name} | QoS ${phase.qos} ${phase.label} | ${r.messages} | ${r.acked} | ${((r.messages * 1000) / r.durationMs).toFixed(0)} | ${(perMessage[i] as number).toFixed(1)} | ${phase.ratePerSec === null ? '—' : r.missedSlots} | ${ratio} |`;
  });
}

const broker = await startMosquitto();
try {
  process.stdout.write(`## Publishing: planned rate against flat out, ${DEVICES} devices, harness on ${WORKERS.join(' and ')} workers, mosquitto\n\n`);
  process.stdout.write(
    '| client | phase | messages | acked | msg/s | CPU µs per message | missed slots | planned ÷ flat CPU |\n|---|---|---:|---:|---:|---:|---:|---:|\n',
  );
  const floor = await floorRun(broker.port);
  const lines = rows('floor', floor.phases);
  const runs = ENGINES.flatMap((engine) => WORKERS.map((workers) => ({ engine, workers })));
  for (const [i, { engine, workers }] of runs.entries()) {
    const name = `harness (${engine}, ${workers} worker${workers === 1 ? '' : 's'})`;
    lines.push(...rows(name, await harness(broker.port, engine, `127.0.0.${21 + i}`, workers)));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await broker.stop();
}
