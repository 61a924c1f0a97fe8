import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capacityVerdict, judgeStep } from '../../../src/report/judge/capacity.js';
import { renderRunHtml } from '../../../src/report/render/html.js';
import { mergeResults } from '../../../src/report/merge/merge.js';
import { parseRunResult } from '../../../src/report/model/read.js';
import type { CapacityStep, RunResult } from '../../../src/report/model/run-result.js';
import { parseThreshold } from '../../../src/scenario/threshold.js';
import { fixtureResult, PLAN } from '../fixture.js';

const step = (ratePerSec: number, held: boolean): CapacityStep => ({
  stageIndex: 0,
  ratePerSec,
  devices: 10,
  held,
  outcomes: [
    {
      expression: 'connect.p(99)<250ms',
      source: 'scenario',
      metric: 'connectUs',
      group: null,
      aggregate: { kind: 'percentile', percentile: 99 },
      op: '<',
      limit: 250_000,
      abortOnFail: false,
      passed: held,
      actual: held ? 1000 : 300_000,
    },
  ],
});

/** The fixture run with a capacity search: its one connect stage (20/s) judged by `threshold`. */
function withCapacity(threshold: string): RunResult {
  const result = fixtureResult({ seed: 3 });
  const plan = { ...PLAN, capacity: { thresholds: [parseThreshold(threshold, { abortOnFail: false, source: 'scenario' })], stopAtBreak: true } };
  const judged = judgeStep(plan, result.stages[0]!);
  assert.ok(judged !== undefined);
  return { ...result, scenario: { ...result.scenario, plan }, capacity: capacityVerdict([judged]) };
}

describe('capacity verdict', () => {
  it('names the last rate that held and the first that broke', () => {
    const v = capacityVerdict([step(50, true), step(100, true), step(200, false)]);
    assert.equal(v.lastHeldPerSec, 100);
    assert.equal(v.firstBrokenPerSec, 200);
    assert.equal(v.verdict, 'held up to 100/s; broke at 200/s (connect.p(99)<250ms)');
  });

  it('says when every step held, when the first broke, and when none ran', () => {
    assert.equal(capacityVerdict([step(50, true), step(100, true)]).verdict, 'held at every step, up to 100/s: the limit is above the highest step');
    const first = capacityVerdict([step(50, false), step(100, true)]);
    assert.deepEqual([first.lastHeldPerSec, first.firstBrokenPerSec], [null, 50]);
    assert.equal(first.verdict, 'broke at 50/s (connect.p(99)<250ms); no step held: the limit is below the first step');
    assert.equal(capacityVerdict([]).verdict, 'no capacity step ran');
  });

  it('judges a connect stage on its own section, and only connect stages with a rate', () => {
    assert.equal(withCapacity('connected.count<=60').capacity?.steps[0]?.held, true);
    const broke = withCapacity('connected.count<60');
    assert.deepEqual([broke.capacity?.lastHeldPerSec, broke.capacity?.firstBrokenPerSec], [null, 20]);
    const publishRecord = { ...fixtureResult({ seed: 3 }).stages[0]!, index: 1 };
    assert.equal(judgeStep({ ...PLAN, capacity: { thresholds: [], stopAtBreak: true } }, publishRecord), undefined);
  });

  it('is valid in a RunResult, rendered in HTML, and judged again by merge', () => {
    const result = withCapacity('connected.count<=60');
    assert.equal(parseRunResult(JSON.stringify(result), 'x.json').capacity?.verdict, result.capacity?.verdict);
    assert.match(renderRunHtml(result), /<h2>Capacity<\/h2>\n<p class="sub">held at every step, up to 20\/s/);
    const a = { ...result, shard: { index: 0, count: 2 } };
    const b = { ...withCapacity('connected.count<=60'), shard: { index: 1, count: 2 } };
    const merged = mergeResults([
      { file: 'a.json', result: a },
      { file: 'b.json', result: b },
    ]);
    // Two shards of 60 connects each: 120 in the merged step, which breaks the same threshold.
    assert.equal(merged.capacity?.steps[0]?.devices, 120);
    assert.equal(merged.capacity?.steps[0]?.held, false);
  });
});
