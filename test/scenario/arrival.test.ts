import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arrivalDurationMs, arrivalOffsetMs } from '../../src/scenario/arrival.js';

describe('arrival times', () => {
  it('all at once, or at a constant rate', () => {
    assert.equal(arrivalOffsetMs(5, { ratePerSec: null, ramp: null }), 0);
    assert.equal(arrivalOffsetMs(5, { ratePerSec: 10, ramp: null }), 500);
    assert.equal(arrivalDurationMs(200, { ratePerSec: 100, ramp: null }), 2000);
  });

  it('on a rising ramp, arrivals follow the integral of the rate', () => {
    const ramp = { ratePerSec: null, ramp: { fromPerSec: 10, toPerSec: 30, overMs: 10_000 } };
    // n(t) = 10t + t²: n(5 s) = 75, n(10 s) = 200 = (10 + 30) / 2 · 10.
    assert.ok(Math.abs(arrivalOffsetMs(75, ramp) - 5000) < 1e-6);
    assert.ok(Math.abs(arrivalOffsetMs(200, ramp) - 10_000) < 1e-6);
    // After the ramp, the final rate holds: 30 more at 30/s take one second.
    assert.ok(Math.abs(arrivalOffsetMs(230, ramp) - 11_000) < 1e-6);
    // The instantaneous rate grows: gaps shrink.
    const gaps = [0, 50, 150].map((p) => arrivalOffsetMs(p + 1, ramp) - arrivalOffsetMs(p, ramp));
    assert.ok((gaps[0] as number) > (gaps[1] as number) && (gaps[1] as number) > (gaps[2] as number));
  });

  it('on a falling ramp too, and a flat ramp is a constant rate', () => {
    const down = { ratePerSec: null, ramp: { fromPerSec: 30, toPerSec: 10, overMs: 10_000 } };
    assert.ok(Math.abs(arrivalOffsetMs(200, down) - 10_000) < 1e-6);
    assert.ok(Math.abs(arrivalOffsetMs(125, down) - 5000) < 1e-6); // n(t) = 30t − t²: n(5) = 125
    assert.equal(arrivalOffsetMs(50, { ratePerSec: null, ramp: { fromPerSec: 20, toPerSec: 20, overMs: 1000 } }), 2500);
  });

  it('is monotonic over a whole ramp', () => {
    const ramp = { ratePerSec: null, ramp: { fromPerSec: 1, toPerSec: 500, overMs: 20_000 } };
    let previous = -1;
    for (let p = 0; p < 6000; p++) {
      const t = arrivalOffsetMs(p, ramp);
      assert.ok(t > previous, `position ${p}`);
      previous = t;
    }
  });
});
