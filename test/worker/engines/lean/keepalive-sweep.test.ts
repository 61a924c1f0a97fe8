import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import { KeepaliveSweep, type Swept } from '../../../../src/worker/engines/lean/keepalive-sweep.js';

/** A session that records when it was looked at and answers with the next look it wants. */
class Looked implements Swept {
  readonly at: number[] = [];
  constructor(readonly next: (nowMs: number, looks: number) => number | undefined) {}
  sweep(nowMs: number): number | undefined {
    this.at.push(nowMs);
    return this.next(nowMs, this.at.length);
  }
}

const SLOT_MS = 20;
const sweeps: KeepaliveSweep[] = [];
const sweepOf = (): KeepaliveSweep => {
  const sweep = new KeepaliveSweep(SLOT_MS);
  sweeps.push(sweep);
  return sweep;
};
afterEach(() => {
  for (const sweep of sweeps.splice(0)) sweep.stop();
});

describe('the keepalive sweep', () => {
  it('looks at a session no earlier than it asked and within a slot after, then where it asks next', async () => {
    const sweep = sweepOf();
    const start = performance.now();
    // Due 50 ms from now; then 40 ms after each look; no more after the third.
    const session = new Looked((now, looks) => (looks < 3 ? now + 40 : undefined));
    sweep.add(session, start + 50);
    await sleep(600);
    assert.equal(session.at.length, 3, 'three looks, then it asked for none');
    const [first, second, third] = session.at as [number, number, number];
    assert.ok(first >= start + 50, `first look ${(first - start).toFixed(1)} ms in, not before 50`);
    assert.ok(second - first >= 40 && third - second >= 40, 'each later look no earlier than asked');
    assert.equal(sweep.size, 0, 'a session that needs no look is dropped');
  });

  it('visits only the sessions due: thousands held with their pings far off are never walked', async () => {
    const sweep = sweepOf();
    const now = performance.now();
    const quiet = Array.from({ length: 5000 }, () => new Looked(() => undefined));
    for (const session of quiet) sweep.add(session, now + 60_000);
    const due = new Looked((t, looks) => (looks < 5 ? t + 1 : undefined));
    sweep.add(due, now + 10);
    await sleep(600);
    assert.equal(due.at.length, 5, 'the due session was looked at five times, a slot apart');
    assert.equal(
      quiet.reduce((n, s) => n + s.at.length, 0),
      0,
      'none of the 5,000 quiet sessions was looked at',
    );
    assert.equal(sweep.size, 5000);
  });

  it('forgets a deleted session, and a session added again keeps only its latest due time', async () => {
    const sweep = sweepOf();
    const now = performance.now();
    const gone = new Looked(() => undefined);
    const moved = new Looked(() => undefined);
    sweep.add(gone, now + 10);
    sweep.add(moved, now + 10);
    sweep.delete(gone);
    sweep.add(moved, now + 400);
    await sleep(80);
    assert.equal(gone.at.length, 0, 'deleted: never looked at');
    assert.equal(moved.at.length, 0, 'moved later: not looked at its first time');
    await sleep(600);
    assert.equal(moved.at.length, 1, 'looked at once, at its latest time');
    assert.equal(sweep.size, 0);
  });
});
