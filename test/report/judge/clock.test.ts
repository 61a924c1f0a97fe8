import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Recorder } from '../../../src/metrics/recorder.js';
import { MetricsTotals } from '../../../src/metrics/snapshot.js';
import { metricsSection, type ClockSection } from '../../../src/report/model/run-result.js';
import { clockCaveat } from '../../../src/report/judge/clock.js';

function totalWithUplinkP50(ms: number, negative = 0) {
  const recorder = new Recorder();
  for (let i = 0; i < 100; i++) recorder.record('uplinkUs', ms * 1000);
  if (negative > 0) recorder.count('negativeLatency', negative);
  const totals = new MetricsTotals();
  totals.add(recorder.takeInterval());
  return metricsSection(totals);
}

const follower = (uncertaintyMs: number | null, offsetMs: number | null = -50): ClockSection['workers'][number] => ({
  worker: 0,
  shard: 1,
  role: 'follower',
  corrected: true,
  offsetMs,
  firstOffsetMs: offsetMs,
  uncertaintyMs,
  estimates: offsetMs === null ? 0 : 1,
  ...(offsetMs === null ? { problem: 'clock probe: the reference did not answer' } : {}),
});

describe('cross-shard latency and the clocks', () => {
  it('says nothing when the offsets are known to a small share of the p50', () => {
    assert.equal(clockCaveat({ clock: { workers: [follower(0.05)] }, total: totalWithUplinkP50(2) }), undefined);
  });
  it('says so when the uncertainty is over 10% of the p50', () => {
    const caveat = clockCaveat({ clock: { workers: [follower(0.5)] }, total: totalWithUplinkP50(2) });
    assert.equal(caveat?.kind, 'clock-uncertain');
    assert.match(caveat.message, /±0\.50 ms is over 10% of the uplinkUs p50 \(2\.00 ms\)/);
  });
  it('names a worker without an offset, and messages timed as arriving before they were sent', () => {
    const caveat = clockCaveat({ clock: { workers: [follower(null, null)] }, total: totalWithUplinkP50(2, 3) });
    assert.match(caveat?.message ?? '', /1 worker without a clock offset \(clock probe: the reference did not answer\); 3 messages timed as arriving before/);
  });
  it('has nothing to say of a run of one piece', () => {
    assert.equal(clockCaveat({ total: totalWithUplinkP50(2, 3) }), undefined);
  });
});
