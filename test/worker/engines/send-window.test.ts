import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SendWindow } from '../../../src/worker/engines/send-window.js';

describe("SendWindow: the broker's Receive Maximum per connection", () => {
  it('takes places up to its limit, holds the rest, and gives each freed place to the longest waiting, in order', () => {
    const window = new SendWindow<number>();
    window.reset(3);
    let inFlight = 0;
    let most = 0;
    const sent: number[] = [];
    const send = (n: number): void => {
      sent.push(n);
      inFlight++;
      most = Math.max(most, inFlight);
    };
    for (let n = 1; n <= 10; n++) {
      if (window.take()) send(n);
      else window.hold(n);
    }
    assert.deepEqual(sent, [1, 2, 3]);
    assert.equal(window.waiting, 7);
    // Acks come one by one; each frees a place that the next waiting publish takes.
    while (inFlight > 0) {
      inFlight--;
      const next = window.release();
      if (next !== undefined) send(next);
    }
    assert.deepEqual(sent, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(most, 3);
    assert.equal(window.inFlight, 0);
    assert.equal(window.waiting, 0);
  });

  it('is unbounded until a broker sets a limit (MQTT 3.1.1)', () => {
    const window = new SendWindow<number>();
    for (let n = 0; n < 70_000; n++) assert.ok(window.take());
    assert.equal(window.limit, Number.POSITIVE_INFINITY);
  });

  it('hands back what still waited when its connection ends, and starts the next one empty', () => {
    const window = new SendWindow<string>();
    window.reset(1);
    assert.ok(window.take());
    window.hold('a');
    window.hold('b');
    assert.deepEqual(window.reset(5), ['a', 'b']);
    assert.equal(window.inFlight, 0);
    assert.equal(window.limit, 5);
    for (let n = 0; n < 5; n++) assert.ok(window.take());
    assert.equal(window.take(), false);
  });
});
