/**
 * What a token refresh costs the broker and the harness, by re-authentication (AUTH 0x19 on the
 * open connection) against reconnecting: the embedded broker as its own process, the harness as a
 * user runs it, three runs alternating in one sitting per round: no refresh (tokens outlive the
 * run), `reauth`, `reconnect`. The same devices, connects and publishes in each, so CPU above the
 * no-refresh run ÷ refreshes is the cost of one refresh (the marginal method of docs/benchmarks.md).
 * Loopback only; every run bounded by its stages.
 *   node dist/bench/reauth-vs-reconnect.js [--devices 2000] [--hold 60] [--rounds 3]
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fingerprint } from '../src/identity/keys.js';
import { formatRegistry } from '../src/identity/registry-file.js';
import { startBrokerProcess } from './broker-process.js';
import { runHarness } from './harness-process.js';

const { values } = parseArgs({
  options: { devices: { type: 'string', default: '2000' }, hold: { type: 'string', default: '60' }, rounds: { type: 'string', default: '3' } },
});
const DEVICES = Number(values.devices);
const HOLD_SEC = Number(values.hold);
const ROUNDS = Number(values.rounds);
const MODES = ['none', 'reauth', 'reconnect'] as const;
type Mode = (typeof MODES)[number];

function scenario(port: number, keyPath: string, mode: Mode): string {
  const token = mode === 'none' ? '{ lifetime: 20m }' : `{ lifetime: 30s, refreshBefore: 10s, refresh: ${mode} }`;
  return `name: reauth-bench
broker: mqtt://127.0.0.1:${port}
judgeGenerator: false
mqtt: { protocolVersion: 5, auth: method }
groups:
  - name: d
    count: ${DEVICES}
    keys: { mode: shared, privateKey: ${keyPath} }
    token: ${token}
stages:
  - { type: connect, rate: 500/s }
  - { type: subscribe, topic: '/down/device/id/{deviceId}', qos: 1 }
  - { type: publish, rate: 6/min, duration: ${HOLD_SEC}s, qos: 1 }
  - { type: disconnect, rate: 1000/s }
`;
}

interface Figures {
  refreshes: number;
  brokerCpuSec: number;
  harnessCpuSec: number;
  lost: number;
  published: number;
  acked: number;
  resubscribed: number;
  ackP99Us: number;
  bytesPerRefresh: number;
  fallbacks: number;
}

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-reauth-'));
try {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keyPath = join(dir, 'device.pem');
  writeFileSync(keyPath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const publicKey = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const kid = fingerprint(pair.publicKey);
  const ids = Array.from({ length: DEVICES }, (_, i) => `device-${String(i + 1).padStart(5, '0')}`);
  writeFileSync(
    join(dir, 'devices.json'),
    formatRegistry(
      ids.map((deviceId) => ({ deviceId, alg: 'ES256' as const, kid, publicKey })),
      'json',
    ),
  );
  const figures = new Map<Mode, Figures[]>(MODES.map((m) => [m, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so a drift of the shared machine falls on every mode alike.
    const order = round % 2 === 0 ? MODES : [...MODES].reverse();
    for (const mode of order) {
      const broker = await startBrokerProcess(['--registry', join(dir, 'devices.json')]);
      const brokerBefore = broker.cpuSec();
      const run = await runHarness(scenario(broker.port, keyPath, mode));
      const brokerCpuSec = broker.cpuSec() - brokerBefore;
      await broker.stop();
      const c = run.result.total.counters;
      const refreshes = (c['refreshes'] ?? 0) + (c['reauths'] ?? 0);
      figures.get(mode)?.push({
        refreshes,
        brokerCpuSec,
        harnessCpuSec: run.timeline.at(-1)?.cpuSec ?? 0,
        lost: (c['published'] ?? 0) - (c['acked'] ?? 0),
        published: c['published'] ?? 0,
        acked: c['acked'] ?? 0,
        resubscribed: c['resubscribed'] ?? 0,
        ackP99Us: run.result.total.histograms['publishAckUs']?.summary.p99 ?? 0,
        bytesPerRefresh: refreshes > 0 ? (c['refreshBytes'] ?? 0) / refreshes : 0,
        fallbacks: c['reauthFallbacks'] ?? 0,
      });
      process.stderr.write(
        `round ${round + 1} ${mode}: ${refreshes} refreshes, broker ${brokerCpuSec.toFixed(2)} s, harness ${(run.timeline.at(-1)?.cpuSec ?? 0).toFixed(2)} s CPU\n`,
      );
    }
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] ?? 0;
  };
  const base = figures.get('none') ?? [];
  process.stdout.write(
    `## Token refresh: re-authentication against reconnecting (${DEVICES} ES256 devices, 30 s tokens, ${HOLD_SEC} s held, QoS 1 at 6/min each; medians of ${ROUNDS})\n\n`,
  );
  process.stdout.write(
    '| refresh | refreshes | broker CPU per refresh | harness CPU per refresh | MQTT bytes per refresh | publish→ack p99 | published − acked | subscriptions made again | fallbacks |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n',
  );
  for (const mode of MODES) {
    const runs = figures.get(mode) ?? [];
    const per = (pick: (f: Figures) => number): string => {
      if (mode === 'none') return '–';
      const values = runs.map((f, i) => (pick(f) - pick(base[i] as Figures)) / Math.max(1, f.refreshes));
      return `${(median(values) * 1e6).toFixed(0)} µs`;
    };
    process.stdout.write(
      `| ${mode === 'none' ? 'none (tokens outlive the run)' : mode} | ${median(runs.map((f) => f.refreshes))} | ${per((f) => f.brokerCpuSec)} | ${per((f) => f.harnessCpuSec)} | ${mode === 'none' ? '–' : median(runs.map((f) => f.bytesPerRefresh)).toFixed(0)} | ${(median(runs.map((f) => f.ackP99Us)) / 1000).toFixed(2)} ms | ${median(runs.map((f) => f.lost))} | ${median(runs.map((f) => f.resubscribed))} | ${median(runs.map((f) => f.fallbacks))} |\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
