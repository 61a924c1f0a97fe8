import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareColumns, compareGroups, differences } from '../../src/report/compare.js';
import { formatComparison } from '../../src/report/compare-console.js';
import type { MetricsSection } from '../../src/report/run-result.js';
import { fixtureResult } from './fixture.js';

const section = (acked: number, p99: number, errors: Record<string, number> = {}): MetricsSection => ({
  counters: { acked },
  connectFailures: {},
  errors,
  histograms: { publishAckUs: { summary: { count: acked, min: 100, mean: 500, p50: 400, p90: 800, p99, p999: p99 * 2, max: p99 * 3 }, encoded: '' } },
});

describe('compare', () => {
  it('computes deltas and ratios against the first column', () => {
    assert.deepEqual(differences([200, 300, 100, null]), { deltas: [null, 100, -100, null], ratios: [null, 1.5, 0.5, null] });
    assert.deepEqual(differences([0, 5]), { deltas: [null, 5], ratios: [null, null] });
    assert.deepEqual(differences([null, 5]), { deltas: [null, null], ratios: [null, null] });
  });

  it('puts every metric of every run side by side', () => {
    const comparison = compareColumns([
      { label: 'a', section: section(1000, 4000), durationMs: 10_000 },
      { label: 'b', section: section(1500, 5000, { 'ack-timeout': 3 }), durationMs: 12_000 },
    ]);
    const row = (metric: string) => comparison.rows.find((r) => r.metric === metric)!;
    assert.deepEqual(comparison.labels, ['a', 'b']);
    assert.deepEqual(row('durationMs'), { metric: 'durationMs', unit: 'ms', values: [10_000, 12_000], deltas: [null, 2000], ratios: [null, 1.2] });
    assert.deepEqual(row('publishAckUs.p99'), { metric: 'publishAckUs.p99', unit: 'us', values: [4000, 5000], deltas: [null, 1000], ratios: [null, 1.25] });
    assert.deepEqual(row('publishAckUs.count').unit, 'count');
    assert.deepEqual(row('counters.acked').values, [1000, 1500]);
    assert.deepEqual(row('acked.rate'), { metric: 'acked.rate', unit: 'per_sec', values: [100, 125], deltas: [null, 25], ratios: [null, 1.25] });
    // An error only one run had is zero in the other, so its delta is still defined.
    assert.deepEqual(row('errors.ack-timeout'), { metric: 'errors.ack-timeout', unit: 'count', values: [0, 3], deltas: [null, 3], ratios: [null, null] });
  });

  it('prints a table with deltas and ratios, latencies in ms', () => {
    const text = formatComparison(compareColumns([
      { label: 'a', section: section(1000, 4000), durationMs: 10_000 },
      { label: 'b', section: section(1500, 5000), durationMs: 10_000 },
    ]));
    const line = text.split('\n').find((l) => l.startsWith('publishAckUs.p99 '))!;
    assert.deepEqual(line.split(/\s{2,}/), ['publishAckUs.p99', '4.00', '5.00', '+1.00', '1.25×']);
    assert.match(text, /^metric\s+a\s+b\s+Δ\s+×$/m);
  });

  it('compares the groups of one run', () => {
    const result = fixtureResult({ seed: 5 });
    const comparison = compareGroups(result);
    assert.deepEqual(comparison.labels, ['ec', 'rsa']);
    const signP50 = comparison.rows.find((r) => r.metric === 'signUs.p50')!;
    assert.deepEqual(signP50.values, [result.groups['ec']!.histograms['signUs']!.summary.p50, result.groups['rsa']!.histograms['signUs']!.summary.p50]);
    assert.equal(signP50.ratios[1], (signP50.values[1] as number) / (signP50.values[0] as number));
  });
});
