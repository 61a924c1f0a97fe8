import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProgressTicks } from '../../src/coordinator/progress-ticks.js';
import { MetricsTotals } from '../../src/metrics/snapshot.js';

function totals(published: number, acked: number): MetricsTotals {
  const t = new MetricsTotals();
  t.add({ counters: { published, acked, 'errors.ack-timeout': 2 }, histograms: {} });
  return t;
}

describe('ProgressTicks', () => {
  it('counts per-second rates against the previous tick, and the time left from the plan', () => {
    const ticks = new ProgressTicks(1000, [5000, 10_000]);
    const stage = { index: 0, type: 'connect', startedMs: 1000 };
    const first = ticks.next({ nowMs: 2000, total: totals(50, 40), connected: 3, targetConnected: 4, stage });
    assert.equal(first.publishedPerSec, 50);
    assert.equal(first.ackedPerSec, 40);
    assert.equal(first.stageCount, 2);
    assert.equal(first.elapsedMs, 1000);
    assert.deepEqual(first.errorsByReason, { 'ack-timeout': 2 });
    const second = ticks.next({ nowMs: 3000, total: totals(80, 75), connected: 4, targetConnected: 4, stage });
    assert.equal(second.publishedPerSec, 30);
    assert.equal(second.ackedPerSec, 35);
    assert.equal(second.etaMs, 13_000);
  });
});
