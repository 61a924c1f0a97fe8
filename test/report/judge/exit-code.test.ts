import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runExitCode } from '../../../src/report/judge/exit-code.js';
import type { GeneratorSection, RunResult, StageRecord, ThresholdOutcome } from '../../../src/report/model/run-result.js';

const outcome = (passed: boolean): ThresholdOutcome => ({
  expression: 'x.count<1',
  source: 'cli',
  metric: 'x',
  group: null,
  aggregate: { kind: 'count' },
  op: '<',
  limit: 1,
  abortOnFail: false,
  passed,
  actual: 0,
});
const generator = (saturated: boolean): GeneratorSection => ({
  saturated,
  reasons: saturated ? ["worker 0 was busy 99% of the stages' time"] : [],
  workers: [],
  process: { cpuUserMs: 0, cpuSystemMs: 0, baselineRssBytes: 0, peakRssBytes: 0, peakConnected: 0, rssPerConnectionBytes: null },
});
const emptySection = { counters: {}, connectFailures: {}, errors: {}, histograms: {} };
const stage = (behindPlan: boolean): StageRecord => ({
  index: 0,
  type: 'connect',
  startedAt: '2026-12-02T00:00:00.000Z',
  endedAt: '2026-12-02T00:00:10.000Z',
  durationMs: 10_000,
  total: emptySection,
  groups: {},
  pace: {
    planned: { actions: 100, durationMs: 1000, ratePerSec: 100 },
    achieved: { actions: 100, durationMs: 10_000, ratePerSec: behindPlan ? 10 : 100 },
    lastActionLateMs: behindPlan ? 9000 : 0,
    achievedRatio: behindPlan ? 0.1 : 1,
    behindPlan,
  },
});

describe('the exit code of a run', () => {
  // status, signalled, thresholds passed, generator saturated, a stage behind plan → code
  const cases: [RunResult['status'], boolean, boolean[], boolean, boolean, number][] = [
    ['complete', false, [], false, false, 0],
    ['complete', false, [true, true], false, false, 0],
    ['complete', false, [true, false], false, false, 99],
    ['interrupted', false, [false], false, false, 99],
    ['interrupted', true, [false], false, false, 130],
    ['interrupted', true, [], false, false, 130],
    ['failed', false, [false], false, false, 4],
    ['failed', true, [], false, false, 4],
    ['complete', false, [], true, false, 6],
    ['complete', false, [], false, true, 6],
    ['complete', false, [false], true, true, 6],
    ['interrupted', true, [], true, false, 130],
    ['failed', false, [], true, true, 4],
  ];
  for (const [status, signalled, passed, saturated, behind, code] of cases) {
    const name = `${status}${signalled ? ', signalled' : ''}, thresholds [${passed.join(', ')}]${saturated ? ', saturated' : ''}${behind ? ', behind plan' : ''} → ${code}`;
    it(name, () => {
      assert.equal(runExitCode({ status, thresholds: passed.map(outcome), generator: generator(saturated), stages: [stage(behind)] }, signalled), code);
    });
  }
});
