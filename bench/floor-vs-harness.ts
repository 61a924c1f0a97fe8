/**
 * `npm run bench:floor`: each per-device cost of the harness beside its floor on the same plan, in
 * one sitting (issue 27). The harness is `mqtt-jwt-bench run` as a user runs it (lean engine, the
 * default workers: one per core in one process, the cores shared out over `--processes`; 64 pooled
 * ES256 keys, pre-signed tokens); the floors are bench/floor-client.ts (a bare
 * `net.Socket` per device, paced at the same planned rate, from bound source addresses) and
 * bench/tls-floor.ts (a bare `tls.connect` with one shared SecureContext). Every run gets fresh
 * mosquittos and fresh source addresses, so no port in TIME_WAIT from the run before is in its way.
 *
 * The marginal method: each figure is a big run minus a run of a tenth of its devices on the same
 * rate, so what a run costs to start (keys, workers, pre-signing, first snapshots) is not counted.
 * Harness and floor alternate within each round; a ratio is the median of the rounds' ratios.
 * Beside each plain CPU-per-connect figure, its steady state: the big runs' CPU per connect over
 * the connects from the LATE_FROM mark on, where the JIT's warm-up has passed (it outlasts the
 * small run: docs/benchmarks.md, "Fourth sitting").
 *
 *   --scale F     devices × F (default 1; 0.2 for a quick check)
 *   --rounds N    rounds of every client (default 3)
 *   --parts LIST  cpu1,cpu3,tls,idle (default all)
 *   --hold S      seconds the idle part holds (default 60; CPU is read over the last S − 30: the steady
 *                 state, after V8's memory reducer has run its few full GCs, the connect burst's aftermath)
 *   --workers N   the harness scenario names `workers: N` (default: left out, so the CLI's default)
 *
 * Needs Debian's mosquitto at /usr/sbin/mosquitto. Loopback only, bounded in count and time.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureLocalCertificates } from '../src/broker/certificates.js';
import { floorProcess, LATE_FROM } from './floor-client.js';
import { runHarness, type HarnessRun } from './harness-process.js';
import { startMosquitto, type MosquittoProcess } from './mosquitto-process.js';
import { tlsFloorProcess } from './tls-floor.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    parts: { type: 'string', default: 'cpu1,cpu3,tls,idle' },
    hold: { type: 'string', default: '60' },
    workers: { type: 'string' },
  },
});
const SCALE = Number(values.scale);
const ROUNDS = Number(values.rounds);
const PARTS = new Set(values.parts.split(','));
const HOLD_S = Number(values.hold);
const WORKERS = values.workers === undefined ? '' : `workers: ${Number(values.workers)}\n`;
/**
 * The start of a hold the idle figure leaves out. Some seconds after the connect burst's
 * allocations stop, V8's memory reducer runs up to three full GCs in each worker (18, 42 and 7 ms
 * for 10,000 devices, --trace-gc, 20:45 UTC): a cost of the burst, once, not of holding.
 */
const IDLE_SKIP_MS = 30_000;
if (!(HOLD_S > IDLE_SKIP_MS / 1000)) throw new Error(`--hold: expected more than ${IDLE_SKIP_MS / 1000} seconds (got ${values.hold})`);
const SETTLE_MS = 3000;
const ADDRESSES = 4;
const scaled = (n: number): number => Math.max(10, Math.round(n * SCALE));

/** What one run of a client cost: CPU over its connects, RSS as they began and once held, CPU per second of an idle hold. */
interface Cost {
  connected: number;
  connectCpuSec: number;
  /** CPU per connect from the LATE_FROM mark of the connects to the last one (plain TCP only): the steady state. */
  lateCpuUsPerConnect?: number;
  startRssBytes: number;
  heldRssBytes: number;
  idleCpuSecPerSec?: number;
}

interface Plan {
  count: number;
  ratePerSec: number | null;
  processes: number;
  brokers: number;
  tls: boolean;
  holdS: number;
}

let runs = 0;
/** Fresh source addresses for every run: 127.27.<run>.1 … */
function freshAddresses(): string[] {
  runs++;
  return Array.from({ length: ADDRESSES }, (_, i) => `127.27.${runs % 250}.${i + 1}`);
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

function scenario(plan: Plan, ports: number[], source: string[], caFile: string | undefined): string {
  const scheme = plan.tls ? 'mqtts' : 'mqtt';
  const rate = plan.ratePerSec === null ? '' : `, rate: ${plan.ratePerSec}/s`;
  return `name: bench-floor
broker: [${ports.map((p) => `${scheme}://127.0.0.1:${p}`).join(', ')}]
${plan.tls ? `tls: { ca: ${caFile} }` : `localAddress: ${source.join(',')}`}
${WORKERS}mqtt: { keepalive: 300s, connectTimeout: 60s, reconnect: { enabled: false }, engine: lean }
groups:
  - { name: d, count: ${plan.count}, idPattern: 'bench-{index}', keys: { mode: pool, size: 64, store: keys/bench-floor/pool-ES256.json } }
stages:
  - { type: connect${rate} }
  - { type: hold, duration: ${plan.holdS}s }
  - { type: disconnect }
`;
}

/** CPU per second of the process tree between two moments of its timeline. */
function cpuPerSec(run: HarnessRun, fromMs: number, toMs: number): number {
  const at = (ms: number) => run.timeline.filter((s) => s.atMs <= ms).at(-1);
  const from = at(fromMs);
  const to = at(toMs);
  if (from === undefined || to === undefined || to.atMs <= from.atMs) return Number.NaN;
  return ((to.cpuSec - from.cpuSec) * 1000) / (to.atMs - from.atMs);
}

async function harness(plan: Plan, ports: number[], caFile: string | undefined): Promise<Cost> {
  const run = await runHarness(scenario(plan, ports, freshAddresses(), caFile), {
    sampleAfter: 1,
    settleMs: SETTLE_MS,
    args: plan.processes > 1 ? ['--processes', String(plan.processes)] : [],
  });
  const [start, held, end] = run.atStage;
  const hold = run.result.stages[1];
  if (start === undefined || held === undefined || end === undefined || hold === undefined || run.settled === undefined)
    throw new Error('the harness run gave no samples');
  const holdStartMs = Date.parse(hold.startedAt);
  const connected = run.result.total.counters['connected'] ?? 0;
  // The connects are paced evenly over their planned span, so its last (1 − LATE_FROM) holds that
  // share of them. The window ends with the last planned connect, as the floor's ends with its last
  // CONNACK: the stage's own end (its last snapshot, the barrier) is not a connect's cost.
  const connectStartMs = Date.parse(run.result.stages[0]?.startedAt ?? hold.startedAt);
  const plannedEndMs = plan.ratePerSec === null ? holdStartMs : Math.min(holdStartMs, connectStartMs + (plan.count * 1000) / plan.ratePerSec);
  const lateFromMs = connectStartMs + LATE_FROM * (plannedEndMs - connectStartMs);
  const lateConnects = connected - Math.floor(connected * LATE_FROM);
  return {
    connected,
    connectCpuSec: held.cpuSec - start.cpuSec,
    lateCpuUsPerConnect: (cpuPerSec(run, lateFromMs, plannedEndMs) * ((plannedEndMs - lateFromMs) / 1000) * 1e6) / lateConnects,
    startRssBytes: start.rssBytes,
    heldRssBytes: run.settled.rssBytes,
    idleCpuSecPerSec: cpuPerSec(run, holdStartMs + IDLE_SKIP_MS, holdStartMs + hold.durationMs),
  };
}

async function floor(plan: Plan, ports: number[], caPem: string | undefined): Promise<Cost> {
  if (plan.tls) {
    const job = {
      port: ports[0] as number,
      count: plan.count,
      caPem: caPem as string,
      contextPerConnection: false,
      ratePerSec: plan.ratePerSec,
      settleMs: SETTLE_MS,
    };
    const r = await tlsFloorProcess(job);
    // The TLS floor reports its growth per connection: RSS from 0 to that growth.
    return {
      connected: r.connected,
      connectCpuSec: (r.cpuUsPerConnect * plan.count) / 1e6,
      startRssBytes: 0,
      heldRssBytes: r.rssPerConnectionBytes * r.connected,
    };
  }
  const source = freshAddresses();
  const per = Math.ceil(plan.count / plan.processes);
  const settleMs = plan.holdS * 1000;
  // An idle hold's CPU is read over the same window as the harness's: its last (hold − IDLE_SKIP_MS).
  const skipMs = settleMs > IDLE_SKIP_MS ? IDLE_SKIP_MS : 0;
  const results = await Promise.all(
    Array.from({ length: plan.processes }, (_, p) =>
      floorProcess({
        ports,
        first: p * per,
        count: Math.min(per, plan.count - p * per),
        localAddresses: source,
        settleMs,
        holdSkipMs: skipMs,
        ...(plan.ratePerSec === null ? {} : { ratePerSec: plan.ratePerSec / plan.processes }),
      }),
    ),
  );
  const sum = (pick: (r: (typeof results)[number]) => number): number => results.reduce((n, r) => n + pick(r), 0);
  const lateCount = (r: (typeof results)[number]): number => r.connected + r.failed - Math.floor((r.connected + r.failed) * LATE_FROM);
  return {
    connected: sum((r) => r.connected),
    connectCpuSec: sum((r) => r.cpuUsPerConnect * (r.connected + r.failed)) / 1e6,
    lateCpuUsPerConnect: sum((r) => r.lateCpuUsPerConnect * lateCount(r)) / sum(lateCount),
    startRssBytes: sum((r) => r.baselineRssBytes),
    heldRssBytes: sum((r) => r.heldRssBytes),
    idleCpuSecPerSec: sum((r) => r.holdCpuUs) / 1e6 / ((settleMs - skipMs) / 1000),
  };
}

/** Runs `measure` on fresh mosquittos (plain or TLS), stopping them after. */
async function onBrokers<T>(count: number, tls: { certPem: string; keyPem: string } | undefined, measure: (ports: number[]) => Promise<T>): Promise<T> {
  const brokers: MosquittoProcess[] = [];
  try {
    for (let i = 0; i < count; i++) brokers.push(await startMosquitto('/usr/sbin/mosquitto', tls));
    return await measure(brokers.map((b) => b.port));
  } finally {
    for (const broker of brokers) await broker.stop();
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

interface Row {
  measure: string;
  unit: string;
  harness: number[];
  floor: number[];
}

/** `ratio` false: a floor near zero (idle), whose ratio says nothing. */
function row(r: Row, digits = 0, ratio = true): string {
  const ratios = r.harness.map((h, i) => h / (r.floor[i] as number));
  const range = ratios.length > 1 ? ` (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` : '';
  const fmt = (v: number[]): string => `${median(v).toFixed(digits)} ${r.unit}`;
  const shown = ratio && r.floor.every((f) => f > 0) ? `**${median(ratios).toFixed(2)}×**${range}` : '—';
  return `| ${r.measure} | ${fmt(r.harness)} | ${fmt(r.floor)} | ${shown} |\n`;
}

interface Certs {
  caPem: string;
  caFile: string;
  server: { certPem: string; keyPem: string };
}

/** Big and small runs of harness and floor, alternating, for `ROUNDS` rounds. */
async function marginal(plan: Plan, certs: Certs | undefined): Promise<{ cpuUs: Row; rssBytes: Row; lateCpuUs: Row }> {
  const small = { ...plan, count: Math.round(plan.count / 10) };
  const cpuUs: Row = { measure: '', unit: 'µs', harness: [], floor: [] };
  const lateCpuUs: Row = { measure: '', unit: 'µs', harness: [], floor: [] };
  const rssBytes: Row = { measure: '', unit: 'KiB', harness: [], floor: [] };
  const tls = certs?.server;
  for (let r = 0; r < ROUNDS; r++) {
    const hBig = await onBrokers(plan.brokers, tls, (ports) => harness(plan, ports, certs?.caFile));
    const fBig = await onBrokers(plan.brokers, tls, (ports) => floor(plan, ports, certs?.caPem));
    const hSmall = await onBrokers(plan.brokers, tls, (ports) => harness(small, ports, certs?.caFile));
    const fSmall = await onBrokers(plan.brokers, tls, (ports) => floor(small, ports, certs?.caPem));
    for (const [row, big, little] of [
      [cpuUs.harness, hBig, hSmall],
      [cpuUs.floor, fBig, fSmall],
    ] as const)
      row.push(((big.connectCpuSec - little.connectCpuSec) * 1e6) / (big.connected - little.connected));
    lateCpuUs.harness.push(hBig.lateCpuUsPerConnect ?? Number.NaN);
    lateCpuUs.floor.push(fBig.lateCpuUsPerConnect ?? Number.NaN);
    for (const [row, big, little] of [
      [rssBytes.harness, hBig, hSmall],
      [rssBytes.floor, fBig, fSmall],
    ] as const)
      row.push((big.heldRssBytes - big.startRssBytes - (little.heldRssBytes - little.startRssBytes)) / 1024 / (big.connected - little.connected));
    process.stderr.write(
      `bench:floor ${plan.count}${plan.tls ? ' TLS' : ''} × ${plan.processes}, round ${r + 1}: harness ${cpuUs.harness.at(-1)?.toFixed(0)} µs, floor ${cpuUs.floor.at(-1)?.toFixed(0)} µs per connect\n`,
    );
  }
  return { cpuUs, rssBytes, lateCpuUs };
}

async function idle(plan: Plan): Promise<Row> {
  const perMinute: Row = { measure: '', unit: 'CPU s', harness: [], floor: [] };
  const per20k = (cost: Cost): number => ((cost.idleCpuSecPerSec ?? Number.NaN) * 60 * 20_000) / cost.connected;
  for (let r = 0; r < ROUNDS; r++) {
    perMinute.harness.push(per20k(await onBrokers(plan.brokers, undefined, (ports) => harness(plan, ports, undefined))));
    perMinute.floor.push(per20k(await onBrokers(plan.brokers, undefined, (ports) => floor(plan, ports, undefined))));
  }
  return perMinute;
}

const say = (line: string): void => void process.stdout.write(line);
const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-floor-'));
try {
  say(`## bench:floor: the harness beside its floor, marginal (a run minus a run of a tenth), medians of ${ROUNDS} rounds\n\n`);
  say(
    `${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, load average ${load()} at the start\n\n`,
  );
  say('| measure (same plan for both) | harness | floor | harness ÷ floor (range over rounds) |\n|---|---:|---:|---:|\n');
  const base = { processes: 1, brokers: 1, tls: false, holdS: Math.ceil(SETTLE_MS / 1000) + 1 };
  if (PARTS.has('cpu1')) {
    const n = scaled(15_000);
    const { cpuUs, rssBytes, lateCpuUs } = await marginal({ ...base, count: n, ratePerSec: 1000 }, undefined);
    say(row({ ...cpuUs, measure: `CPU per connect, ${n} in one process at 1,000/s` }));
    say(row({ ...lateCpuUs, measure: `  the same, steady state: the big runs' connects from the ${LATE_FROM * 100}% mark on` }));
    say(row({ ...rssBytes, measure: `RSS per held connection (same runs)` }, 1));
  }
  if (PARTS.has('cpu3')) {
    const n = scaled(15_000);
    const { cpuUs, lateCpuUs } = await marginal({ ...base, count: n, ratePerSec: 1000, processes: 3 }, undefined);
    say(row({ ...cpuUs, measure: `CPU per connect, ${n} over --processes 3 at 1,000/s (floor: 3 processes)` }));
    say(row({ ...lateCpuUs, measure: `  the same, steady state: the big runs' connects from the ${LATE_FROM * 100}% mark on` }));
  }
  if (PARTS.has('tls')) {
    const certs = await ensureLocalCertificates(join(dir, 'certs'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, certs.caPem);
    const n = scaled(5_000);
    const { cpuUs, rssBytes } = await marginal({ ...base, count: n, ratePerSec: 500, tls: true }, { caPem: certs.caPem, caFile, server: certs });
    say(row({ ...cpuUs, measure: `CPU per TLS connect, ${n} at 500/s (floor: one shared SecureContext)` }));
    say(row({ ...rssBytes, measure: `RSS per TLS connection (same runs)` }, 1));
  }
  if (PARTS.has('idle')) {
    const n = scaled(20_000);
    const perMinute = await idle({ count: n, ratePerSec: null, processes: 2, brokers: 2, tls: false, holdS: HOLD_S });
    say(
      row(
        { ...perMinute, measure: `idle CPU per 20,000 held devices per minute (${n} over 2 processes, ${HOLD_S - IDLE_SKIP_MS / 1000} s of a hold)` },
        2,
        false,
      ),
    );
    say(`\nIdle, harness: ${((median(perMinute.harness) / 60) * 100).toFixed(2)}% of one core per 20,000 held devices (goal ≤ 2%).\n`);
  }
  say(`\nload average ${load()} at the end, ${new Date().toISOString()}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
