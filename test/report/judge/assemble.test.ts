import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsTotals } from '../../../src/metrics/snapshot.js';
import { assembleRunResult, type RunFacts } from '../../../src/report/judge/assemble.js';
import { createHistogram, encodeHistogram, recordUs } from '../../../src/metrics/histogram.js';
import { runExitCode } from '../../../src/report/judge/exit-code.js';
import { mergeResults } from '../../../src/report/merge/merge.js';
import { metricsSection, type RunResult } from '../../../src/report/model/run-result.js';
import { formatSummary } from '../../../src/report/render/console.js';
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
    clock: undefined,
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

describe('judgeGenerator: false', () => {
  // A worker busy 99% of the time and a connect stage whose last action went out 5 s late on a
  // 1 s plan (10 devices at 10/s): judged, the run is saturated and behind plan, exit 6.
  const paced = planOf(`
groups:
  - { name: s, count: 10, idPattern: "s-{index}" }
stages:
  - { type: connect, rate: 10/s }
`);
  function lateStage(): RunFacts['stages'][number] {
    const totals = new MetricsTotals();
    const late = createHistogram();
    recordUs(late, 5_000_000);
    totals.add({ counters: { actionsFired: 10 }, histograms: { lastActionLateUs: encodeHistogram(late) } });
    const section = metricsSection(totals);
    return {
      index: 0,
      type: 'connect',
      startedAt: '2026-12-02T04:00:00.000Z',
      endedAt: '2026-12-02T04:00:06.000Z',
      durationMs: 6000,
      total: section,
      groups: { s: section },
    };
  }
  const generator: RunFacts['generator'] = {
    workers: [{ index: 0, devices: 10, eventLoopUtilization: 0.99, peakEventLoopUtilization: 1 }],
    process: { cpuUserMs: 900, cpuSystemMs: 100, baselineRssBytes: 1, peakRssBytes: 2, peakConnected: 10, rssPerConnectionBytes: 0 },
  };
  const run = (judgeGenerator: boolean): RunResult => assembleRunResult(facts({ plan: { ...paced, judgeGenerator }, stages: [lateStage()], generator }));

  it('judged (the default), the same figures are saturated and behind plan: exit 6', () => {
    const judged = run(true);
    assert.equal(judged.generator?.saturated, true);
    assert.deepEqual(judged.generator?.reasons, ["worker 0 was busy 99% of the stages' time"]);
    assert.equal(judged.stages[0]?.pace?.behindPlan, true);
    assert.equal('judged' in (judged.generator ?? {}), false);
    assert.equal(runExitCode(judged, false), 6);
  });

  it('records the figures without a verdict, says so in the summary, and exits 0', () => {
    const result = run(false);
    assert.equal(runResultSchema.safeParse(result).success, true);
    assert.deepEqual(
      {
        saturated: result.generator?.saturated,
        reasons: result.generator?.reasons,
        behindPlan: result.generator?.behindPlan,
        judged: result.generator?.judged,
      },
      { saturated: false, reasons: [], behindPlan: false, judged: false },
    );
    assert.deepEqual(result.generator?.workers, generator?.workers, 'the figures are kept');
    // The pace's figures as judged runs have them: the late max as HdrHistogram keeps it, and
    // all 10 actions over the 1 s plan stretched by that lateness.
    const lateMs = Math.round((lateStage().total.histograms['lastActionLateUs']?.summary.max ?? 0) / 1000);
    const pace = result.stages[0]?.pace;
    assert.deepEqual([pace?.behindPlan, pace?.lastActionLateMs, pace?.achievedRatio], [false, lateMs, Math.round((1000 / (1000 + lateMs)) * 1000) / 1000]);
    assert.equal(runExitCode(result, false), 0);
    const summary = formatSummary(result);
    assert.match(summary, /^GENERATOR NOT JUDGED \(judgeGenerator: false\): .* so this run cannot exit 6\.$/m);
    assert.doesNotMatch(summary, /SATURATED|BEHIND PLAN/);
  });

  it('stays off through merge: the merged report is not judged either', () => {
    const shard = (index: number): RunResult => ({ ...run(false), shard: { index, count: 2 } });
    const merged = mergeResults([
      { file: 'a.json', result: shard(0) },
      { file: 'b.json', result: shard(1) },
    ]);
    assert.equal(merged.generator?.judged, false);
    assert.equal(merged.generator?.saturated, false);
    assert.equal(merged.stages[0]?.pace?.behindPlan, false);
    assert.equal(runExitCode(merged, false), 0);
  });
});
