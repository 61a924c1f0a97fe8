import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stageLayout } from '../../../src/scenario/stage-layout.js';
import { connectTimes } from '../../../src/worker/schedule.js';
import { stageDevices } from '../../../src/worker/stages/stage-devices.js';

describe("a worker's devices in a stage", () => {
  // Worker 0 of 2 holds the even global indices: rsa 0, 2 and ec 0, 2 (groups of 4 each), listed group by group.
  const worker0 = [
    { groupIndex: 0, localIndex: 0 },
    { groupIndex: 0, localIndex: 2 },
    { groupIndex: 1, localIndex: 0 },
    { groupIndex: 1, localIndex: 2 },
  ];
  const groups = [
    { name: 'rsa', count: 4 },
    { name: 'ec', count: 4 },
  ];

  it('interleaved: sorted by place, so the two groups alternate in the schedule too', () => {
    const s = stageDevices(worker0, stageLayout(groups, ['rsa', 'ec'], 'interleaved'));
    assert.deepEqual(s.positions, [0, 1, 4, 5]);
    assert.deepEqual(s.indices, [0, 2, 1, 3], 'rsa-0, ec-0, rsa-2, ec-2');
    const times = [...connectTimes(0, 100, s.positions)].map((e) => e.atMs);
    assert.deepEqual(times, [0, 10, 40, 50], 'planned times only move forward');
  });

  it('grouped: the list order already is the place order', () => {
    const s = stageDevices(worker0, stageLayout(groups, ['rsa', 'ec'], 'grouped'));
    assert.deepEqual(s.positions, [0, 2, 4, 6]);
    assert.deepEqual(s.indices, [0, 1, 2, 3]);
    assert.equal(s.total, 8);
  });

  it('leaves out the groups the stage does not cover', () => {
    const s = stageDevices(worker0, stageLayout(groups, ['ec'], 'interleaved'));
    assert.deepEqual(s.indices, [2, 3]);
    assert.deepEqual(s.positions, [0, 2]);
  });
});
