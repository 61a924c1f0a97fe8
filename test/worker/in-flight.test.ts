import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InFlightTable } from '../../src/worker/in-flight.js';

describe('InFlightTable', () => {
  it('keeps each message under its ticket until it is closed, and gives the row out again', () => {
    const table = new InFlightTable();
    const a = table.open(0, 1, 100, 101.5);
    const b = table.open(2, 0, 200, 199);
    assert.notEqual(a, b);
    assert.deepEqual([table.group(a), table.qos(a), table.plannedMs(a), table.sentMs(a)], [0, 1, 100, 101.5]);
    assert.deepEqual([table.group(b), table.qos(b), table.plannedMs(b), table.sentMs(b)], [2, 0, 200, 199]);
    assert.deepEqual([table.size, table.pending], [2, 2]);
    table.close(a);
    assert.equal(table.taken(a), false);
    assert.deepEqual([table.size, table.pending], [1, 1]);
    // The freed row is the next one given out.
    assert.equal(table.open(1, 1, 300, 300), a);
  });

  it('times out what is still awaited, once per message with its group, and keeps those rows taken', () => {
    const table = new InFlightTable();
    const tickets = [0, 1, 1, 2].map((group) => table.open(group, 1, 0, 0));
    table.close(tickets[1] as number);
    const groups: number[] = [];
    table.timeOutPending((group) => groups.push(group));
    assert.deepEqual(groups, [0, 1, 2]);
    assert.deepEqual([table.size, table.pending], [3, 0]);
    assert.equal(table.timedOut(tickets[0] as number), true);
    assert.equal(table.taken(tickets[0] as number), true);
    // A second look finds nothing more to time out; a late outcome frees the row.
    table.timeOutPending(() => assert.fail('timed out twice'));
    table.close(tickets[0] as number);
    assert.deepEqual([table.size, table.pending], [2, 0]);
  });

  it('grows past its first rows without losing any', () => {
    const table = new InFlightTable();
    const tickets = Array.from({ length: 5000 }, (_, i) => table.open(i % 7, 1, i, i + 0.5));
    assert.equal(new Set(tickets).size, 5000);
    assert.equal(table.size, 5000);
    for (const [i, ticket] of tickets.entries()) {
      assert.equal(table.plannedMs(ticket), i);
      assert.equal(table.group(ticket), i % 7);
    }
    for (const ticket of tickets) table.close(ticket);
    assert.deepEqual([table.size, table.pending], [0, 0]);
  });
});
