import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workersPerShard } from '../../src/coordinator/processes.js';
import { assignDevices, parseShard } from '../../src/coordinator/shards.js';
import { shardFrom, startAtFrom } from '../../src/cli/shard-args.js';
import { parseScenario } from '../../src/scenario/load.js';

const { plan } = parseScenario(
  `workers: 2
groups:
  - { name: a, count: 7, idPattern: "a-{index}" }
  - { name: b, count: 5, idPattern: "b-{index}", alg: RS256 }
stages:
  - type: connect
`,
  's.yaml',
);
const none = plan.groups.map(() => ({ keyFor: () => undefined, warnings: [] }));

describe('shards', () => {
  it('slices every group disjointly; the slices together are exactly the whole', () => {
    const whole = assignDevices(plan, none)
      .flat()
      .map((d) => d.deviceId)
      .sort();
    assert.equal(whole.length, 12);
    const slices = [0, 1, 2].map((index) =>
      assignDevices(plan, none, { index, count: 3 })
        .flat()
        .map((d) => d.deviceId),
    );
    assert.deepEqual(slices.flat().sort(), whole);
    assert.equal(new Set(slices.flat()).size, 12);
    assert.deepEqual(
      slices.map((s) => s.length),
      [4, 4, 4],
    );
  });

  it('spreads a shard evenly over its workers, keeping global positions', () => {
    const workers = assignDevices(plan, none, { index: 1, count: 3 });
    assert.deepEqual(
      workers.map((w) => w.map((d) => d.globalIndex)),
      [
        [1, 7],
        [4, 10],
      ],
    );
  });

  it('parses i/N, and the Indexed Job variables', () => {
    assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
    assert.equal(parseShard('3/3'), undefined);
    assert.equal(parseShard('a/b'), undefined);
    assert.deepEqual(shardFrom(undefined, { JOB_COMPLETION_INDEX: '4', MQTT_JWT_BENCH_SHARDS: '8' }), { index: 4, count: 8 });
    assert.equal(shardFrom(undefined, {}), undefined);
    assert.throws(() => shardFrom('5/2', {}), { code: 'ERR_CONFIG', message: /--shard: expected i\/N/ });
    assert.throws(() => shardFrom(undefined, { JOB_COMPLETION_INDEX: '1' }), { message: /MQTT_JWT_BENCH_SHARDS is not set, but JOB_COMPLETION_INDEX is/ });
  });

  it('reads --start-at as an ISO time or an offset from now', () => {
    assert.equal(startAtFrom('+30s', 1000), 31_000);
    assert.equal(startAtFrom('2026-11-28T10:00:00Z', 0), Date.parse('2026-11-28T10:00:00Z'));
    assert.equal(startAtFrom(undefined, 0), undefined);
    assert.throws(() => startAtFrom('soon', 0), { code: 'ERR_CONFIG', message: /--start-at: expected an ISO time/ });
  });
});

describe('workers per shard of run --processes, when the scenario leaves workers out', () => {
  it('shares the cores among the shards, at least one worker each', () => {
    assert.equal(workersPerShard(2, 6), 1, '100,000 devices on this machine: six event loops, not twelve');
    assert.equal(workersPerShard(2, 2), 1);
    assert.equal(workersPerShard(2, 1), 2);
    assert.equal(workersPerShard(8, 3), 2);
    assert.equal(workersPerShard(16, 2), 8);
  });
});
