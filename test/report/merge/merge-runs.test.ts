/** `merge` joins the shards of one run only, judges thresholds and the default verdict once on the whole. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runExitCode } from '../../../src/report/judge/exit-code.js';
import { mergeResults } from '../../../src/report/merge/merge.js';
import { planDifference } from '../../../src/report/merge/merge-checks.js';
import type { RunResult } from '../../../src/report/model/run-result.js';
import { parseThreshold } from '../../../src/scenario/threshold.js';
import { fixtureResult } from '../fixture.js';

function shard(index: number, count: number, runId = 'run-a', published?: number): RunResult {
  const r: RunResult = { ...fixtureResult({ seed: index + 1 }), runId, shard: { index, count } };
  // The fixture plan: 60 devices × 10 messages; each shard sends its share unless told otherwise.
  r.total = { ...r.total, counters: { ...r.total.counters, published: published ?? 600 / count } };
  return r;
}

describe('merge: one run, one plan', () => {
  it('refuses shards of different runs, naming the files', () => {
    assert.throws(
      () =>
        mergeResults([
          { file: 'a/s0.json', result: shard(0, 2, 'run-a') },
          { file: 'b/s1.json', result: shard(1, 2, 'run-b') },
        ]),
      {
        code: 'ERR_CONFIG',
        message: 'merge: b/s1.json is of run run-b, but a/s0.json is of run run-a; only the shards of one run merge',
      },
    );
    const old: RunResult = shard(1, 2);
    delete old.runId;
    assert.throws(
      () =>
        mergeResults([
          { file: 's0.json', result: shard(0, 2) },
          { file: 'old.json', result: old },
        ]),
      { code: 'ERR_CONFIG', message: /old\.json is of no run id/ },
    );
  });

  it('refuses shards of different plans, saying where they differ', () => {
    const a = shard(0, 2);
    const b = shard(1, 2);
    b.scenario = {
      ...b.scenario,
      plan: { ...b.scenario.plan, stages: b.scenario.plan.stages.map((s) => (s.type === 'publish' ? { ...s, countPerDevice: 20 } : s)) },
    };
    assert.throws(
      () =>
        mergeResults([
          { file: 's0.json', result: a },
          { file: 's1.json', result: b },
        ]),
      {
        code: 'ERR_CONFIG',
        message: 'merge: s1.json ran a different plan from s0.json (stages[1].countPerDevice: 10 vs 20); only shards of one plan merge',
      },
    );
    // Machines of one run may differ in cores: workers is not the plan's work.
    assert.equal(planDifference({ workers: 2, x: [1] }, { workers: 8, x: [1] }), undefined);
  });

  it('refuses duplicates, other shard counts and merged reports', () => {
    assert.throws(
      () =>
        mergeResults([
          { file: 's0.json', result: shard(0, 2) },
          { file: 's0.json', result: shard(0, 2) },
        ]),
      { message: 'merge: s0.json is given twice' },
    );
    assert.throws(
      () =>
        mergeResults([
          { file: 'x.json', result: shard(1, 2) },
          { file: 'y.json', result: shard(1, 2) },
        ]),
      { message: 'merge: shard 1 is given twice (x.json, y.json)' },
    );
    assert.throws(
      () =>
        mergeResults([
          { file: 's0.json', result: shard(0, 2) },
          { file: 's1.json', result: shard(1, 3) },
        ]),
      { message: 'merge: s1.json is a shard of 3, but s0.json is a shard of 2' },
    );
    const merged = mergeResults([
      { file: 's0.json', result: shard(0, 2) },
      { file: 's1.json', result: shard(1, 2) },
    ]);
    assert.equal(merged.runId, 'run-a');
    assert.throws(
      () =>
        mergeResults([
          { file: 'merged.json', result: merged },
          { file: 's1.json', result: shard(1, 2) },
        ]),
      { message: /merged\.json is itself a merged report/ },
    );
  });

  it('judges the thresholds the shards recorded unjudged, once, on the whole', () => {
    const acked = (r: RunResult): number => r.total.counters['acked'] ?? 0;
    const [a, b] = [shard(0, 2), shard(1, 2)];
    const whole = acked(a) + acked(b);
    const t = parseThreshold(`acked.count>=${whole}`, { source: 'cli' });
    for (const s of [a, b]) {
      s.thresholds = [];
      s.unjudgedThresholds = [t];
    }
    const merged = mergeResults([
      { file: 's0.json', result: a },
      { file: 's1.json', result: b },
    ]);
    assert.deepEqual(
      merged.thresholds.map((o) => [o.expression, o.actual, o.passed]),
      [[`acked.count>=${whole}`, whole, true]],
    );
    assert.equal(runExitCode(merged, false), 0);
  });
});

describe('merge: the default verdict on the whole', () => {
  it('a missing shard is in the status and caveats, and the run that sent under its share of the plan exits 5', () => {
    const merged = mergeResults([0, 1, 2].map((i) => ({ file: `s${i}.json`, result: shard(i, 4) })));
    assert.deepEqual(merged.shards?.missing, [3]);
    assert.equal(merged.status, 'failed');
    assert.match(merged.planShare?.notRun ?? '', /^sent 450 of 600 messages \(75\.0%\), under the minimum of 95%$/);
    assert.deepEqual(
      merged.caveats?.map((c) => [c.kind, c.label, c.message]),
      [['missing-shards', '1 shard missing', '1 of 4 shards missing (shard 3)']],
    );
    assert.equal(runExitCode(merged, false), 5);
  });

  it('a shard that did not run (too late) does not make the merge a crash: the whole is judged again', () => {
    const late: RunResult = {
      ...shard(1, 2, 'run-a', 0),
      status: 'failed',
      statusReason: 'too late',
      planShare: { devicesPlanned: 30, devicesConnected: 0, messagesPlanned: 300, messagesSent: 0, minSentPercent: 95, expect: 'delivery', notRun: 'too late' },
    };
    const merged = mergeResults([
      { file: 's0.json', result: shard(0, 2) },
      { file: 's1.json', result: late },
    ]);
    assert.equal(merged.status, 'failed');
    assert.notEqual(merged.planShare?.notRun, undefined);
    assert.equal(runExitCode(merged, false), 5);
  });
});
