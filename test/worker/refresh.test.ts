import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refreshAtMs, RefreshQueue } from '../../src/worker/refresh.js';

describe('token refresh planning', () => {
  it('refreshes at least refreshBefore ahead of exp, spread over half of that margin', () => {
    const exp = 1_000_000;
    assert.equal(refreshAtMs(exp, 60, 0, 100), exp * 1000 - 90_000);
    assert.equal(refreshAtMs(exp, 60, 50, 100), exp * 1000 - 75_000);
    assert.ok(refreshAtMs(exp, 60, 99, 100) <= exp * 1000 - 60_000);
  });

  it('hands out due refreshes earliest first, with an injected clock', () => {
    const queue = new RefreshQueue();
    for (const [device, atMs] of [
      [1, 500],
      [2, 100],
      [3, 300],
      [4, 300],
      [5, 900],
    ] as const)
      queue.add(device, atMs);
    assert.equal(queue.peekMs(), 100);
    assert.deepEqual(queue.takeDue(50), []);
    assert.deepEqual(
      queue.takeDue(300).map((e) => e.device),
      [2, 3, 4],
    );
    queue.remove(5);
    assert.deepEqual(
      queue.takeDue(10_000).map((e) => e.device),
      [1],
    );
    assert.equal(queue.size, 0);
  });

  it('keeps one plan per device: planning it again replaces the earlier plan, and a removed plan is never handed out', () => {
    const queue = new RefreshQueue();
    queue.add(1, 100);
    queue.add(2, 200);
    queue.add(1, 400);
    queue.add(3, 50);
    queue.remove(3);
    assert.equal(queue.size, 2);
    assert.equal(queue.peekMs(), 200);
    assert.deepEqual(queue.takeDue(300), [{ device: 2, atMs: 200 }]);
    assert.deepEqual(queue.takeDue(1000), [{ device: 1, atMs: 400 }]);
    assert.equal(queue.size, 0);
    assert.equal(queue.peekMs(), undefined);
  });

  it('looks past a storm’s worth of dropped plans to the first live one', () => {
    const queue = new RefreshQueue();
    for (let device = 0; device < 50_000; device++) queue.add(device, device);
    for (let device = 0; device < 49_999; device++) queue.remove(device);
    assert.equal(queue.peekMs(), 49_999, 'the one plan left');
    assert.equal(queue.peekMs(), 49_999, 'and again, the stale ones gone');
    assert.deepEqual(queue.takeDue(Infinity), [{ device: 49_999, atMs: 49_999 }]);
  });
});
