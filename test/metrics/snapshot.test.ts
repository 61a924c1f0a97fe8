import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHistogram, decodeHistogram, encodeHistogram, recordUs } from '../../src/metrics/histogram.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { MetricsTotals } from '../../src/metrics/snapshot.js';

describe('metrics snapshots', () => {
  it('encodes and decodes a histogram without loss', () => {
    const h = createHistogram();
    for (let v = 1; v <= 10_000; v += 7) recordUs(h, v);
    const d = decodeHistogram(encodeHistogram(h));
    assert.equal(d.totalCount, h.totalCount);
    for (const p of [50, 90, 99, 99.9]) assert.equal(d.getValueAtPercentile(p), h.getValueAtPercentile(p));
  });

  it('clamps values outside the trackable range instead of dropping them', () => {
    const h = createHistogram();
    recordUs(h, -5);
    recordUs(h, 1e13);
    assert.equal(h.totalCount, 2);
  });

  it('adds interval snapshots from several recorders into exact totals', () => {
    const a = new Recorder();
    const b = new Recorder();
    const totals = new MetricsTotals();
    const whole = createHistogram();
    for (let i = 0; i < 1000; i++) {
      const r = i % 2 === 0 ? a : b;
      r.count('published');
      r.record('lat', i * 13 + 1);
      recordUs(whole, i * 13 + 1);
      if (i % 100 === 99) {
        totals.add(a.takeInterval());
        totals.add(b.takeInterval());
      }
    }
    assert.equal(totals.counter('published'), 1000);
    assert.equal(totals.histogram('lat').totalCount, 1000);
    for (const p of [50, 99, 100]) assert.equal(totals.histogram('lat').getValueAtPercentile(p), whole.getValueAtPercentile(p));
  });

  it('starts each interval afresh', () => {
    const r = new Recorder();
    r.count('x', 3);
    r.record('lat', 5);
    assert.deepEqual(r.takeInterval().counters, { x: 3 });
    assert.deepEqual(r.takeInterval(), { counters: {}, histograms: {} });
  });
});
