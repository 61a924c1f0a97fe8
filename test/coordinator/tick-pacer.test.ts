import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TickPacer } from '../../src/coordinator/tick-pacer.js';

describe('the tick pacer', () => {
  it('ticks once every worker has reported since the last tick, never closer than the minimum gap, and anyway when they are quiet', () => {
    let now = 0;
    const pacer = new TickPacer({ workers: 2, nowMs: () => now, minGapMs: 800, maxGapMs: 1500 });
    now = 300;
    assert.equal(pacer.heard(0), false, 'one of two workers');
    assert.equal(pacer.heard(1), false, 'both, but only 300 ms after the last tick');
    now = 900;
    assert.equal(pacer.heard(0), true, 'both heard, 900 ms on: fresh figures, tick now');
    pacer.ticked();
    assert.equal(pacer.msUntilOverdue(), 1500, 'a timer armed now waits the whole maximum gap');
    now = 1500;
    assert.equal(pacer.heard(0), false);
    assert.equal(pacer.overdue(), false);
    assert.equal(pacer.msUntilOverdue(), 900);
    now = 2400;
    assert.equal(pacer.overdue(), true, 'worker 1 silent for 1.5 s: tick anyway');
    assert.equal(pacer.msUntilOverdue(), 0);
    pacer.ticked();
    now = 3300;
    assert.equal(pacer.heard(1), false, 'the set was cleared by the tick');
    assert.equal(pacer.heard(0), true);
  });
});
