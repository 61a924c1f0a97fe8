import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHistogram, encodeHistogram, recordUs, summarizeHistogram } from '../../../src/metrics/histogram.js';
import { mergeGenerators } from '../../../src/report/merge/merge-generator.js';
import type { GeneratorSection, MetricsSection, StageRecord } from '../../../src/report/model/run-result.js';
import { stagePace } from '../../../src/report/judge/stage-pace.js';
import { evaluateThresholds, viewOfResult } from '../../../src/report/judge/thresholds.js';
import { parseScenario } from '../../../src/scenario/load.js';
import { parseThreshold } from '../../../src/scenario/threshold.js';

const { plan } = parseScenario(
  `groups:
  - { name: g, count: 1000, keys: { mode: pool, size: 1 } }
stages:
  - { type: connect, rate: 100/s }
  - { type: publish, rate: 1/s, count: 10 }
  - { type: hold, duration: 5s }
  - { type: disconnect }
`,
  'pace.yaml',
);

function section(actions: number | undefined, lateMs: number[]): MetricsSection {
  const h = createHistogram();
  for (const ms of lateMs) recordUs(h, ms * 1000, 1);
  return {
    counters: actions === undefined ? {} : { actionsFired: actions },
    connectFailures: {},
    errors: {},
    histograms: lateMs.length === 0 ? {} : { lastActionLateUs: { summary: summarizeHistogram(h), encoded: encodeHistogram(h) } },
  };
}

const record = (index: number, durationMs: number, total: MetricsSection): Omit<StageRecord, 'pace'> => ({
  index,
  type: plan.stages[index]!.type,
  startedAt: '2026-12-02T00:00:00.000Z',
  endedAt: '2026-12-02T00:00:10.000Z',
  durationMs,
  total,
  groups: {},
});

describe('planned against achieved', () => {
  it('a connect stage on time: 100% of plan, not behind', () => {
    const pace = stagePace(plan, record(0, 10_100, section(1000, [12, 40])), 1);
    assert.deepEqual(pace.planned, { actions: 1000, durationMs: 10_000, ratePerSec: 100 });
    assert.equal(pace.achieved.actions, 1000);
    assert.equal(pace.lastActionLateMs, 40);
    assert.equal(pace.achievedRatio, 0.996);
    assert.equal(pace.behindPlan, false);
  });

  it('a connect stage whose last action went out 5 s late: 67% of plan, behind', () => {
    const pace = stagePace(plan, record(0, 15_300, section(1000, [5000, 300])), 1);
    assert.equal(pace.lastActionLateMs, 5000, 'the latest worker decides');
    assert.equal(pace.achievedRatio, 0.667);
    assert.equal(pace.achieved.ratePerSec, 66.667);
    assert.equal(pace.behindPlan, true);
  });

  it('late by more than 5% but under a second is not called behind (timer noise); the ratio still shows it', () => {
    const { plan: short } = parseScenario(
      'groups:\n  - { name: g, count: 100, keys: { mode: pool, size: 1 } }\nstages:\n  - { type: connect, rate: 100/s }\n',
      's.yaml',
    );
    const pace = stagePace(short, record(0, 1900, section(100, [800])), 1);
    assert.equal(pace.achievedRatio, 0.556);
    assert.equal(pace.behindPlan, false);
  });

  it("a shard's plan is its share; publish, hold and disconnect stages", () => {
    const publish = stagePace(plan, record(1, 10_000, section(5000, [3])), 0.5);
    assert.deepEqual(publish.planned, { actions: 5000, durationMs: 10_000, ratePerSec: 500 });
    const hold = stagePace(plan, record(2, 5000, section(undefined, [])), 1);
    assert.deepEqual({ ratio: hold.achievedRatio, late: hold.lastActionLateMs, behind: hold.behindPlan }, { ratio: null, late: null, behind: false });
    assert.equal(hold.planned.durationMs, 5000);
    const disconnect = stagePace(plan, record(3, 200, section(1000, [150])), 1);
    assert.equal(disconnect.planned.ratePerSec, null, 'all at once');
    assert.equal(disconnect.achievedRatio, null);
  });

  it('actions never fired count against the ratio (a stage stopped, a shard that failed in it)', () => {
    const pace = stagePace(plan, record(0, 10_000, section(400, [10])), 1);
    assert.equal(pace.achievedRatio, 0.4);
    assert.equal(pace.achieved.actions, 400);
  });

  it('stage.<type|number>.achievedRatio thresholds judge the worst stage named', () => {
    const stages = [0, 1].map((i) => ({
      ...record(i, 10_000, section(i === 0 ? 1000 : 10_000, [i === 0 ? 5000 : 0])),
      pace: stagePace(plan, record(i, 10_000, section(i === 0 ? 1000 : 10_000, [i === 0 ? 5000 : 0])), 1),
    }));
    const view = viewOfResult({ total: section(0, []), groups: {}, durationMs: 20_000, stages });
    const outcomes = evaluateThresholds(
      ['stage.connect.achievedRatio>0.95', 'stage.2.achievedRatio>=95%', 'stage.hold.achievedRatio>0.5', 'stage.9.achievedRatio>0.5'].map((t) =>
        parseThreshold(t),
      ),
      view,
    );
    assert.deepEqual(
      outcomes.map((o) => [o.passed, o.actual]),
      [
        [false, 0.667],
        [true, 1],
        [false, null],
        [false, null],
      ],
    );
    assert.match(outcomes[2]!.note ?? '', /no stage of type hold ran/);
    assert.throws(() => parseThreshold('stage.connect.rate>5'), { message: /unknown stage figure "rate"; expected achievedRatio/ });
    assert.throws(() => parseThreshold('stage.connect.achievedRatio>5ms'), { message: /not a ratio like 0.95 or 95%/ });
  });
});

describe('merged generator sections', () => {
  const g = (saturated: boolean, cpuMs: number, reasons: string[]): GeneratorSection => ({
    saturated,
    reasons,
    workers: [{ index: 0, devices: 10, eventLoopUtilization: 0.5, peakEventLoopUtilization: 0.9 }],
    process: { cpuUserMs: cpuMs, cpuSystemMs: 0, baselineRssBytes: 100, peakRssBytes: 1100, peakConnected: 10, rssPerConnectionBytes: 100 },
  });

  it('saturated if any shard was; reasons name their shard; figures summed; each shard kept', () => {
    const merged = mergeGenerators([
      { shard: 1, generator: g(true, 20, ['worker event loops ran late: p99 45.8 ms > 20 ms']) },
      { shard: 0, generator: g(false, 10, []) },
      { shard: 2, generator: undefined },
    ])!;
    assert.equal(merged.saturated, true);
    assert.deepEqual(merged.reasons, ['shard 1: worker event loops ran late: p99 45.8 ms > 20 ms']);
    assert.equal(merged.process.cpuUserMs, 30);
    assert.equal(merged.process.peakConnected, 20);
    assert.equal(merged.process.rssPerConnectionBytes, 100);
    assert.deepEqual(
      merged.shards?.map((s) => [s.shard, s.saturated]),
      [
        [0, false],
        [1, true],
      ],
    );
    assert.deepEqual(
      merged.workers.map((w) => w.shard),
      [0, 1],
    );
    assert.equal(mergeGenerators([{ shard: 0, generator: undefined }]), undefined);
  });
});
