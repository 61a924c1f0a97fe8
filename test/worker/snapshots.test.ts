import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Fleet } from '../../src/worker/fleet.js';
import { SnapshotTaker } from '../../src/worker/snapshots.js';
import { FakeClock, planOf } from './support/fakes.js';

const PLAN = planOf(`
groups:
  - { name: a, count: 1, idPattern: "a-{index}" }
  - { name: b, count: 1, idPattern: "b-{index}" }
stages:
  - type: connect
`);

describe('SnapshotTaker', () => {
  it("hands over each group's interval by name, with the worker's state, once", () => {
    const clock = new FakeClock(5000);
    const fleet = new Fleet(PLAN.groups);
    const snapshots = new SnapshotTaker(3, PLAN.groups, fleet, clock);
    fleet.recorder(0).count('published', 2);
    fleet.recorder(1).count('acked');
    const first = snapshots.take(false, { stageIndex: 1, connected: 7, inFlight: 2 });
    assert.deepEqual(
      {
        workerIndex: first.workerIndex,
        atMs: first.atMs,
        final: first.final,
        stageIndex: first.stageIndex,
        connected: first.connected,
        inFlight: first.inFlight,
      },
      { workerIndex: 3, atMs: 5000, final: false, stageIndex: 1, connected: 7, inFlight: 2 },
    );
    assert.deepEqual(first.groups['a']?.counters, { published: 2 });
    assert.deepEqual(first.groups['b']?.counters, { acked: 1 });
    assert.ok(first.loop.activeMs >= 0 && first.loop.idleMs >= 0);
    const second = snapshots.take(true, { stageIndex: 1, connected: 0, inFlight: 0 });
    assert.deepEqual(second.groups['a']?.counters, {});
    assert.equal(second.final, true);
    snapshots.stop();
  });
});

describe('Fleet', () => {
  it('gives each device its group recorder and refuses an index it does not hold', () => {
    const fleet = new Fleet(PLAN.groups);
    assert.throws(() => fleet.device(0), RangeError);
    assert.throws(() => fleet.recorder(2), RangeError);
  });
});
