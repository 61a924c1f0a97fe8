import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spreadLoad, spreadOf } from '../../src/coordinator/address-pairs.js';
import type { MachineFacts } from '../../src/coordinator/machine-facts.js';
import { planFit } from '../../src/coordinator/plan-fit.js';
import { preflight } from '../../src/coordinator/preflight.js';
import { assignDevices } from '../../src/coordinator/shards.js';
import { withSpread } from '../../src/coordinator/target-spread.js';
import { parseScenario } from '../../src/scenario/load.js';
import { deviceEndpoint } from '../../src/worker/endpoint.js';
import { runCli } from '../e2e/cli.js';

const facts: MachineFacts = {
  openFilesSoft: 20_000,
  openFilesHard: 20_000,
  ephemeralPorts: 28_232,
  freeMemoryBytes: 16 * 2 ** 30,
  totalMemoryBytes: 24 * 2 ** 30,
};
const oneSource = (connections: number): Parameters<typeof preflight>[0]['machine'] => ({
  connections,
  pairs: [{ source: 'default', broker: '127.0.0.1:1883', connections }],
  sources: [{ source: 'default', connections }],
  bound: false,
  slotsPerPair: 0,
});

function planOf(devices: number, ports: number, addresses: number): ReturnType<typeof parseScenario>['plan'] {
  const broker = `[${Array.from({ length: ports }, (_, i) => `mqtt://127.0.0.1:${1883 + i}`).join(', ')}]`;
  const source = addresses === 0 ? '' : `localAddress: 127.0.0.2-127.0.0.${1 + addresses}\n`;
  return parseScenario(
    `broker: ${broker}\n${source}workers: 2\ngroups:\n  - { name: g, count: ${devices}, keys: { mode: pool, size: 1 } }\nstages:\n  - type: connect\n`,
    't.yaml',
  ).plan;
}

describe('preflight', () => {
  it('lets a plan that fits through, with its numbers', () => {
    const outcome = preflight({ connections: 5000, embeddedBroker: false, machine: oneSource(5000), facts });
    assert.deepEqual(outcome.problems, []);
    assert.match(outcome.notes[0]!, /^5000 connections: about 5200 open files of 20000/);
  });

  it('refuses more descriptors than the process may open, and says what to change', () => {
    const external = preflight({ connections: 30_000, embeddedBroker: false, machine: { ...oneSource(30_000), bound: true, sources: [] }, facts });
    assert.equal(external.problems.length, 1);
    assert.match(external.problems[0]!, /30000 connections need 30200 open files, but this process may open 20000 \(hard limit 20000\): use run --processes 2/);
    const embedded = preflight({ connections: 12_000, embeddedBroker: true, machine: oneSource(12_000), facts });
    assert.match(embedded.problems[0]!, /24200 open files \(two per connection with the embedded broker in this process\).*point at an external broker/);
  });

  it('refuses more connections to one broker address than the port search at connect() holds', () => {
    const outcome = preflight({ connections: 19_000, embeddedBroker: false, machine: oneSource(19_000), facts });
    assert.equal(outcome.problems.length, 1);
    assert.match(
      outcome.problems[0]!,
      /19000 connections from the one source address the kernel picks to broker address 127\.0\.0\.1:1883 .*past about 14116 per broker address.*over 2 or more broker addresses/,
    );
  });

  it('lets bound sockets through when the harness picks their ports, and counts the bind() search when it cannot', () => {
    const bound = (slotsPerPair: number): Parameters<typeof preflight>[0]['machine'] => ({
      connections: 12_000,
      pairs: [{ source: '127.0.0.2', broker: '127.0.0.1:1883', connections: 12_000 }],
      sources: [{ source: '127.0.0.2', connections: 12_000 }],
      bound: true,
      slotsPerPair,
    });
    assert.deepEqual(preflight({ connections: 12_000, embeddedBroker: false, machine: bound(12_000), facts }).problems, []);
    const small = preflight({ connections: 12_000, embeddedBroker: false, machine: bound(12_000), facts: { ...facts, ephemeralPorts: 10_000 } });
    assert.match(
      small.problems[0]!,
      /12000 connections from source address 127\.0\.0\.2 .*needs 12000 ports, more than the 10000 .*past about 2500 per source address.*over 2 or more \(source address, broker address\) pairs/,
    );
  });

  it('refuses a plan that needs more memory than is free', () => {
    const outcome = preflight({ connections: 10_000, embeddedBroker: false, machine: oneSource(10_000), facts: { ...facts, freeMemoryBytes: 100 * 2 ** 20 } });
    assert.match(outcome.problems[0]!, /10000 connections need about 190 MiB, and 100 MiB are free/);
  });

  it('stops an impossible run before its first connection, exit 2', async () => {
    const cli = await runCli([
      'run',
      'scenarios/quickstart.yaml',
      '--set',
      'groups.0.count=30000',
      '--set',
      'groups.0.keys.store=/nonexistent/never-written.json',
      '--quiet',
    ]);
    assert.equal(cli.code, 2, cli.stderr);
    assert.match(cli.stderr, /^error: preflight: 30000 connections need 60200 open files/);
    assert.equal(cli.stdout, '');
  });
});

describe('address pairs: counted where the devices really go', () => {
  // devices, broker ports, source addresses, layout → the busiest source address, the busiest pair,
  // the busiest process's connections, and what preflight says.
  const table: {
    devices: number;
    ports: number;
    addresses: number;
    processes?: number;
    shard?: [number, number];
    busiestSource: number;
    busiestPair: number;
    pairs: number;
    perProcess: number;
    problem?: RegExp;
  }[] = [
    { devices: 15_000, ports: 1, addresses: 4, busiestSource: 3750, busiestPair: 3750, pairs: 4, perProcess: 15_000 },
    {
      devices: 15_000,
      ports: 1,
      addresses: 0,
      busiestSource: 15_000,
      busiestPair: 15_000,
      pairs: 1,
      perProcess: 15_000,
      problem: /15000 connections from the one source address the kernel picks to broker address 127\.0\.0\.1:1883.*over 2 or more broker addresses/,
    },
    // Without a bind the port only has to make the 4-tuple unique: three broker ports carry 5,000 each.
    { devices: 15_000, ports: 3, addresses: 0, busiestSource: 15_000, busiestPair: 5000, pairs: 3, perProcess: 15_000 },
    // Bound, with the ports picked by the harness: 7,500 from one source address, no search.
    { devices: 15_000, ports: 1, addresses: 2, busiestSource: 7500, busiestPair: 7500, pairs: 2, perProcess: 15_000 },
    { devices: 12, ports: 3, addresses: 2, busiestSource: 6, busiestPair: 2, pairs: 6, perProcess: 12 },
    // Shard 0 of 2 holds the even devices: with 2 broker URLs they all go to the first one.
    { devices: 12, ports: 2, addresses: 2, shard: [0, 2], busiestSource: 3, busiestPair: 3, pairs: 2, perProcess: 6 },
    { devices: 13, ports: 2, addresses: 3, shard: [1, 3], busiestSource: 2, busiestPair: 2, pairs: 2, perProcess: 4 },
    {
      devices: 40_000,
      ports: 2,
      addresses: 8,
      processes: 2,
      busiestSource: 5000,
      busiestPair: 2500,
      pairs: 16,
      perProcess: 20_000,
      problem: /20000 connections need 20200 open files.*run --processes 3/,
    },
    { devices: 40_000, ports: 2, addresses: 8, processes: 3, busiestSource: 5000, busiestPair: 2500, pairs: 16, perProcess: 13_334 },
    { devices: 100_000, ports: 5, addresses: 20, processes: 6, busiestSource: 5000, busiestPair: 1000, pairs: 100, perProcess: 16_667 },
    // The issue-15 kernel-time bench: 50,000 in 4 processes to 5 mosquittos, with and without source addresses.
    { devices: 50_000, ports: 5, addresses: 4, processes: 4, busiestSource: 12_500, busiestPair: 2500, pairs: 20, perProcess: 12_500 },
    { devices: 50_000, ports: 5, addresses: 0, processes: 4, busiestSource: 50_000, busiestPair: 10_000, pairs: 5, perProcess: 12_500 },
    {
      devices: 50_000,
      ports: 3,
      addresses: 0,
      processes: 4,
      busiestSource: 50_000,
      busiestPair: 16_667,
      pairs: 3,
      perProcess: 12_500,
      problem: /16667 connections from the one source address the kernel picks .*over 4 or more broker addresses/,
    },
  ];
  for (const row of table) {
    const layout = `${row.devices} devices, ${row.ports} broker URL(s), ${row.addresses} source address(es)${row.processes ? `, --processes ${row.processes}` : ''}${row.shard ? `, --shard ${row.shard.join('/')}` : ''}`;
    it(layout, () => {
      const plan = planOf(row.devices, row.ports, row.addresses);
      const shard = row.shard === undefined ? undefined : { index: row.shard[0], count: row.shard[1] };
      const load = spreadLoad(spreadOf(plan), shard);
      assert.equal(load.sources[0]?.connections, row.busiestSource);
      assert.equal(load.pairs[0]?.connections, row.busiestPair);
      assert.equal(load.pairs.length, row.pairs);
      const fit = planFit(plan, { ...(row.processes === undefined ? {} : { processes: row.processes }), ...(shard === undefined ? {} : { shard }) }, facts);
      if (row.problem === undefined) assert.deepEqual(fit.problems, []);
      else
        assert.ok(
          fit.problems.some((p) => row.problem!.test(p)),
          fit.problems.join('\n'),
        );
      if (row.problem === undefined) assert.match(fit.notes[0] ?? '', new RegExp(`^${row.perProcess} connections`));
    });
  }

  it('agrees with where the workers really connect each device (endpoint.ts over shards.ts)', () => {
    for (const [devices, ports, addresses, count] of [
      [97, 3, 4, 1],
      [97, 3, 4, 3],
      [50, 1, 3, 2],
      [64, 4, 0, 4],
      [31, 2, 5, 5],
    ] as const) {
      const plan = planOf(devices, ports, addresses);
      const target = withSpread({ url: plan.broker.kind === 'url' ? (plan.broker.urls[0] as string) : '' }, plan);
      for (let index = 0; index < count; index++) {
        const real = new Map<string, number>();
        for (const device of assignDevices(plan, [{ keyFor: () => undefined, warnings: [] }], { index, count }).flat()) {
          const endpoint = deviceEndpoint(target, device.globalIndex);
          const key = `${endpoint.localAddress ?? 'default'} ${new URL(endpoint.url).host}`;
          real.set(key, (real.get(key) ?? 0) + 1);
        }
        const counted = new Map(spreadLoad(spreadOf(plan), { index, count }).pairs.map((p) => [`${p.source} ${p.broker}`, p.connections]));
        assert.deepEqual(counted, real, `${devices} devices, ${ports} ports, ${addresses} addresses, shard ${index}/${count}`);
      }
    }
  });
});
