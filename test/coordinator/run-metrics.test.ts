import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunMetrics } from '../../src/coordinator/run-metrics.js';
import { bucketCounts, createHistogram, recordUs, type BucketCounts } from '../../src/metrics/histogram.js';
import type { WorkerSnapshot } from '../../src/worker/messages.js';
import { planOf } from '../worker/support/fakes.js';

const PLAN = planOf(`
name: run-metrics
broker: "mqtt://127.0.0.1:1883"
workers: 2
groups:
  - { name: a, count: 2, idPattern: "a-{index}", keys: { mode: pool, size: 1, store: "unused.json" } }
  - { name: b, count: 2, idPattern: "b-{index}", keys: { mode: pool, size: 1, store: "unused.json" } }
stages:
  - { type: connect }
  - { type: disconnect }
`);

function counted(valuesUs: number[]): BucketCounts {
  const h = createHistogram();
  for (const v of valuesUs) recordUs(h, v);
  return bucketCounts(h);
}

function snapshot(workerIndex: number, stageIndex: number, acks: number[]): WorkerSnapshot {
  return {
    workerIndex,
    atMs: Date.now(),
    final: false,
    stageIndex,
    connected: 1,
    inFlight: 0,
    groups: {
      a: { counters: { connected: 1, 'errors.x': 1 }, histograms: { connectUs: counted([100, 200]), publishAckUs: counted(acks) } },
      b: { counters: { connected: 2 }, histograms: { connectUs: counted([300]) } },
    },
    harness: { counters: {}, histograms: { eventLoopDelayUs: counted([5]) } },
    loop: { activeMs: 1, idleMs: 1 },
  };
}

describe('RunMetrics', () => {
  it('adds each snapshot to the run and to its stage', () => {
    const metrics = new RunMetrics(PLAN, Date.now());
    metrics.add(snapshot(0, -1, [10]));
    metrics.add(snapshot(0, 0, [20, 30]));
    metrics.add(snapshot(1, 0, [40]));
    const total = metrics.total();
    assert.equal(total.counter('connected'), 9);
    assert.equal(total.histogram('connectUs').totalCount, 9);
    assert.equal(total.histogram('publishAckUs').totalCount, 4);
    assert.equal(total.histogram('eventLoopDelayUs').totalCount, 3);
    const stage = metrics.stageRecord({ index: 0, type: 'connect', startedAt: new Date().toISOString(), durationMs: 1 } as never);
    assert.equal(stage.total.counters['connected'], 6);
    assert.equal(stage.groups['a']?.histograms['connectUs']?.summary.count, 4);
    assert.equal(stage.groups['b']?.histograms['connectUs']?.summary.count, 2);
  });

  it("gives the tick the run's counters and publish-ack histogram, the same on every call", () => {
    const metrics = new RunMetrics(PLAN, Date.now());
    metrics.add(snapshot(0, 0, [10, 20]));
    const first = metrics.tickTotal();
    assert.equal(first.counter('connected'), 3);
    assert.equal(first.counter('errors.x'), 1);
    assert.equal(first.histogram('publishAckUs').totalCount, 2);
    metrics.add(snapshot(1, 0, [30]));
    const second = metrics.tickTotal();
    assert.equal(second.counter('connected'), 6);
    assert.equal(second.histogram('publishAckUs').totalCount, 3);
    assert.equal(second.histogram('publishAckUs').maxValue, metrics.total().histogram('publishAckUs').maxValue);
  });
});
