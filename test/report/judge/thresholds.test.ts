import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHistogram } from '../../../src/metrics/histogram.js';
import { anyCrossed, evaluateThresholds, viewOfResult } from '../../../src/report/judge/thresholds.js';
import { parseThreshold } from '../../../src/scenario/threshold.js';
import { fixtureResult } from '../fixture.js';

describe('evaluating thresholds against a report', () => {
  const result = fixtureResult({ seed: 7 });
  const view = viewOfResult(result);
  const evaluate = (text: string) => evaluateThresholds([parseThreshold(text)], view)[0]!;
  const h = (name: string, group?: string) => decodeHistogram((group === undefined ? result.total : result.groups[group]!).histograms[name]!.encoded);

  it('reads percentiles, averages and extremes from the decoded histograms, in µs', () => {
    const p99 = h('connectUs').getValueAtPercentile(99);
    assert.deepEqual([evaluate(`connect.p(99)<${p99 + 1}us`).passed, evaluate(`connect.p(99)<${p99 + 1}us`).actual], [true, p99]);
    assert.equal(evaluate(`connect.p(99)<${p99}us`).passed, false);
    assert.equal(evaluate('publishAck{group=rsa}.max<3600s').actual, h('publishAckUs', 'rsa').maxValue);
    assert.equal(evaluate('sign.min>0').actual, h('signUs').minNonZeroValue);
    assert.equal(evaluate('sendLag.avg<1s').actual, h('sendLagUs').mean);
    assert.equal(evaluate('eventLoopDelay.p(100)<=2.4ms').actual, h('eventLoopDelayUs').maxValue);
  });

  it('counts, rates over the run and error rates', () => {
    assert.equal(evaluate('acked.count==598').actual, 598);
    assert.equal(evaluate('acked.count==598').passed, true);
    assert.equal(evaluate('connect.count>=60').actual, 60);
    assert.equal(evaluate('acked.rate>49/s').actual, 598 / 12);
    // ack-timeout 1 per group over 600 messages due: 2/600.
    assert.equal(evaluate('publish.error_rate<1%').actual, 2 / 600);
    assert.equal(evaluate('connect.error_rate==0').actual, 0);
    // Run-wide: 2 errors over 60 connect attempts + 600 messages.
    assert.equal(evaluate('error_rate<1%').actual, 2 / 660);
    assert.equal(evaluate('error_rate{group=ec}<1%').actual, 1 / 440);
    assert.equal(evaluate('missedSlots.count==0').actual, 0);
  });

  it('fails, with a note, where there is nothing to measure', () => {
    assert.deepEqual(pick(evaluate('connect{group=nope}.p99<1s')), { passed: false, actual: null, note: 'no group named "nope"' });
    assert.deepEqual(pick(evaluate('e2eUplink.p99<1s')), { passed: false, actual: null, note: 'no samples of e2eUplink' });
    assert.deepEqual(pick(evaluate('nothing.count<1')), { passed: false, actual: null, note: 'no counter or histogram named "nothing"' });
  });

  it('records every outcome, and anyCrossed says whether one failed', () => {
    const outcomes = evaluateThresholds([parseThreshold('acked.count>0'), parseThreshold('acked.count<0', { source: 'cli' })], view);
    assert.deepEqual(
      outcomes.map((o) => [o.expression, o.source, o.passed]),
      [
        ['acked.count>0', 'scenario', true],
        ['acked.count<0', 'cli', false],
      ],
    );
    assert.equal(anyCrossed(outcomes), true);
    assert.equal(anyCrossed(outcomes.slice(0, 1)), false);
  });
});

function pick(o: { passed: boolean; actual: number | null; note?: string }) {
  return { passed: o.passed, actual: o.actual, note: o.note };
}
