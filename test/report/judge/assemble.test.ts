import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsTotals } from '../../../src/metrics/snapshot.js';
import { assembleRunResult, type RunFacts } from '../../../src/report/judge/assemble.js';
import { metricsSection } from '../../../src/report/model/run-result.js';
import { runResultSchema } from '../../../src/report/model/run-result-schema.js';
import { parseThreshold } from '../../../src/scenario/threshold.js';
import { planOf } from '../../worker/support/fakes.js';

const PLAN = planOf(`
groups:
  - { name: s, count: 10, idPattern: "s-{index}" }
stages:
  - type: connect
`);

function facts(overrides: Partial<RunFacts> = {}): RunFacts {
  const totals = new MetricsTotals();
  totals.add({ counters: { connected: 10, connectFailed: 2 }, histograms: {} });
  const section = metricsSection(totals);
  return {
    plan: PLAN,
    file: 'unit.yaml',
    status: 'complete',
    statusReason: undefined,
    environment: { harnessVersion: '0.0.0', node: 'v20', platform: 'linux', arch: 'x64', cpuModel: 'cpu', cores: 2, totalMemoryBytes: 1 },
    startedMs: Date.parse('2026-12-02T04:00:00.000Z'),
    endedMs: Date.parse('2026-12-02T04:00:12.500Z'),
    stages: [],
    total: section,
    groups: { s: section },
    timeline: [],
    broker: { url: 'mqtt://127.0.0.1:1883', metrics: undefined },
    generator: undefined,
    shard: undefined,
    startAt: undefined,
    capacitySteps: [],
    thresholds: [],
    abortedBy: undefined,
    runId: 'unit-run',
    notRun: undefined,
    silentSubscribers: [],
    ...overrides,
  };
}

describe('assembleRunResult', () => {
  it('builds a report the schema accepts, with times, broker and no optional sections when none apply', () => {
    const result = assembleRunResult(facts());
    assert.equal(runResultSchema.safeParse(result).success, true);
    assert.equal(result.durationMs, 12_500);
    assert.equal(result.endedAt, '2026-12-02T04:00:12.500Z');
    assert.deepEqual(result.broker, { kind: 'embedded', url: 'mqtt://127.0.0.1:1883' });
    for (const key of ['statusReason', 'shard', 'generator', 'capacity'] as const) assert.equal(key in result, false, key);
  });

  it('judges thresholds on the whole run and marks the one that stopped it', () => {
    const thresholds = [parseThreshold('connectFailed.count<1', { abortOnFail: true }), parseThreshold('connected.count>5')];
    const result = assembleRunResult(facts({ thresholds, abortedBy: 'connectFailed.count<1', status: 'interrupted', statusReason: 'threshold crossed' }));
    assert.deepEqual(
      result.thresholds.map((t) => [t.expression, t.passed, t.actual, t.note]),
      [
        ['connectFailed.count<1', false, 2, 'crossed during the run; stopped it (abortOnFail)'],
        ['connected.count>5', true, 10, undefined],
      ],
    );
    assert.equal(result.statusReason, 'threshold crossed');
  });

  it('says which shard it is, and when a --start-at run began late', () => {
    assert.deepEqual(assembleRunResult(facts({ shard: { index: 1, count: 3 } })).shard, { index: 1, count: 3 });
    assert.equal(assembleRunResult(facts({ shard: { index: 0, count: 1 } })).shard, undefined);
    const startAt = { atMs: Date.parse('2026-12-02T04:00:00.000Z'), firstStageLateMs: 40 };
    assert.deepEqual(assembleRunResult(facts({ startAt })).shard, { index: 0, count: 1, startAt: '2026-12-02T04:00:00.000Z', firstStageLateMs: 40 });
    assert.equal(assembleRunResult(facts({ startAt: { atMs: startAt.atMs, firstStageLateMs: undefined } })).shard?.firstStageLateMs, null);
  });
});
