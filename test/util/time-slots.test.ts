import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimeSlots } from '../../src/util/time-slots.js';

describe('TimeSlots', () => {
  it('keeps each item in one slot, takes the due ones in a batch, and names the earliest slot left', () => {
    const slots = new TimeSlots<string>();
    assert.equal(slots.earliest(), undefined);
    slots.add('a', 10);
    slots.add('b', 12);
    slots.add('c', 15);
    slots.add('a', 14); // moved: out of slot 10
    slots.delete('c');
    assert.equal(slots.size, 2);
    assert.equal(slots.earliest(), 12);
    assert.deepEqual(slots.takeDue(11), [], 'nothing left in slots 10 and 11');
    assert.deepEqual(slots.takeDue(14).sort(), ['a', 'b']);
    assert.equal(slots.size, 0);
    assert.equal(slots.earliest(), undefined);
    slots.add('d', 3);
    slots.clear();
    assert.deepEqual(slots.takeDue(100), []);
  });
});
