import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CapacitySteps, crossedAbortThreshold } from '../../src/coordinator/run-judges.js';
import { MetricsTotals } from '../../src/metrics/snapshot.js';
import { metricsSection, type StageRecord } from '../../src/report/model/run-result.js';
import type { MetricsView } from '../../src/report/judge/thresholds.js';
import { parseThreshold } from '../../src/scenario/threshold.js';
import { planOf } from '../worker/support/fakes.js';

function viewWith(counters: Record<string, number>): MetricsView {
  return {
    durationSec: 10,
    section: () => ({ counter: (name) => counters[name] ?? 0, counterNames: () => Object.keys(counters), histogram: () => undefined }),
  };
}

describe('crossedAbortThreshold', () => {
  it('names the first abortOnFail threshold crossed, ignores the others, and builds no view when none is watched', () => {
    const watched = parseThreshold('connectFailed.count<5', { abortOnFail: true });
    const unwatched = parseThreshold('published.count>1000');
    assert.equal(
      crossedAbortThreshold([unwatched, watched], () => viewWith({ connectFailed: 9, published: 0 })),
      'connectFailed.count<5',
    );
    assert.equal(
      crossedAbortThreshold([unwatched, watched], () => viewWith({ connectFailed: 1, published: 0 })),
      undefined,
    );
    assert.equal(
      crossedAbortThreshold([unwatched], () => assert.fail('no view is needed')),
      undefined,
    );
  });
});

describe('CapacitySteps', () => {
  const plan = planOf(`
groups:
  - { name: s, count: 100, idPattern: "s-{index}" }
capacity: { thresholds: ["connectFailed.count<1"] }
stages:
  - { type: connect, rate: 10/s }
  - { type: disconnect }
  - { type: connect, rate: 20/s }
`);

  function record(index: number, type: string, connectFailed: number): StageRecord {
    const totals = new MetricsTotals();
    totals.add({ counters: { connected: 100, connectFailed }, histograms: {} });
    const section = metricsSection(totals);
    return {
      index,
      type,
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:10.000Z',
      durationMs: 10_000,
      total: section,
      groups: { s: section },
    };
  }

  it('judges connect stages only, and says stop at the first that broke', () => {
    const steps = new CapacitySteps(plan);
    const seen: number[] = [];
    assert.equal(
      steps.broke(record(0, 'connect', 0), (s) => seen.push(s.ratePerSec)),
      false,
    );
    assert.equal(
      steps.broke(record(1, 'disconnect', 0), (s) => seen.push(s.ratePerSec)),
      false,
    );
    assert.equal(
      steps.broke(record(2, 'connect', 3), (s) => seen.push(s.ratePerSec)),
      true,
    );
    assert.deepEqual(seen, [10, 20]);
    assert.deepEqual(
      steps.steps.map((s) => s.held),
      [true, false],
    );
  });
});
