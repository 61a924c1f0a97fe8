import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from '../../src/util/clock.js';
import { connectTimes, publishSeries, publishTimes, runPlanned, runSeries } from '../../src/worker/schedule.js';

class FakeClock implements Clock {
  nowMsValue = 0;
  sleeps: number[] = [];
  nowMs(): number {
    return this.nowMsValue;
  }
  sleepMs(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.nowMsValue += ms;
    return Promise.resolve();
  }
}

describe('schedules', () => {
  it('spaces connects by the global rate, each worker taking its positions', () => {
    // Worker 1 of 2 holds global positions 1, 3, 5 at 100/s: 10 ms apart globally.
    assert.deepEqual(
      [...connectTimes(1000, 100, [1, 3, 5])].map((e) => e.atMs),
      [1010, 1030, 1050],
    );
    assert.deepEqual(
      [...connectTimes(1000, null, [1, 3])].map((e) => e.atMs),
      [1000, 1000],
    );
  });

  it('phases publishes evenly over one interval and yields them in time order', () => {
    const events = [...publishTimes(0, 2, 3, [0, 2], 4)];
    assert.deepEqual(
      events.map((e) => [e.device, e.seq, e.atMs]),
      [
        [0, 0, 0],
        [1, 0, 250],
        [0, 1, 500],
        [1, 1, 750],
        [0, 2, 1000],
        [1, 2, 1250],
      ],
    );
  });

  it('fires every event at its planned time without drifting', async () => {
    const clock = new FakeClock();
    const fired: [number, number][] = [];
    const count = await runPlanned(
      publishTimes(100, 10, 5, [0], 1),
      clock,
      (e) => fired.push([e.atMs, clock.nowMs()]),
      () => false,
    );
    assert.equal(count, 5);
    for (const [planned, actual] of fired) assert.equal(actual, planned);
  });

  it('fires late events back to back instead of sleeping', async () => {
    const clock = new FakeClock();
    clock.nowMsValue = 10_000;
    const count = await runPlanned(
      publishTimes(0, 10, 20, [0], 1),
      clock,
      () => {},
      () => false,
    );
    assert.equal(count, 20);
    assert.deepEqual(clock.sleeps, []);
  });

  it('stops when asked', async () => {
    const clock = new FakeClock();
    let fired = 0;
    const count = await runPlanned(
      publishTimes(0, 10, 100, [0], 1),
      clock,
      () => fired++,
      () => fired >= 7,
    );
    assert.equal(count, 7);
  });
});

describe('a planned series', () => {
  it('is the same schedule as publishTimes, by index', () => {
    const series = publishSeries(100, 2, 3, [0, 2], 4);
    assert.equal(series.count, 6);
    assert.deepEqual(
      Array.from({ length: series.count }, (_, k) => series.atMs(k)),
      [...publishTimes(100, 2, 3, [0, 2], 4)].map((e) => e.atMs),
    );
  });

  it('sleeps once per tick and fires every event due by then, handing over the time it read', async () => {
    const clock = new FakeClock();
    // 4 devices at 100/s: events 2.5 ms apart; a tick fires what is due within the next millisecond.
    const fired: { k: number; atMs: number; nowMs: number; clockMs: number }[] = [];
    const count = await runSeries(
      publishSeries(0, 100, 2, [0, 1, 2, 3], 4),
      clock,
      (k, atMs, nowMs) => fired.push({ k, atMs, nowMs, clockMs: clock.nowMs() }),
      () => false,
    );
    assert.equal(count, 8);
    assert.deepEqual(
      fired.map((f) => f.k),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    for (const f of fired) {
      assert.equal(f.nowMs, f.clockMs);
      assert.equal(f.atMs, f.nowMs);
    }
    assert.equal(clock.sleeps.length, 7);
  });

  it('fires a late series back to back, yielding now and then, and stops when asked', async () => {
    const clock = new FakeClock();
    clock.nowMsValue = 200_000;
    let fired = 0;
    const count = await runSeries(
      publishSeries(0, 10, 1000, [0], 1),
      clock,
      () => fired++,
      () => fired >= 700,
    );
    assert.equal(count, 700);
    assert.deepEqual(clock.sleeps, []);
  });
});
