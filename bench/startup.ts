/**
 * What a run weighs before its first connection: `mqtt-jwt-bench run` (2 workers, both engines,
 * against Debian's mosquitto) paused for a few seconds before its connect stage, its RSS read
 * from /proc as the connect stage starts, beside a bare Node process that has loaded
 * mqtt-packet (the floor). Loopback only; bounded: 100 devices, one pause.
 *
 *   BENCH_ENGINES (lean,mqttjs)  BENCH_WORKERS (2)
 */
import { spawnSync } from 'node:child_process';
import { runHarness } from './harness-process.js';
import { startMosquitto } from './mosquitto-process.js';

const env = process.env;
const ENGINES = (env['BENCH_ENGINES'] ?? 'lean,mqttjs').split(',');
const WORKERS = Number(env['BENCH_WORKERS'] ?? 2);
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function scenario(port: number, engine: string): string {
  return `name: bench-startup
broker: mqtt://127.0.0.1:${port}
workers: ${WORKERS}
mqtt: { engine: ${engine}, reconnect: { enabled: false } }
groups:
  - { name: d, count: 100, idPattern: 'startup-{index}', keys: { store: keys/bench-startup/d-ES256.json } }
stages:
  - { type: pause, duration: 3s }
  - { type: connect, rate: 1000/s }
  - { type: disconnect }
`;
}

/** A bare Node process with mqtt-packet loaded: what any MQTT client in Node weighs at least. */
function floorRss(): number {
  const code = "import('mqtt-packet').then(() => setTimeout(() => process.stdout.write(String(process.memoryUsage.rss())), 500))";
  const out = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', cwd: new URL('..', import.meta.url) });
  return Number(out.stdout);
}

const broker = await startMosquitto();
try {
  process.stdout.write(`## Before the first connection: RSS of \`run\` with ${WORKERS} workers, mosquitto\n\n`);
  process.stdout.write('| process | RSS before the first connect | ÷ floor |\n|---|---:|---:|\n');
  const floor = floorRss();
  process.stdout.write(`| floor (node + mqtt-packet) | ${mib(floor)} | 1.00× |\n`);
  for (const engine of ENGINES) {
    const run = await runHarness(scenario(broker.port, engine));
    const before = run.atStage[1];
    if (before === undefined) throw new Error('no sample at the connect stage');
    process.stdout.write(`| run, ${engine}, ${WORKERS} workers | ${mib(before.rssBytes)} | ${(before.rssBytes / floor).toFixed(2)}× |\n`);
  }
} finally {
  await broker.stop();
}
