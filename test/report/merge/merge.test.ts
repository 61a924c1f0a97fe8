import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHistogram, decodeHistogram, encodeHistogram, recordUs } from '../../../src/metrics/histogram.js';
import { MetricsTotals } from '../../../src/metrics/snapshot.js';
import { mergeResults } from '../../../src/report/merge/merge.js';
import { metricsSection, type RunResult } from '../../../src/report/model/run-result.js';
import { runResultSchema } from '../../../src/report/model/run-result-schema.js';
import { fixtureResult, seeded } from '../fixture.js';

/**
 * Samples of one whole run, dealt to shards the way devices are: round-robin, one snapshot per
 * device of 50 samples (20,000 in all; a snapshot per sample made this test take a minute).
 */
function shardedRun(shards: number): { whole: MetricsTotals; parts: MetricsTotals[] } {
  const random = seeded(42);
  const whole = new MetricsTotals();
  const parts = Array.from({ length: shards }, () => new MetricsTotals());
  const perDevice = 50;
  for (let device = 0; device < 20_000 / perDevice; device++) {
    const h = createHistogram();
    let timeouts = 0;
    for (let k = 0; k < perDevice; k++) {
      recordUs(h, 300 * Math.exp(random() * random() * 9));
      if ((device * perDevice + k) % 97 === 0) timeouts++;
    }
    const snapshot = {
      counters: { acked: perDevice, ...(timeouts > 0 ? { 'errors.ack-timeout': timeouts } : {}) },
      histograms: { publishAckUs: encodeHistogram(h) },
    };
    whole.add(snapshot);
    parts[device % shards]!.add(snapshot);
  }
  return { whole, parts };
}

function asShard(base: RunResult, totals: MetricsTotals, index: number, count: number): RunResult {
  const section = metricsSection(totals);
  return { ...base, total: section, groups: { ec: section }, stages: [], shard: { index, count } };
}

describe('merge', () => {
  it('gives exactly the histogram and counters of the whole from its shards', () => {
    const { whole, parts } = shardedRun(3);
    const base = fixtureResult({ seed: 1 });
    const merged = mergeResults(parts.map((p, i) => ({ file: `shard-${i}.json`, result: asShard(base, p, i, 3) })));
    const expected = metricsSection(whole);
    assert.deepEqual(merged.total.counters, expected.counters);
    assert.deepEqual(merged.total.errors, expected.errors);
    const got = merged.total.histograms['publishAckUs']!;
    const want = expected.histograms['publishAckUs']!;
    assert.deepEqual(got.summary, want.summary);
    assert.equal(decodeHistogram(got.encoded).outputPercentileDistribution(5, 1), decodeHistogram(want.encoded).outputPercentileDistribution(5, 1));
    for (const p of [50, 90, 99, 99.9, 99.99, 100])
      assert.equal(decodeHistogram(got.encoded).getValueAtPercentile(p), whole.histogram('publishAckUs').getValueAtPercentile(p), `p${p}`);
    assert.equal(runResultSchema.safeParse(merged).success, true);
  });

  it('says how many shards it came from and which are missing', () => {
    const base = fixtureResult({ seed: 1 });
    const merged = mergeResults([0, 2, 3].map((i) => ({ file: `s${i}.json`, result: { ...base, shard: { index: i, count: 5 } } })));
    assert.deepEqual(
      { count: merged.shards!.count, present: merged.shards!.present, missing: merged.shards!.missing },
      { count: 5, present: [0, 2, 3], missing: [1, 4] },
    );
    assert.deepEqual(
      merged.shards!.sources.map((s) => s.file),
      ['s0.json', 's2.json', 's3.json'],
    );
    // Reports without shard ids are numbered in the order given.
    const plain = mergeResults([
      { file: 'a', result: base },
      { file: 'b', result: base },
    ]);
    assert.deepEqual([plain.shards!.count, plain.shards!.missing], [2, []]);
  });

  it('lines timelines up on wall-clock seconds, with exact per-second percentiles', () => {
    const a = fixtureResult({ seed: 1, startedAt: '2026-11-28T08:00:00.900Z', seconds: 6 });
    const b = fixtureResult({ seed: 2, startedAt: '2026-11-28T08:00:02.100Z', seconds: 6 });
    const merged = mergeResults([
      { file: 'a', result: a },
      { file: 'b', result: b },
    ]);
    // a covers wall seconds 0..5, b 2..7 (it started in wall second 2).
    assert.deepEqual(
      merged.timeline.map((p) => p.second),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    assert.equal(merged.timeline[4]!.published, a.timeline[4]!.published + b.timeline[2]!.published);
    assert.equal(merged.timeline[4]!.connected, a.timeline[4]!.connected + b.timeline[2]!.connected);
    const second5 = createHistogram();
    second5.add(decodeHistogram(a.timeline[5]!.publishAckEncoded!));
    second5.add(decodeHistogram(b.timeline[3]!.publishAckEncoded!));
    assert.equal(merged.timeline[5]!.publishAckP99Us, second5.getValueAtPercentile(99));
    assert.equal(merged.startedAt, a.startedAt);
    assert.equal(merged.endedAt, b.endedAt);
    assert.equal(merged.durationMs, Date.parse(b.endedAt) - Date.parse(a.startedAt));
  });

  it('takes the worst status and evaluates the thresholds again on the whole', () => {
    const a = fixtureResult({ seed: 1 });
    const b: RunResult = { ...fixtureResult({ seed: 2 }), status: 'interrupted', statusReason: 'stopped by signal' };
    const limit = 1000;
    a.thresholds = [
      {
        expression: `acked.count>${limit}`,
        source: 'scenario',
        metric: 'acked',
        group: null,
        aggregate: { kind: 'count' },
        op: '>',
        limit,
        abortOnFail: false,
        passed: false,
        actual: 598,
      },
    ];
    b.thresholds = a.thresholds;
    const merged = mergeResults([
      { file: 'a.json', result: a },
      { file: 'b.json', result: b },
    ]);
    assert.equal(merged.status, 'interrupted');
    assert.equal(merged.statusReason, 'b.json: stopped by signal');
    assert.deepEqual(
      merged.thresholds.map((t) => [t.expression, t.actual, t.passed]),
      [[`acked.count>${limit}`, 1196, true]],
    );
  });

  it('refuses reports of different scenarios, schema versions, or the same shard twice', () => {
    const a = fixtureResult({ seed: 1 });
    const other: RunResult = { ...a, scenario: { ...a.scenario, name: 'other' } };
    assert.throws(
      () =>
        mergeResults([
          { file: 'a.json', result: a },
          { file: 'o.json', result: other },
        ]),
      {
        code: 'ERR_CONFIG',
        message:
          'o.json: a different scenario from a.json ("other": groups ec,rsa; stages connect,publish,disconnect vs "fixture": groups ec,rsa; stages connect,publish,disconnect); only shards of one scenario merge',
      },
    );
    const fewerStages: RunResult = { ...a, scenario: { ...a.scenario, plan: { ...a.scenario.plan, stages: a.scenario.plan.stages.slice(0, 2) } } };
    assert.throws(
      () =>
        mergeResults([
          { file: 'a.json', result: a },
          { file: 'f.json', result: fewerStages },
        ]),
      { code: 'ERR_CONFIG', message: /f\.json: a different scenario/ },
    );
    const old = { ...a, schemaVersion: 1 } as unknown as RunResult;
    assert.throws(
      () =>
        mergeResults([
          { file: 'a.json', result: a },
          { file: 'old.json', result: old },
        ]),
      { code: 'ERR_CONFIG', message: 'old.json: schemaVersion 1, but this version of mqtt-jwt-bench merges 2' },
    );
    const s = (i: number): RunResult => ({ ...a, shard: { index: i, count: 2 } });
    assert.throws(
      () =>
        mergeResults([
          { file: 'x.json', result: s(1) },
          { file: 'y.json', result: s(1) },
        ]),
      { code: 'ERR_CONFIG', message: 'merge: shard 1 is given twice (x.json, y.json)' },
    );
    assert.throws(() => mergeResults([]), { code: 'ERR_CONFIG' });
  });
});
