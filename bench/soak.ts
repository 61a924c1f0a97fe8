/**
 * Soak: 50,000 connections held for 10 minutes with keepalives, tokens of 2 minutes so every
 * device reconnects with a fresh token several times (`run --processes 3`, lean engine, against
 * 3 mosquittos, 40 source addresses). Prints the harness's RSS over the hold (every process,
 * sampled each second), whether it stayed within ±5% of its mean, the errors, and the refreshes
 * against the tokens signed for them. Loopback only, bounded: one run of ~13 minutes.
 *
 *   BENCH_CONNECTIONS (50000)  BENCH_PROCESSES (3)  BENCH_BROKERS (3)  BENCH_ADDRESSES (40)
 *   BENCH_HOLD_S (600)  BENCH_LIFETIME (2m)  BENCH_REFRESH_BEFORE (30s)  BENCH_RATE (500)
 *   BENCH_FIRST_ADDRESS third octet of 127.0.X.10… (2)
 */
import { execFileSync } from 'node:child_process';
import { runHarness } from './harness-process.js';
import { startMosquitto, type MosquittoProcess } from './mosquitto-process.js';

const env = process.env;
const N = Number(env['BENCH_CONNECTIONS'] ?? 50_000);
const PROCESSES = Number(env['BENCH_PROCESSES'] ?? 3);
const BROKERS = Number(env['BENCH_BROKERS'] ?? 3);
const ADDRESSES = Number(env['BENCH_ADDRESSES'] ?? 40);
const HOLD_S = Number(env['BENCH_HOLD_S'] ?? 600);
const LIFETIME = env['BENCH_LIFETIME'] ?? '2m';
const REFRESH_BEFORE = env['BENCH_REFRESH_BEFORE'] ?? '30s';
const RATE = Number(env['BENCH_RATE'] ?? 500);
const OCTET = Number(env['BENCH_FIRST_ADDRESS'] ?? 2);
const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MiB`;
const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();

const scenario = (ports: number[]): string => `name: bench-soak
broker: [${ports.map((p) => `mqtt://127.0.0.1:${p}`).join(', ')}]
localAddress: ${Array.from({ length: ADDRESSES }, (_, i) => `127.0.${OCTET}.${10 + i}`).join(',')}
workers: 2
mqtt: { keepalive: 30s, connectTimeout: 60s, reconnect: { enabled: false }, engine: lean }
groups:
  - name: d
    count: ${N}
    idPattern: 'soak-{index}'
    keys: { mode: pool, size: 64, store: keys/bench-soak/pool-ES256.json }
    token: { lifetime: ${LIFETIME}, refreshBefore: ${REFRESH_BEFORE} }
stages:
  - { type: connect, rate: ${RATE}/s }
  - { type: hold, duration: ${HOLD_S}s }
  - { type: disconnect }
`;

const brokers: MosquittoProcess[] = [];
try {
  for (let i = 0; i < BROKERS; i++) brokers.push(await startMosquitto());
  process.stdout.write(
    `## Soak: ${N} connections held ${HOLD_S} s, tokens of ${LIFETIME} refreshed ${REFRESH_BEFORE} before expiry; run --processes ${PROCESSES}, ${BROKERS} mosquittos, ${ADDRESSES} source addresses\n\n`,
  );
  process.stdout.write(`uptime before: ${uptime()}\n`);
  const run = await runHarness(scenario(brokers.map((b) => b.port)), { args: ['--processes', String(PROCESSES)], sampleEveryMs: 1000 });
  process.stdout.write(`uptime after: ${uptime()}\n\n`);
  const r = run.result;
  const hold = r.stages[1];
  if (hold === undefined) throw new Error('no hold stage');
  const holdStart = Date.parse(hold.startedAt);
  const holdEnd = Date.parse(hold.endedAt);
  const rss = run.timeline.filter((s) => s.atMs >= holdStart && s.atMs <= holdEnd).map((s) => s.rssBytes);
  const mean = rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length);
  const min = Math.min(...rss);
  const max = Math.max(...rss);
  const deviation = Math.max(max - mean, mean - min) / mean;
  const minute = (m: number): string => {
    const s = run.timeline.filter((x) => x.atMs >= holdStart + m * 60_000).at(0);
    return s === undefined ? '—' : mib(s.rssBytes);
  };
  const c = r.total.counters;
  const errors = Object.values(r.total.errors).reduce((a, b) => a + b, 0) + (c['connectFailed'] ?? 0);
  const refreshes = c['refreshes'] ?? 0;
  const signed = (c['tokensSigned'] ?? 0) - N;
  const heldSeconds = r.timeline.filter((p) => p.second * 1000 + Date.parse(r.startedAt) >= holdStart && p.second * 1000 + Date.parse(r.startedAt) < holdEnd);
  const connectedMin = Math.min(...heldSeconds.map((p) => p.connected));
  process.stdout.write(
    `exit code ${run.code}; status ${r.status}; connected ${c['connected']} of ${N}; connect failures ${JSON.stringify(r.total.connectFailures)}; errors ${JSON.stringify(r.total.errors)} (${errors} in all)\n`,
  );
  process.stdout.write(`connect stage: ${JSON.stringify(r.stages[0]?.pace)}\n`);
  process.stdout.write(`hold: ${(hold.durationMs / 1000).toFixed(0)} s; fewest connected in any second of it ${connectedMin}\n`);
  process.stdout.write(
    `harness RSS over the hold (all ${PROCESSES + 1} processes, ${rss.length} samples): mean ${mib(mean)}, min ${mib(min)}, max ${mib(max)}, largest deviation from the mean ${(deviation * 100).toFixed(1)}% (target ≤ 5%)\n`,
  );
  process.stdout.write(`  at minute 0/2/4/6/8/10 of the hold: ${[0, 2, 4, 6, 8, 10].map(minute).join(' / ')}\n`);
  process.stdout.write(
    `refreshes ${refreshes} (${(refreshes / N).toFixed(2)} per device); tokens signed after the first ${signed}; refresh latency p50/p99 ${((r.total.histograms['refreshUs']?.summary.p50 ?? 0) / 1000).toFixed(1)} / ${((r.total.histograms['refreshUs']?.summary.p99 ?? 0) / 1000).toFixed(1)} ms\n`,
  );
  process.stdout.write(
    `generator: saturated ${r.generator?.saturated} (${(r.generator?.reasons ?? []).join('; ')}); CPU ${(((r.generator?.process.cpuUserMs ?? 0) + (r.generator?.process.cpuSystemMs ?? 0)) / 1000).toFixed(0)} s\n`,
  );
} finally {
  for (const broker of brokers) await broker.stop();
}
