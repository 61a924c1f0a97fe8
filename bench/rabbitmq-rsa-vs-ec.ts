/**
 * RSA against EC on a verifier we did not write: RabbitMQ 3.10 (MQTT plugin, OAuth 2 backend,
 * Erlang's JOSE on OpenSSL). One node from a temporary folder on free loopback ports, its keys
 * exported by the same code as `keys export --format rabbitmq`. Three measurements:
 *   1. connect latency per group, in the paired run (both groups interleaved, as
 *      scenarios/rabbitmq-oauth2.yaml does);
 *   2. the broker's CPU per accepted connect, per algorithm: beam.smp's utime + stime from
 *      /proc before and after runs of one algorithm at a time, alternated (rsa, ec, rsa, ec) so
 *      the machine's drift falls on both, minus the node's idle CPU over the same time;
 *   3. the highest connect rate that holds, per algorithm: a capacity search (connect steps at
 *      rising rates, each judged on connect.p(99) < 250 ms and connect.error_rate < 1%).
 * Each group uses a pool of 25 keys (the scenarios' choice for RSA: an RSA-2048 keygen is a
 * fifth of a second); every device still signs its own token, and RabbitMQ verifies each one.
 * Loopback only; bounded in devices and time. Prints Markdown for docs/rsa-vs-ec.md.
 *
 *   npm run build && node dist/bench/rabbitmq-rsa-vs-ec.js
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateKeystore } from '../src/coordinator/keygen.js';
import { devicesFromKeysDir } from '../src/broker/device-sources.js';
import { importPrivateJwk } from '../src/identity/keys.js';
import { loadKeystore } from '../src/identity/keystore.js';
import { formatRabbitmqAdvancedConfig } from '../src/identity/rabbitmq-config.js';
import { signTokenSync } from '../src/identity/token.js';
import { run, scenarioFromObject } from '../src/index.js';
import type { RunResult } from '../src/report/model/run-result.js';
import type { ScenarioInput } from '../src/scenario/schema.js';
import { RabbitmqNode } from '../test/rabbitmq/node.js';
import { requireRabbitmq } from '../test/rabbitmq/tools.js';
import { procStat } from './proc-stat.js';

const CPU_DEVICES = Number(process.env['BENCH_RMQ_CPU_DEVICES'] ?? 300);
const CPU_RATE = process.env['BENCH_RMQ_CPU_RATE'] ?? '100/s';
const PAIRED_DEVICES = Number(process.env['BENCH_RMQ_PAIRED_DEVICES'] ?? 250);
const STEPS = (process.env['BENCH_RMQ_STEPS'] ?? '50,100,200,400,800').split(',').map(Number);
const STEP_SEC = 2;
const POOL = 25;
const SCOPE = 'rabbitmq.write:*/amq.topic/.up.device.id.{deviceId}';
const ALGS = [
  { group: 'rsa', alg: 'RS256' as const },
  { group: 'ec', alg: 'ES256' as const },
];

type Group = NonNullable<ScenarioInput['groups']>[number];

const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();

function group(name: string, alg: 'RS256' | 'ES256', count: number, idPattern: string, store: string): Group {
  return { name, count, idPattern, alg, keys: { mode: 'pool', size: POOL, store }, token: { audience: 'rabbitmq', claims: { scope: SCOPE } } };
}

function scenario(
  name: string,
  port: number,
  groups: Group[],
  stages: ScenarioInput['stages'],
  extra: Partial<ScenarioInput> = {},
): ScenarioInput & { name: string } {
  return {
    name,
    broker: `mqtt://127.0.0.1:${port}`,
    workers: 2,
    mqtt: { protocolVersion: 4, keepalive: '60s', connectTimeout: '10s', clean: true },
    groups,
    stages,
    ...extra,
  };
}

const p = (result: RunResult, name: string, q: 'p50' | 'p99'): string => ((result.groups[name]?.histograms['connectUs']?.summary[q] ?? NaN) / 1000).toFixed(1);

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-rmq-bench-'));
let node: RabbitmqNode | undefined;
try {
  const stores = Object.fromEntries(ALGS.map(({ group: g }) => [g, join(dir, 'keys', `${g}.json`)]));
  for (const { group: g, alg } of ALGS) {
    await generateKeystore({
      path: stores[g] as string,
      alg,
      rsaBits: 2048,
      deviceIds: Array.from({ length: POOL }, (_, k) => `pool-${String(k + 1).padStart(5, '0')}`),
      workers: 2,
    });
  }
  const advancedConfig = formatRabbitmqAdvancedConfig(await devicesFromKeysDir(join(dir, 'keys'), true));
  node = await RabbitmqNode.start(requireRabbitmq(), { dir: join(dir, 'node'), advancedConfig, statsIntervalMs: 5000 });
  const version = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'rabbitmq-server'], { encoding: 'utf8' });
  process.stdout.write(`# RabbitMQ ${version} (oauth2 backend), node ${node.nodeName}\n\nbefore: ${uptime()}\n\n`);
  await sleep(5000);

  // 0. RabbitMQ's own verify, timed inside its VM: what its oauth2 backend calls on each CONNECT
  // (jose_jwt:verify with the key from signing_keys), 2,000 times on one token per algorithm.
  process.stdout.write(`## Verify inside RabbitMQ's VM (jose_jwt:verify, 2,000 times, one Erlang process)\n\n| alg | µs per verify |\n|---|---:|\n`);
  const verifyUs: Record<string, number> = {};
  for (const { group: g, alg } of ALGS) {
    const store = await loadKeystore(stores[g] as string);
    const [deviceId, entry] = Object.entries(store.devices)[0] as [string, (typeof store.devices)[string]];
    const token = signTokenSync(
      { alg, audienceTemplate: 'rabbitmq', lifetimeSec: 3600, includeKid: true, claims: { scope: SCOPE } },
      deviceId,
      importPrivateJwk(entry.privateKey, g),
      entry.kid,
      Date.now() / 1000,
    );
    const expression = `K = jose_jwk:from_pem(<<"${entry.publicKey.trim()}">>), T = <<"${token}">>, {true, _, _} = jose_jwt:verify(K, T), {Us, _} = timer:tc(fun() -> [jose_jwt:verify(K, T) || _ <- lists:seq(1, 2000)] end), Us / 2000.`;
    verifyUs[g] = Number(node.eval(expression));
    process.stdout.write(`| ${alg} | ${(verifyUs[g] ?? NaN).toFixed(1)} |\n`);
  }
  process.stdout.write(`\nEC ÷ RSA, verify inside RabbitMQ: ${((verifyUs['ec'] ?? NaN) / (verifyUs['rsa'] ?? NaN)).toFixed(2)}\n\n`);

  // Idle CPU of the node, to subtract from each run.
  const idle0 = procStat(node.beamPid).cpuSec;
  const idleStart = performance.now();
  await sleep(5000);
  const idleCpuPerSec = (procStat(node.beamPid).cpuSec - idle0) / ((performance.now() - idleStart) / 1000);

  // 1. Paired, interleaved.
  const paired = await run(
    scenarioFromObject(
      scenario(
        'rmq-paired',
        node.mqttPort,
        [
          group('rsa', 'RS256', PAIRED_DEVICES, 'prsa-{index:05}', stores['rsa'] as string),
          group('ec', 'ES256', PAIRED_DEVICES, 'pec-{index:05}', stores['ec'] as string),
        ],
        [
          { type: 'connect', rate: '100/s', order: 'interleaved' },
          { type: 'publish', rate: '1/s', count: 5, qos: 1, order: 'interleaved' },
          { type: 'disconnect' },
        ],
      ),
      'rmq-paired',
    ),
  );
  process.stdout.write(
    `## Paired run: ${PAIRED_DEVICES} + ${PAIRED_DEVICES} devices interleaved, connect at 100/s, 5 QoS 1 messages each\n\n| group | connected | acked | connect p50 ms | connect p99 ms |\n|---|---:|---:|---:|---:|\n`,
  );
  for (const { group: g } of ALGS)
    process.stdout.write(
      `| ${g} | ${paired.groups[g]?.counters['connected'] ?? 0} | ${paired.groups[g]?.counters['acked'] ?? 0} | ${p(paired, g, 'p50')} | ${p(paired, g, 'p99')} |\n`,
    );

  // 2. CPU per accepted connect, one algorithm at a time, alternated.
  process.stdout.write(
    `\n## Broker CPU per accepted connect (${CPU_DEVICES} connects at ${CPU_RATE}, then disconnect; node idle ${(idleCpuPerSec * 1000).toFixed(1)} ms CPU/s subtracted)\n\n| round | alg | accepted | beam CPU ms | idle share ms | CPU ms per connect | connect p50 ms | connect p99 ms |\n|---:|---|---:|---:|---:|---:|---:|---:|\n`,
  );
  const perConnect: Record<string, number[]> = { rsa: [], ec: [] };
  for (let round = 1; round <= 2; round++) {
    for (const { group: g, alg } of ALGS) {
      await sleep(2000);
      const before = procStat(node.beamPid).cpuSec;
      const startMs = performance.now();
      const result = await run(
        scenarioFromObject(
          scenario(
            `rmq-cpu-${g}`,
            node.mqttPort,
            [group(g, alg, CPU_DEVICES, `c${round}${g}-{index:05}`, stores[g] as string)],
            [{ type: 'connect', rate: CPU_RATE }, { type: 'disconnect' }],
          ),
          `rmq-cpu-${g}`,
        ),
      );
      const cpuMs = (procStat(node.beamPid).cpuSec - before) * 1000;
      const idleMs = idleCpuPerSec * (performance.now() - startMs);
      const accepted = result.groups[g]?.counters['connected'] ?? 0;
      const per = (cpuMs - idleMs) / Math.max(accepted, 1);
      perConnect[g]?.push(per);
      process.stdout.write(
        `| ${round} | ${alg} | ${accepted} | ${cpuMs.toFixed(0)} | ${idleMs.toFixed(0)} | ${per.toFixed(2)} | ${p(result, g, 'p50')} | ${p(result, g, 'p99')} |\n`,
      );
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  process.stdout.write(`\nRSA ÷ EC, broker CPU per accepted connect: ${(mean(perConnect['rsa'] ?? []) / mean(perConnect['ec'] ?? [])).toFixed(2)}\n`);

  // 3. Capacity search per algorithm.
  process.stdout.write(
    `\n## Capacity search (steps of ${STEP_SEC} s at ${STEPS.join(', ')}/s; connect.p(99)<250ms, connect.error_rate<1%)\n\n| alg | verdict | steps (rate: p99 ms, failed) |\n|---|---|---|\n`,
  );
  for (const { group: g, alg } of ALGS) {
    await sleep(3000);
    const groups = STEPS.map((rate) => group(`${g}-${rate}`, alg, rate * STEP_SEC, `k${g}${rate}-{index:05}`, stores[g] as string));
    const stages: ScenarioInput['stages'] = [
      ...STEPS.map((rate) => ({ type: 'connect' as const, groups: [`${g}-${rate}`], rate: `${rate}/s` })),
      { type: 'disconnect' as const, rate: '1000/s' },
    ];
    const result = await run(
      scenarioFromObject(
        scenario(`rmq-capacity-${g}`, node.mqttPort, groups, stages, {
          capacity: { thresholds: ['connect.p(99)<250ms', 'connect.error_rate<1%'], stopAtBreak: true },
        }),
        `rmq-capacity-${g}`,
      ),
    );
    const steps = STEPS.map((rate) => {
      const section = result.groups[`${g}-${rate}`];
      if (section === undefined || (section.counters['connected'] ?? 0) + (section.counters['connectFailed'] ?? 0) === 0) return undefined;
      return `${rate}/s: ${p(result, `${g}-${rate}`, 'p99')}, ${section.counters['connectFailed'] ?? 0}`;
    }).filter((s) => s !== undefined);
    process.stdout.write(`| ${alg} | ${result.capacity?.verdict ?? 'no capacity section'} | ${steps.join('; ')} |\n`);
  }
  process.stdout.write(`\nafter: ${uptime()}\n`);
} finally {
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
}
